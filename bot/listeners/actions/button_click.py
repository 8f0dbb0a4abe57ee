"""What the Approve and Withdraw buttons share: the click read and checked, one Temporal
call that hands it to the approval, Slack answered once Temporal has it (or its refusal),
and the refusal told to the clicker after the answer."""

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client

from bot.after_answer import after_answer
from bot.approvals.click import NOT_YOUR_LIST, ApprovalClick, approval_click
from bot.errors import WORKFLOW_ID_KEY
from bot.services import services_of

# Hands the click to its approval; None once Temporal has it, else what to tell the clicker.
Submit = Callable[[Client, str, ApprovalClick], Awaitable[str | None]]


async def answer_button_click(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
    submit: Submit,
) -> None:
    services = services_of(context)
    click = approval_click(body, action, services.list_buttons)
    if click.workflow_id is None:
        await ack()
        after_answer(click.tell(client, NOT_YOUR_LIST), body=body, context=context, client=client)
        return
    context[WORKFLOW_ID_KEY] = click.workflow_id
    refusal = await submit(services.temporal, click.workflow_id, click)
    await ack()
    if refusal:
        after_answer(click.tell(client, refusal), body=body, context=context, client=client)
