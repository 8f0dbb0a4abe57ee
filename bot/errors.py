"""The last line of defence for listeners: log with the traceback, tell the user briefly.

A listener that fails must not take the process down or leave the person
who clicked wondering; the workflow ID (set in the Bolt context by the listener) goes
into the log line so the failure can be traced to its approval.
"""

import logging
from typing import Any

from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("countersign.bot")

WORKFLOW_ID_KEY = "workflow_id"
SORRY = "Sorry, something went wrong on Countersign's side. Please try again in a minute."


async def handle_listener_error(
    error: Exception,
    body: dict[str, Any],
    context: dict[str, Any],
    client: AsyncWebClient,
    response: BoltResponse | None = None,
) -> None:
    workflow_id = context.get(WORKFLOW_ID_KEY)
    if response is not None and "event" not in body:
        # A click or command is not redelivered, so its 500 would only add Slack's own
        # error beside ours. An event keeps its 500: Slack redelivers it, and its workflow
        # ID makes a repeat harmless.
        response.status, response.body = 200, ""
    log.error(
        "Listener failed: %s",
        error,
        exc_info=error,
        extra={"workflow_id": workflow_id, "slack_request_type": body.get("type")},
    )
    if where := _who_to_tell(body):
        channel, user, thread_ts = where
        try:
            await client.chat_postEphemeral(channel=channel, user=user, text=SORRY, thread_ts=thread_ts)
        except SlackApiError:
            log.exception("Could not tell %s about the failure", user)


def _who_to_tell(body: dict[str, Any]) -> tuple[str, str, str | None] | None:
    """(channel, user, thread_ts) of the person whose request failed, when there is one."""
    if event := body.get("event"):
        if event.get("channel") and event.get("user"):
            return event["channel"], event["user"], event.get("thread_ts") or event.get("ts")
        return None
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or body.get("channel_id")
    if not (user and channel):
        # A modal submission has no channel; the log line is all there is.
        return None
    thread_ts = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    return channel, user, thread_ts
