"""The edit modal's submission: the edited arguments, checked field by field, then approved.

Slack keeps the modal open with errors under the fields that do not fit the action's
schema; it closes only once Temporal has the edit and the approval with it.
"""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from blocks.approval_card import edit_problem
from blocks.edit_modal import EditTarget, field_block_id, submitted_arguments
from bot.after_answer import after_answer
from bot.approvals.deciding import (
    NO_LONGER_EXISTS,
    ApprovalBusy,
    approval_state,
    submit_decision,
    submit_edit,
)
from bot.errors import WORKFLOW_ID_KEY
from bot.services import services_of
from domain.approval_edits import editing_refusal
from domain.approval_rules import refusal_for
from domain.catalog import field_problems
from domain.models import Approval, ClickOrigin, DecisionSubmission, EditSubmission

BUSY = "The request could not be checked in time; submit again in a moment."


async def handle_edit_submission(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    target = EditTarget.from_metadata(view["private_metadata"])
    context[WORKFLOW_ID_KEY] = target.workflow_id
    user = body["user"]["id"]
    services = services_of(context)
    try:
        state = await approval_state(services.temporal, target.workflow_id)
    except ApprovalBusy:
        state = None
        problem = BUSY
    else:
        problem = NO_LONGER_EXISTS
    if state is None:
        await ack(response_action="errors", errors={_first_field(view): problem})
        return
    if refusal := refusal_for(state, user) or editing_refusal(state, target.version):
        await ack()
        _tell(client, body, context, target, user, refusal)
        return
    assert state.request.parameters_schema is not None  # editing_refusal refuses others
    arguments, errors = submitted_arguments(view, state.request.parameters_schema, state.parameters)
    if errors := errors or _schema_errors(state, arguments, _first_field(view)):
        await ack(response_action="errors", errors=errors)
        return
    origin = ClickOrigin(target.channel, target.message_ts or "", from_list=target.from_list)
    if arguments == state.parameters:
        # Submitted unchanged: an approval of the version shown, as the Approve button gives.
        decision = DecisionSubmission(approved=True, user=user, origin=origin, version=target.version)
        refusal = await submit_decision(services.temporal, target.workflow_id, decision)
    else:
        edit = EditSubmission(user=user, parameters=arguments, origin=origin, version=target.version)
        refusal = await submit_edit(services.temporal, target.workflow_id, edit)
    await ack()  # the modal closes once Temporal has the edit
    if refusal:
        _tell(client, body, context, target, user, refusal)


def _schema_errors(state: Approval, arguments: dict[str, Any], first: str) -> dict[str, str]:
    """Each field that does not fit the action's schema, by the block it is in; and, under
    the `first` field, what no one field holds: an edit no card could show in full."""
    schema = state.request.parameters_schema or {}
    errors: dict[str, str] = {}
    for name, problem in field_problems(schema, arguments).items():
        errors.setdefault(field_block_id(name) if name else first, problem)
    if not errors and (problem := edit_problem(state.request, arguments)):
        errors[first] = problem
    return errors


def _first_field(view: dict[str, Any]) -> str:
    return next((b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"), "")


def _tell(
    client: AsyncWebClient,
    body: dict[str, Any],
    context: dict[str, Any],
    target: EditTarget,
    user: str,
    text: str,
) -> None:
    told = client.chat_postEphemeral(channel=target.channel, user=user, text=text, thread_ts=target.thread_ts)
    after_answer(told, body=body, context=context, client=client)
