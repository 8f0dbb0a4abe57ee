"""The agent's tools: one per catalog action, and the seed's `wait_for_confirmation`.

Workflow code. A tool call never runs anything by itself: it validates the arguments,
asks for approval of exactly those arguments (a child ApprovalWorkflow and its card), and
only an approved decision runs the executor activity, with those same arguments. That is
the gate, and it is code: no text from the model or the request can open it.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from agents import FunctionTool, RunContextWrapper

    from activities.executors import ActionExecutors
    from activities.slack import SlackActivities
    from blocks.approval_card import card_layout
    from domain.approval_edits import edits_for_model
    from domain.approval_rules import decision_for_model
    from domain.catalog import ActionSpec, validate_arguments
    from domain.execution import EXECUTION_CALL, approval_request_for, execution_request_for
    from domain.fingerprint import fingerprint
    from domain.models import (
        ActionRecord,
        AgentRequest,
        Approval,
        ApprovalRequest,
        ApprovalResult,
        ApprovalStatus,
        ExecutionRecord,
    )
    from workflows.ask_for_approval import ask_for_approval, with_chain

# What an approval asked for through `wait_for_confirmation` is called on its card.
CONFIRMATION_ACTION = "confirmation"
# workflow.patched IDs: each guards a change to what the workflow does, so conversations
# that were already running when it shipped replay their history unchanged.
REFUSES_UNSHOWABLE = "refuses-requests-no-card-can-show"
CARD_SHOWS_WHAT_RAN = "card-shows-what-ran"
ASKS_ONCE_A_TURN = "a-rejected-call-is-not-asked-again-in-the-turn"
CARD_UPDATE = dict(start_to_close_timeout=timedelta(seconds=30))


@dataclass
class Turn:
    """The request being answered, and what was approved or rejected while answering it."""

    request: AgentRequest
    records: list[ActionRecord] = field(default_factory=list)

    def settled_before(self, request: ApprovalRequest) -> ActionRecord | None:
        """This turn's record of the same action with the same arguments, if it settled
        them: rejected, or approved and run (a second card for either is a model looping,
        and for a wire a second payment). An approved call that failed to run may be
        asked again."""
        asked = fingerprint(request.action, request.parameters)
        # An approver's edit changes the fingerprint: the call as asked is settled too.
        settled = [
            r
            for r in self.records
            if r.approval.status is ApprovalStatus.REJECTED
            or (r.approval.status is ApprovalStatus.APPROVED and r.execution and r.execution.succeeded)
        ]
        seen = [r for r in settled if asked in (r.approval.fingerprint, r.approval.asked_fingerprint)]
        return seen[0] if seen else None


def agent_tools(actions: list[ActionSpec], turn: Turn) -> list[FunctionTool]:
    return [*(_action_tool(spec, turn) for spec in actions), _wait_for_confirmation_tool(turn)]


def _action_tool(spec: ActionSpec, turn: Turn) -> FunctionTool:
    async def invoke(_: RunContextWrapper[Any], raw_arguments: str) -> str:
        try:
            arguments = json.loads(raw_arguments or "{}")
        except json.JSONDecodeError as err:
            return f"Error: the arguments are not valid JSON ({err.msg}). Nothing was sent for approval."
        if problems := validate_arguments(spec, arguments):
            # Back to the model, never to an approver: a card only ever shows valid arguments.
            return "Error: invalid arguments, nothing was sent for approval: " + "; ".join(problems)
        request = approval_request_for(
            spec,
            arguments,
            summary=turn.request.text,
            requester=turn.request.user,
            channel=turn.request.channel,
            thread_ts=turn.request.thread_ts,
        )
        if refused := _settled_before(turn, request):
            return refused
        if problem := unshowable(request):
            return f"Error: nothing was sent for approval, because {problem}. Shorten the arguments."
        try:
            request = await with_chain(request, spec.policy)
        except ActivityError as err:
            # No such user group, or no usergroups:read: nobody known to ask. The activity's
            # own words ("Slack refused …: no_such_subteam"), not the SDK error beneath them.
            why = str(err.cause or err)
            workflow.logger.warning("Could not resolve the policy's groups: %s", why)
            return f"Error: nothing was sent for approval: {why}."
        result = await _ask(request)
        if result is None:
            return "Error: the approval could not be posted in Slack. Nothing was done."
        # What runs is what was approved: an approver's edit, else the arguments as asked.
        approved = result.approved_parameters if result.approved_parameters is not None else arguments
        record = ActionRecord(spec.name, result, asked=arguments if result.edits else None)
        turn.records.append(record)
        decided = decision_for_model(result.status, result.decision)
        decided += edits_for_model(arguments, result.edits, approved=result.approved)
        if not result.approved:
            return f"{decided}. The action was NOT run. Do not ask again unless the requester changes it."
        try:
            done = await workflow.execute_activity_method(
                ActionExecutors.execute_action,
                execution_request_for(
                    spec,
                    approved,
                    approval_workflow_id=result.workflow_id,
                    approval=result,
                    requester=turn.request.user,
                ),
                **EXECUTION_CALL,
            )
        except ActivityError as err:
            record.execution = ExecutionRecord(
                workflow.now(), succeeded=False, summary="", error=root_cause(err)
            )
            workflow.logger.warning("Approved action failed to run", extra={"action": spec.name})
            await _show_on_card(request, record)
            return f"{decided}, but running it failed: {root_cause(err)}. It may not have happened."
        record.execution = ExecutionRecord(workflow.now(), succeeded=True, summary=done.summary)
        await _show_on_card(request, record)
        return f"{decided} and done: {done.summary}"

    return FunctionTool(
        name=spec.name,
        description=spec.description
        + " Calling this asks a person to approve these exact arguments; it runs only if approved.",
        params_json_schema=spec.parameters,
        on_invoke_tool=invoke,
        # Catalog schemas are the operator's; OpenAI's strict mode would demand rewriting them.
        strict_json_schema=False,
    )


def _wait_for_confirmation_tool(turn: Turn) -> FunctionTool:
    async def invoke(_: RunContextWrapper[Any], raw_arguments: str) -> str:
        try:
            action = str(json.loads(raw_arguments or "{}")["action"]).strip()
        except (json.JSONDecodeError, KeyError, TypeError):
            return 'Error: call it with {"action": "<what needs confirming>"}.'
        if not action:
            return "Error: say what needs confirming."
        request = ApprovalRequest(
            action=CONFIRMATION_ACTION,
            summary=action,
            parameters={"action": action},
            requester=turn.request.user,
            channel=turn.request.channel,
            thread_ts=turn.request.thread_ts,
            approval_only=True,
        )
        if refused := _settled_before(turn, request):
            return refused
        if problem := unshowable(request):
            return f"Error: nothing was sent for confirmation, because {problem}. Say it in fewer words."
        result = await _ask(request)
        if result is None:
            return "Error: the confirmation could not be posted in Slack."
        turn.records.append(ActionRecord(CONFIRMATION_ACTION, result))
        decided = decision_for_model(result.status, result.decision)
        if result.status is ApprovalStatus.WITHDRAWN:
            # The requester took it back: not a refusal by someone else, and nothing to confirm.
            return f"{decided}. Do not ask again unless the requester asks for it anew."
        # The seed's answer, word for word first, then who decided and why.
        return f"{'Approved' if result.approved else 'Rejected'}: {decided}"

    return FunctionTool(
        name="wait_for_confirmation",
        description=(
            "Ask a person to confirm a free-form action that no other tool covers, and wait for "
            "their decision. Returns 'Approved' or 'Rejected' with who decided and why (or "
            "'Withdrawn' when the requester took it back). It runs "
            "nothing itself: only use it to confirm something you will then tell the requester."
        ),
        params_json_schema={
            "type": "object",
            "properties": {"action": {"type": "string", "description": "What needs confirming."}},
            "required": ["action"],
            "additionalProperties": False,
        },
        on_invoke_tool=invoke,
    )


def _settled_before(turn: Turn, request: ApprovalRequest) -> str | None:
    """What the model hears instead of a second card for a call already rejected in this
    turn: the instructions ask it not to, and this is the gate that holds when it does.
    The requester's next mention is a new turn, and may ask again."""
    settled = turn.settled_before(request)
    # Asked only on a repeat: histories from before this asked again, and replay so.
    if settled is None or not workflow.patched(ASKS_ONCE_A_TURN):
        return None
    decided = decision_for_model(settled.approval.status, settled.approval.decision)
    if settled.approval.status is ApprovalStatus.APPROVED:
        return (
            f"{decided}, and it already ran while answering this request. This exact call was "
            "NOT sent for approval again and NOT run a second time. Tell the requester it is done."
        )
    return (
        f"{decided}. This exact call was already rejected while answering this request, so it "
        "was NOT sent for approval again and NOT run. Tell the requester who rejected it and "
        "why; they can ask again in a new message."
    )


def unshowable(request: ApprovalRequest) -> str | None:
    """Why no card could show `request` in full (then it must not be asked), or None."""
    if not workflow.patched(REFUSES_UNSHOWABLE):
        return None
    return card_layout(request).problem


async def _show_on_card(request: ApprovalRequest, record: ActionRecord) -> None:
    """Once the action ran (or failed to), its card says what it did."""
    result = record.approval
    if not workflow.patched(CARD_SHOWS_WHAT_RAN) or result.message_ts is None or result.decision is None:
        return
    card = Approval(
        workflow_id=result.workflow_id,
        request=request,
        fingerprint=result.fingerprint,
        expires_at=result.decision.decided_at,
        status=result.status,
        decision=result.decision,
        message_ts=result.message_ts,
        execution=record.execution,
        progress=result.progress,
        edits=result.edits,
    )
    try:
        await workflow.execute_activity_method(SlackActivities.update_approval_message, card, **CARD_UPDATE)
    except ActivityError:
        # What ran stands, and the thread says it; the card only lags behind.
        workflow.logger.warning("Could not show on the card what ran", extra={"action": record.action})


async def _ask(request: ApprovalRequest) -> ApprovalResult | None:
    try:
        return await ask_for_approval(request)
    except ChildWorkflowError as err:
        workflow.logger.warning("Approval failed: %s", root_cause(err))
        return None


def root_cause(err: BaseException) -> str:
    """The first line of the deepest cause: what actually failed (a 401, a timeout, a refusal)."""
    while err.__cause__ is not None:
        err = err.__cause__
    return (str(err).splitlines() or [type(err).__name__])[0][:300]
