"""Turning a click into a decision: one Temporal Update, answered by the approval itself.

The workflow is the gate (it refuses a click from another message, anyone not allowed
and anything after the first decision) and says why, so the bot tells the person who
clicked at once. Slack is answered only once Temporal has the decision.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.approval_rules import origin_refusal, refusal_for
from domain.models import (
    Approval,
    ApprovalStatus,
    ClickOrigin,
    DecisionSubmission,
    EditSubmission,
    Withdrawal,
)
from workflows.approval import DECISION_REFUSED, ApprovalWorkflow

log = logging.getLogger("countersign.bot")

NO_LONGER_EXISTS = "This approval no longer exists."
ALREADY_DECIDED = "This approval was already decided."
# A click must be answered within Slack's 3 s (a trigger_id expires then); a query
# that waits longer is waiting for a worker that is not there.
QUERY_TIMEOUT = timedelta(seconds=2)
# A worker validates and records a decision in tens of ms; after this long none is
# answering, and the signal (recorded without a worker) takes over within Slack's 3 s.
UPDATE_TIMEOUT = timedelta(seconds=1.5)


# What a click hands to the approval: a decision, the requester's withdrawal, or an edit.
Click = TypeVar("Click", DecisionSubmission, Withdrawal, EditSubmission)


class ApprovalBusy(Exception):
    """The approval did not answer its query in time: its worker is busy or down."""


async def approval_state(temporal: Client, workflow_id: str) -> Approval | None:
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


def refusal_to_decide(state: Approval, workflow_id: str, user: str, origin: ClickOrigin) -> str | None:
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


async def submit_decision(temporal: Client, workflow_id: str, submission: DecisionSubmission) -> str | None:
    """Hands the decision to the approval and returns once Temporal has it: None when it
    counted (or, with no worker answering, was queued as a signal), else what to tell the
    person who clicked."""
    return await _submit(
        temporal, workflow_id, submission, ApprovalWorkflow.decide_click, ApprovalWorkflow.decide
    )


async def submit_withdrawal(temporal: Client, workflow_id: str, withdrawal: Withdrawal) -> str | None:
    """`submit_decision` for the Withdraw button: None once the approval is withdrawn (or,
    with no worker answering, the withdrawal is queued), else what to tell the clicker."""
    return await _submit(
        temporal, workflow_id, withdrawal, ApprovalWorkflow.withdraw_click, ApprovalWorkflow.withdraw
    )


async def submit_edit(temporal: Client, workflow_id: str, edit: EditSubmission) -> str | None:
    """`submit_decision` for "Edit & approve": None once the edited arguments are approved
    (or, with no worker answering, the edit is queued), else what to tell the editor."""
    return await _submit(temporal, workflow_id, edit, ApprovalWorkflow.edit_click, ApprovalWorkflow.edit)


async def _submit(
    temporal: Client,
    workflow_id: str,
    click: Click,
    update: Callable[[ApprovalWorkflow, Click], Awaitable[str | None]],
    signal: Callable[[ApprovalWorkflow, Click], Awaitable[None]],
) -> str | None:
    """The one way a click reaches an approval: its Update, which the approval validates,
    or its signal when no worker answers in time."""
    handle = temporal.get_workflow_handle_for(ApprovalWorkflow.run, workflow_id)
    try:
        return await handle.execute_update(update, click, rpc_timeout=UPDATE_TIMEOUT)
    except WorkflowUpdateFailedError as err:
        if isinstance(err.cause, ApplicationError) and err.cause.type == DECISION_REFUSED:
            return err.cause.message
        raise
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        # No worker validated it in time (all down, or busy): a signal is recorded at once
        # and applied when one is back, which then tells a refusal itself.
        log.info("Deciding by signal: no worker answered in time", extra={"workflow_id": workflow_id})
    except RPCError as err:
        return await _not_running(temporal, workflow_id, click.user, err)
    try:
        await handle.signal(signal, click)
    except RPCError as err:
        return await _not_running(temporal, workflow_id, click.user, err)
    return None


async def _not_running(temporal: Client, workflow_id: str, user: str, err: RPCError) -> str:
    """What to say when the approval is not running: gone, or already decided (by whom)."""
    if err.status is not RPCStatusCode.NOT_FOUND:
        raise err
    # "Already completed", or (an update racing the decision that completed it) another
    # wording of it: the approval itself says whether it exists and who decided.
    try:
        state = await approval_state(temporal, workflow_id)
    except ApprovalBusy:
        return ALREADY_DECIDED
    if state is None:
        return NO_LONGER_EXISTS
    return refusal_for(state, user) or ALREADY_DECIDED
