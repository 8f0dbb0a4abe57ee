"""Approve on a card (or in an `/approvals` list): decide at once, or tell the clicker why not.

Slack is answered once Temporal has the decision (or its refusal), never before."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client

from bot.approvals.click import ApprovalClick
from bot.approvals.deciding import submit_decision
from bot.listeners.actions.button_click import answer_button_click
from domain.models import DecisionSubmission


async def handle_approve_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    await answer_button_click(ack, body, action, context, client, _approve)


async def _approve(temporal: Client, workflow_id: str, click: ApprovalClick) -> str | None:
    # The version the card showed: an approval counts only for arguments its approver saw.
    approval = DecisionSubmission(approved=True, user=click.user, origin=click.origin, version=click.version)
    return await submit_decision(temporal, workflow_id, approval)
