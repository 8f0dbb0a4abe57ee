""" "Next" under an `/approvals` list: the next page replaces the one clicked."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.after_answer import after_answer
from bot.approvals.answer import respond_with_approvals
from bot.approvals.listing import PageCursor
from bot.services import services_of


async def handle_approvals_next_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    await ack()
    after_answer(
        _next_page(body, action, respond, context, client), body=body, context=context, client=client
    )


async def _next_page(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    cursor = PageCursor.from_button_value(action["value"])
    # The list is ephemeral: whoever clicks is the person it was made for.
    view = cursor.view_for(body["user"]["id"])
    container = body.get("container") or {}
    shown_in = container.get("channel_id") or body["channel"]["id"]
    await respond_with_approvals(respond, services_of(context), client, view, shown_in, cursor)
