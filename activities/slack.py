"""Slack Web API activities: post and update approval cards, ephemeral notices, replies."""

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from temporalio import activity
from temporalio.exceptions import ApplicationError

from bot.blocks.approval_card import build_approval_card, workflow_url
from workflows.models import ApprovalCard, EphemeralNotice, ThreadReply

# Everything else Slack answers with ok:false is a fact about the request (a bad channel,
# a revoked token), which a retry would only repeat.
TRANSIENT_ERRORS = {
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}

HINTS = {
    "channel_not_found": "the channel does not exist or the bot cannot see it",
    "not_in_channel": "invite the bot to the channel first (/invite @Countersign)",
    "invalid_auth": "SLACK_BOT_TOKEN is not valid for this workspace",
    "not_authed": "no SLACK_BOT_TOKEN was sent",
    "token_revoked": "SLACK_BOT_TOKEN was revoked; reinstall the app",
    "account_inactive": "the bot's account is deactivated; reinstall the app",
    "missing_scope": "the app lacks a scope; reinstall it from slack_manifest.yml",
    "is_archived": "the channel is archived",
    "message_not_found": "the card was deleted",
    "user_not_in_channel": "that user is not in the channel",
}


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
        arguments = {k: v for k, v in arguments.items() if v is not None}
        try:
            response = await self._client.api_call(method, json=arguments)
        except SlackApiError as err:
            raise _as_application_error(method, arguments.get("channel"), err) from err
        return response.data  # type: ignore[return-value]


def _as_application_error(method: str, channel: str | None, err: SlackApiError) -> ApplicationError:
    code = err.response.get("error", "") if isinstance(err.response.data, dict) else ""
    status = err.response.status_code
    where = f" in channel {channel}" if channel else ""
    message = f"Slack refused {method}{where}: {code or f'HTTP {status}'}"
    if hint := HINTS.get(code):
        message += f" ({hint})"
    retryable = status >= 500 or status == 429 or code in TRANSIENT_ERRORS
    return ApplicationError(message, type="SlackApiError", non_retryable=not retryable)
