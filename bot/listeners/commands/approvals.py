"""`/approvals`: pending approvals as a list only the caller sees, decidable right there."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.after_answer import after_answer
from bot.approvals.answer import respond_with_approvals
from bot.approvals.list_blocks import build_approvals_help
from bot.approvals.listing import HelpRequest, parse_approvals_command
from bot.services import services_of

APPROVALS_COMMAND = "/approvals"


async def handle_approvals_command(
    ack: AsyncAck,
    body: dict[str, Any],
    command: dict[str, Any],
    respond: AsyncRespond,
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    await ack()
    after_answer(
        _answer_command(command, respond, context, client), body=body, context=context, client=client
    )


async def _answer_command(
    command: dict[str, Any],
    respond: AsyncRespond,
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    asked = parse_approvals_command(command.get("text", ""), command["user_id"])
    if isinstance(asked, HelpRequest):
        await respond(**build_approvals_help(asked.problem), response_type="ephemeral")
        return
    await respond_with_approvals(respond, services_of(context), client, asked, shown_in=command["channel_id"])
