"""Withdraw on a card (or in `/approvals mine`): the requester takes the request back.

Everyone sees the button on a channel message; the approval lets only the requester use
it and says why to anyone else, who is told in an ephemeral. Slack is answered once
Temporal has the withdrawal (or its refusal), never before."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.after_answer import after_answer
from bot.approvals.click import NOT_YOUR_LIST, approval_click
from bot.approvals.deciding import submit_withdrawal
from bot.errors import WORKFLOW_ID_KEY
from bot.services import services_of
from domain.models import Withdrawal


async def handle_withdraw_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    services = services_of(context)
    click = approval_click(body, action, services.list_buttons)
    if click.workflow_id is None:
        await ack()
        after_answer(click.tell(client, NOT_YOUR_LIST), body=body, context=context, client=client)
        return
    context[WORKFLOW_ID_KEY] = click.workflow_id
    refusal = await submit_withdrawal(
        services.temporal, click.workflow_id, Withdrawal(user=click.user, origin=click.origin)
    )
    await ack()
    if refusal:
        after_answer(click.tell(client, refusal), body=body, context=context, client=client)
