"""Reject on a card (or in a list): ask why in a modal; the modal's submission rejects."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from blocks.reject_modal import RejectTarget, build_reject_modal
from bot.after_answer import after_answer
from bot.approvals.click import NOT_YOUR_LIST, approval_click
from bot.approvals.deciding import NO_LONGER_EXISTS, ApprovalBusy, approval_state, refusal_to_decide
from bot.errors import WORKFLOW_ID_KEY
from bot.services import services_of


async def handle_reject_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    await ack()
    after_answer(_ask_why(body, action, context, client), body=body, context=context, client=client)


async def _ask_why(
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
    try:
        state = await approval_state(services.temporal, click.workflow_id)
    except ApprovalBusy:
        # The trigger_id expires in 3 s: ask for a reason now (required, to be safe) and
        # let the workflow, which is the gate, refuse the submission if it must.
        state, reason_required = None, True
    else:
        # Checked before the modal opens: nobody types a reason for a click that cannot count.
        if state is None:
            await click.tell(client, NO_LONGER_EXISTS)
            return
        if refusal := refusal_to_decide(state, click.workflow_id, click.user, click.origin):
            await click.tell(client, refusal)
            return
        reason_required = state.request.reason_required
    target = RejectTarget(
        workflow_id=click.workflow_id,
        channel=click.channel,
        thread_ts=click.thread_ts,
        reason_required=reason_required,
        message_ts=click.origin.message_ts,
        from_list=click.origin.from_list,
    )
    await client.views_open(trigger_id=click.trigger_id, view=build_reject_modal(target, state))
