"""Turning a click into a decision: check the approval first, then signal it.

The workflow is the gate (it refuses anyone not allowed and anything after the first
decision); the bot checks first only so the person who clicked is told at once.
"""

from datetime import timedelta

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from workflows.approval import ApprovalWorkflow
from workflows.approval_rules import refusal_for
from workflows.models import ApprovalState, DecisionSubmission

NO_LONGER_EXISTS = "This approval no longer exists."
ALREADY_DECIDED = "This approval was already decided."
# A click must be answered within Slack's 3 s (a trigger_id expires then); a query
# that waits longer is waiting for a worker that is not there.
QUERY_TIMEOUT = timedelta(seconds=2)


async def approval_state(temporal: Client, workflow_id: str) -> ApprovalState | None:
    """The approval's current state, or None when there is no such approval."""
    handle = temporal.get_workflow_handle_for(ApprovalWorkflow.run, workflow_id)
    try:
        return await handle.query(ApprovalWorkflow.get_status, rpc_timeout=QUERY_TIMEOUT)
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            return None
        raise


async def refusal_before_deciding(temporal: Client, workflow_id: str, user: str) -> str | None:
    """Why `user` cannot decide this approval now, or None when they can."""
    state = await approval_state(temporal, workflow_id)
    if state is None:
        return NO_LONGER_EXISTS
    return refusal_for(state, user)


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
        state = await approval_state(temporal, workflow_id)
        return (refusal_for(state, submission.user) if state else None) or ALREADY_DECIDED
    return None
