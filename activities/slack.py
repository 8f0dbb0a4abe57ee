"""Slack Web API activities: post and update approval cards, ephemeral notices, replies."""

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from temporalio import activity

from activities.slack_calls import call_slack
from blocks.approval_card import build_approval_card, workflow_url
from workflows.models import ApprovalCard, EphemeralNotice, ThreadReply


class SlackActivities:
    """Slack calls made from workflows; the client comes in, built once per worker."""

    def __init__(self, client: AsyncWebClient, temporal_ui_url: str | None, namespace: str) -> None:
        self._client = client
        self._temporal_ui_url = temporal_ui_url
        self._namespace = namespace

    @activity.defn
    async def post_approval_request(self, card: ApprovalCard) -> str:
        """Posts the approval card and returns its message ts (the card's identity)."""
        response = await self._call(
            "chat.postMessage",
            channel=card.request.channel,
            thread_ts=card.request.thread_ts,
            **self._card_payload(card),
        )
        activity.logger.info("Posted approval card", extra={"message_ts": response["ts"]})
        return response["ts"]

    @activity.defn
    async def update_approval_message(self, card: ApprovalCard) -> None:
        """Redraws a posted card: decided cards lose their buttons and say who decided."""
        await self._call(
            "chat.update",
            channel=card.request.channel,
            ts=card.message_ts,
            **self._card_payload(card),
        )

    @activity.defn
    async def post_ephemeral(self, notice: EphemeralNotice) -> None:
        """Tells one person something only they see (why their click changed nothing)."""
        await self._call(
            "chat.postEphemeral",
            channel=notice.channel,
            user=notice.user,
            text=notice.text,
            thread_ts=notice.thread_ts,
        )

    @activity.defn
    async def post_thread_reply(self, reply: ThreadReply) -> str:
        """Answers in the request's thread; returns the reply's ts."""
        response = await self._call(
            "chat.postMessage", channel=reply.channel, thread_ts=reply.thread_ts, text=reply.text
        )
        return response["ts"]

    def _card_payload(self, card: ApprovalCard) -> dict[str, Any]:
        link = (
            workflow_url(self._temporal_ui_url, self._namespace, card.workflow_id)
            if self._temporal_ui_url
            else None
        )
        return build_approval_card(card, link)

    async def _call(self, method: str, **arguments: Any) -> dict[str, Any]:
        return await call_slack(self._client, method, **arguments)
