"""The reject modal's submission: the rejection, with the reason typed."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from blocks.reject_modal import REASON_BLOCK_ID, REASON_REQUIRED_ERROR, RejectTarget, submitted_reason
from bot.after_answer import after_answer
from bot.approvals.deciding import submit_decision
from bot.errors import WORKFLOW_ID_KEY
from bot.services import services_of
from domain.models import ClickOrigin, DecisionSubmission


async def handle_reject_reason(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    target = RejectTarget.from_metadata(view["private_metadata"])
    reason = submitted_reason(view)
    if target.reason_required and not reason:
        # Slack keeps the modal open and shows this under the field.
        await ack(response_action="errors", errors={REASON_BLOCK_ID: REASON_REQUIRED_ERROR})
        return
    context[WORKFLOW_ID_KEY] = target.workflow_id
    user = body["user"]["id"]
    refusal = await submit_decision(
        services_of(context).temporal,
        target.workflow_id,
        DecisionSubmission(
            approved=False,
            user=user,
            reason=reason,
            # Where the Reject button was clicked, as the bot checked it before opening
            # the modal; private_metadata is Slack's to keep, not the client's to change.
            origin=ClickOrigin(target.channel, target.message_ts or "", from_list=target.from_list),
        ),
    )
    await ack()  # the modal closes once Temporal has the rejection
    if refusal:
        told = client.chat_postEphemeral(
            channel=target.channel, user=user, text=refusal, thread_ts=target.thread_ts
        )
        after_answer(told, body=body, context=context, client=client)
