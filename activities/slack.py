"""Slack Web API activities: post and update approval cards, ephemeral notices, replies."""

from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from activities.slack_calls import call_slack
from activities.slack_names import SlackNames
from blocks.approval_card import Duplicate, build_approval_card, workflow_url
from blocks.approval_card_chain import people_in_chain
from blocks.slack_markup import UserMention, decode
from blocks.thread_reply import build_thread_reply, people_in_reply
from domain import approval_memo
from domain.models import APPROVAL_WORKFLOW_TYPE, Approval, EphemeralNotice, ThreadReply

# Enough to find the card asked for just before this one; a channel with more identical
# requests pending has a bigger problem than this note.
DUPLICATES_LOOKED_AT = 50


class SlackActivities:
    """Slack calls made from workflows; the clients come in, built once per worker.

    `temporal` (the worker's own client) finds another pending card alike, for the
    "Same as the request above" note; without it the note is never shown.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        temporal_ui_url: str | None,
        namespace: str,
        temporal: Client | None = None,
    ) -> None:
        self._client = client
        self._temporal_ui_url = temporal_ui_url
        self._namespace = namespace
        self._temporal = temporal
        self._names = SlackNames(client)

    @activity.defn
    async def post_approval_request(self, card: Approval) -> str:
        """Posts the approval card and returns its message ts (the card's identity).

        Fails for good (non-retryable) when the request cannot be shown in full: a card
        that hid part of what runs must never be posted.
        """
        payload = await self._card_payload(card, duplicate=await self._duplicate_of(card))
        response = await self._call(
            "chat.postMessage", channel=card.request.channel, thread_ts=card.request.thread_ts, **payload
        )
        activity.logger.info("Posted approval card", extra={"message_ts": response["ts"]})
        return response["ts"]

    @activity.defn
    async def update_approval_message(self, card: Approval) -> None:
        """Redraws a posted card: decided cards lose their buttons and say who decided,
        and once the action ran, what it did."""
        await self._call(
            "chat.update", channel=card.request.channel, ts=card.message_ts, **await self._card_payload(card)
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
        """Answers in the request's thread: the agent's words, inert, then the record of
        what was approved and run, built by code. Returns the reply's ts.

        A reply `replacing` an earlier message of ours is drawn over it (chat.update)."""
        names = await self._names.names_of(people_in_reply(reply))
        if reply.replacing:
            await self._call(
                "chat.update", channel=reply.channel, ts=reply.replacing, **build_thread_reply(reply, names)
            )
            return reply.replacing
        response = await self._call(
            "chat.postMessage",
            channel=reply.channel,
            thread_ts=reply.thread_ts,
            **build_thread_reply(reply, names),
        )
        return response["ts"]

    async def _card_payload(self, card: Approval, duplicate: Duplicate | None = None) -> dict[str, Any]:
        link = (
            workflow_url(self._temporal_ui_url, self._namespace, card.workflow_id)
            if self._temporal_ui_url
            else None
        )
        request = card.request
        mentioned = [p.user_id for p in decode(request.summary) if isinstance(p, UserMention)]
        decider = [card.decision.decided_by] if card.decision and card.decision.decided_by else []
        chained = people_in_chain(request.chain) if request.chain else []
        names = await self._names.names_of(
            [request.requester, *decider, *mentioned, *request.approvers, *chained]
        )
        try:
            return build_approval_card(card, link, names=names, duplicate=duplicate)
        except ValueError as err:
            raise ApplicationError(str(err), type="RequestNotShowable", non_retryable=True) from err

    async def _duplicate_of(self, card: Approval) -> Duplicate | None:
        """Another pending card in the channel for the same action and arguments."""
        if self._temporal is None:
            return None
        request = card.request
        query = (
            f"WorkflowType = '{APPROVAL_WORKFLOW_TYPE}' AND ApprovalStatus = 'pending'"
            f" AND ApprovalChannel = {_quoted(request.channel)}"
            f" AND ApprovalAction = {_quoted(request.action)}"
            f" AND WorkflowId != {_quoted(card.workflow_id)}"
        )
        try:
            async for execution in self._temporal.list_workflows(query, limit=DUPLICATES_LOOKED_AT):
                memo = await execution.memo()
                if memo.get(approval_memo.FINGERPRINT) == card.fingerprint:
                    return Duplicate(
                        await self._permalink(request.channel, memo.get(approval_memo.MESSAGE_TS))
                    )
        except RPCError as err:
            # The note helps; the card must not wait for it.
            activity.logger.warning("Could not look for an identical pending card: %s", err.message)
        return None

    async def _permalink(self, channel: str, message_ts: str | None) -> str | None:
        if not message_ts:
            return None
        try:
            response = await self._call("chat.getPermalink", channel=channel, message_ts=message_ts)
        except (ApplicationError, aiohttp.ClientError):
            return None
        return response.get("permalink")

    async def _call(self, method: str, **arguments: Any) -> dict[str, Any]:
        return await call_slack(self._client, method, **arguments)


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
