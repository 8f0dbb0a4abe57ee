""" "Edit & approve" on a card: the arguments in a modal, for someone who may decide now."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from blocks.edit_modal import EditTarget, build_edit_modal
from bot.after_answer import after_answer
from bot.approvals.click import NOT_YOUR_LIST, approval_click
from bot.approvals.deciding import NO_LONGER_EXISTS, ApprovalBusy, approval_state, refusal_to_decide
from bot.errors import WORKFLOW_ID_KEY
from bot.services import services_of
from domain.approval_edits import editing_refusal

BUSY = "The request could not be loaded in time; please try again in a moment."


async def handle_edit_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    await ack()
    after_answer(_open_editor(body, action, context, client), body=body, context=context, client=client)


async def _open_editor(
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    services = services_of(context)
    click = approval_click(body, action, services.list_buttons)
    if click.workflow_id is None:
        await click.tell(client, NOT_YOUR_LIST)
        return
    context[WORKFLOW_ID_KEY] = click.workflow_id
    # The modal is filled from the approval as it stands, so it needs its answer: unlike
    # Reject, there is nothing to ask while it is busy.
    try:
        state = await approval_state(services.temporal, click.workflow_id)
    except ApprovalBusy:
        await click.tell(client, BUSY)
        return
    if state is None:
        await click.tell(client, NO_LONGER_EXISTS)
        return
    # Checked before the modal opens: nobody edits a request they cannot decide.
    if refusal := refusal_to_decide(state, click.workflow_id, click.user, click.origin):
        await click.tell(client, refusal)
        return
    if refusal := editing_refusal(state, click.version):
        await click.tell(client, refusal)
        return
    target = EditTarget(
        workflow_id=click.workflow_id,
        channel=click.channel,
        thread_ts=click.thread_ts,
        message_ts=click.origin.message_ts,
        from_list=click.origin.from_list,
        version=state.version,
    )
    await client.views_open(trigger_id=click.trigger_id, view=build_edit_modal(target, state))
