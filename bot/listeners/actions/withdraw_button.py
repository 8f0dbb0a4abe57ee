"""Withdraw on a card (or in `/approvals mine`): the requester takes the request back.

Everyone sees the button on a channel message; the approval lets only the requester use
it and says why to anyone else, who is told in an ephemeral. Slack is answered once
Temporal has the withdrawal (or its refusal), never before."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client

from bot.approvals.click import ApprovalClick
from bot.approvals.deciding import submit_withdrawal
from bot.listeners.actions.button_click import answer_button_click
from domain.models import Withdrawal


async def handle_withdraw_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    await answer_button_click(ack, body, action, context, client, _withdraw)


async def _withdraw(temporal: Client, workflow_id: str, click: ApprovalClick) -> str | None:
    return await submit_withdrawal(temporal, workflow_id, Withdrawal(user=click.user, origin=click.origin))
