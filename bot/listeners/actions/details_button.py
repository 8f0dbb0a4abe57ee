""" "Show full details" on a card: the whole request in a modal, every argument in full."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from blocks.details_modal import build_details_modal
from bot.after_answer import after_answer
from bot.approvals.deciding import NO_LONGER_EXISTS, ApprovalBusy, approval_state
from bot.errors import WORKFLOW_ID_KEY
from bot.services import services_of

BUSY = "The details could not be loaded in time; please try again in a moment."


async def handle_details_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    await ack()
    after_answer(_show_details(body, action, context, client), body=body, context=context, client=client)


async def _show_details(
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    workflow_id = action["value"]
    context[WORKFLOW_ID_KEY] = workflow_id
    # Read-only, so any button value may open it: it shows the approval it names, in full.
    try:
        state = await approval_state(services_of(context).temporal, workflow_id)
    except ApprovalBusy:
        state, problem = None, BUSY
    else:
        problem = NO_LONGER_EXISTS
    if state is None:
        container = body.get("container") or {}
        await client.chat_postEphemeral(
            channel=container.get("channel_id") or body["channel"]["id"],
            user=body["user"]["id"],
            text=problem,
            thread_ts=container.get("thread_ts"),
        )
        return
    await client.views_open(trigger_id=body["trigger_id"], view=build_details_modal(state))
