"""AgentWorkflow: one mention of the bot, handled to the end.

Approval-only mode (no model configured): the request goes for approval exactly as
written and the thread gets the outcome. The model-driven agent plugs in at `_handle`,
asking for approvals through the same `ask_for_approval`.
"""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.slack import SlackActivities
    from workflows.approval import SLACK_CALL
    from workflows.approval_rules import decision_line
    from workflows.ask_for_approval import ask_for_approval
    from workflows.models import (
        AgentAnswer,
        AgentRequest,
        ApprovalRequest,
        ApprovalResult,
        ApprovalStatus,
        ThreadReply,
    )

# What an approval-only request is called on its card; there is no catalog action.
APPROVAL_ONLY_ACTION = "request"

_STATUS_EMOJI = {
    ApprovalStatus.APPROVED: ":white_check_mark:",
    ApprovalStatus.REJECTED: ":x:",
    ApprovalStatus.EXPIRED: ":hourglass:",
}


@workflow.defn
class AgentWorkflow:
    """Handles one mention: gets the request decided and answers in its thread."""

    @workflow.run
    async def run(self, request: AgentRequest) -> AgentAnswer:
        answer = await self._handle(request)
        await workflow.execute_activity_method(
            SlackActivities.post_thread_reply,
            ThreadReply(channel=request.channel, thread_ts=request.thread_ts, text=answer.text),
            **SLACK_CALL,
        )
        return answer

    async def _handle(self, request: AgentRequest) -> AgentAnswer:
        result = await ask_for_approval(approval_only_request(request))
        return AgentAnswer(text=outcome_text(result), approvals=[result])


def approval_only_request(request: AgentRequest) -> ApprovalRequest:
    """The mention as written, for anyone but its author to approve."""
    return ApprovalRequest(
        action=APPROVAL_ONLY_ACTION,
        summary=request.text,
        parameters={"request": request.text},
        requester=request.user,
        channel=request.channel,
        thread_ts=request.thread_ts,
    )


def outcome_text(result: ApprovalResult) -> str:
    """'Approved by @x at …', 'Rejected by @x at …: reason' or 'Expired', as a thread reply."""
    line = decision_line(result.status, result.decision)
    if result.status is ApprovalStatus.EXPIRED:
        line += ": nobody decided in time, so nothing was done"
    return f"{_STATUS_EMOJI.get(result.status, '')} {line}".strip()
