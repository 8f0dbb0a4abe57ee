"""Turning a click into a decision: check the approval first, then signal it.

The workflow is the gate (it refuses a click from another message, anyone not allowed
and anything after the first decision); the bot checks first only so the person who
clicked is told at once.
"""

import logging
from datetime import timedelta

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from workflows.approval import ApprovalWorkflow
from workflows.approval_rules import origin_refusal, refusal_for
from workflows.models import ApprovalState, ApprovalStatus, ClickOrigin, DecisionSubmission

log = logging.getLogger("countersign.bot")

NO_LONGER_EXISTS = "This approval no longer exists."
ALREADY_DECIDED = "This approval was already decided."
# A click must be answered within Slack's 3 s (a trigger_id expires then); a query
# that waits longer is waiting for a worker that is not there.
QUERY_TIMEOUT = timedelta(seconds=2)


class ApprovalBusy(Exception):
    """The approval did not answer its query in time: its worker is busy or down."""


async def approval_state(temporal: Client, workflow_id: str) -> ApprovalState | None:
    """The approval's current state, or None when there is no such approval.

    Raises ApprovalBusy when it cannot say in time.
    """
    handle = temporal.get_workflow_handle_for(ApprovalWorkflow.run, workflow_id)
    try:
        return await handle.query(ApprovalWorkflow.get_status, rpc_timeout=QUERY_TIMEOUT)
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            return None
        # The client gives up at rpc_timeout with CANCELLED ("Timeout expired"); the server
        # may answer DEADLINE_EXCEEDED first.
        if err.status in (RPCStatusCode.CANCELLED, RPCStatusCode.DEADLINE_EXCEEDED):
            raise ApprovalBusy(workflow_id) from err
        raise


def refusal_to_decide(state: ApprovalState, workflow_id: str, user: str, origin: ClickOrigin) -> str | None:
    """Why `user` cannot decide this approval from `origin` now; a click on another card is
    logged as a security warning with both cards."""
    # Before the workflow has its card's ts (a click can beat the post's result by a few
    # ms) only the workflow can compare; it waits for the ts and checks the click itself.
    posted = state.message_ts is not None or origin.from_list
    if posted and state.status is ApprovalStatus.PENDING and (refusal := origin_refusal(state, origin)):
        log.warning(
            "Security: a click on another message tried to decide an approval",
            extra={
                "workflow_id": workflow_id,
                "user": user,
                "clicked_channel": origin.channel,
                "clicked_message_ts": origin.message_ts,
                "card_channel": state.request.channel,
                "card_message_ts": state.message_ts,
            },
        )
        return refusal
    return refusal_for(state, user)


async def refusal_before_deciding(
    temporal: Client, workflow_id: str, user: str, origin: ClickOrigin
) -> str | None:
    """Why `user` cannot decide this approval now, or None when they can (or when the
    approval cannot say in time: the workflow is the gate and tells them itself)."""
    try:
        state = await approval_state(temporal, workflow_id)
    except ApprovalBusy:
        log.info("Deciding without checking first: the approval is busy", extra={"workflow_id": workflow_id})
        return None
    if state is None:
        return NO_LONGER_EXISTS
    return refusal_to_decide(state, workflow_id, user, origin)


async def submit_decision(temporal: Client, workflow_id: str, submission: DecisionSubmission) -> str | None:
    """Signals the decision; returns what to tell the user when it could not be delivered."""
    handle = temporal.get_workflow_handle_for(ApprovalWorkflow.run, workflow_id)
    try:
        await handle.signal(ApprovalWorkflow.decide, submission)
    except RPCError as err:
        if err.status is not RPCStatusCode.NOT_FOUND:
            raise
        if "already completed" not in err.message:
            return NO_LONGER_EXISTS
        # Decided (or expired) between the check and the signal: say by whom.
        try:
            state = await approval_state(temporal, workflow_id)
        except ApprovalBusy:
            return ALREADY_DECIDED
        return (refusal_for(state, submission.user) if state else None) or ALREADY_DECIDED
    return None
