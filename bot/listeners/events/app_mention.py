"""A mention of the bot starts (exactly once) the agent workflow for that request; one by
another app's bot starts nothing unless SLACK_ALLOWED_BOT_IDS names it (mention_author)."""

import logging
import re
from datetime import timedelta
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.common import WorkflowIDConflictPolicy

from bot.after_answer import after_answer
from bot.errors import WORKFLOW_ID_KEY
from bot.listeners.events.mention_author import bot_id_of, refusal_of_author, requester_of
from bot.services import services_of
from domain.models import AgentRequest
from workflows.agent import AgentWorkflow, Conversation

log = logging.getLogger("countersign.bot")

# Seen by the requester within a second: their request was taken.
RECEIVED_REACTION = "eyes"
# Within Slack's 3 s for its answer, with room for the request to reach us.
TEMPORAL_TIMEOUT = timedelta(seconds=2.5)
EMPTY_REQUEST_HINT = "Mention me with what needs approval, e.g. `@Countersign pay invoice 4411 to ACME`."


async def handle_app_mention(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient
) -> None:
    services = services_of(context)
    event = body["event"]
    if refusal := refusal_of_author(event, services.allowed_bot_ids):
        await ack()
        # Not even the "taken" reaction or a hint: a bot reads neither, and an answer to a
        # bot is one more message for it to answer.
        log.info(
            "Mention ignored, its author may not ask: %s",
            refusal,
            extra={"channel": event.get("channel"), "bot_id": bot_id_of(event)},
        )
        return
    request = agent_request(body, context.get("bot_user_id"))
    if not request.text:
        await ack()
        if not event.get("user"):
            return  # an allowed legacy bot: an ephemeral needs a person to show it to
        hint = client.chat_postEphemeral(
            channel=request.channel, user=request.user, text=EMPTY_REQUEST_HINT, thread_ts=request.thread_ts
        )
        after_answer(hint, body=body, context=context, client=client)
        return
    workflow_id = agent_workflow_id(request)
    context[WORKFLOW_ID_KEY] = workflow_id
    # Signal-with-start: the thread's conversation workflow gets the message, starting if
    # it is not running. Slack's redeliveries (X-Slack-Retry-Num 1-3) carry the same event
    # ts, which the workflow drops, so one mention is one request and one card.
    # Slack is answered only after this returns: a 200 means Temporal has the request. If
    # Temporal cannot say so in time, the listener fails, Slack gets a 500 and redelivers.
    await services.temporal.start_workflow(
        AgentWorkflow.run,
        Conversation(team=request.team, channel=request.channel, thread_ts=request.thread_ts),
        id=workflow_id,
        task_queue=services.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        start_signal="add_message",
        start_signal_args=[request],
        rpc_timeout=TEMPORAL_TIMEOUT,
    )
    await ack()
    log.info("Mention handed to its thread's agent workflow", extra={"workflow_id": workflow_id})
    # After the answer, not before it: the reaction is cosmetic. On every delivery: Slack
    # keeps one reaction per person and emoji, and a failed one is made good by the next.
    after_answer(_show_received(client, request), body=body, context=context, client=client)


def agent_request(body: dict[str, Any], bot_user_id: str | None) -> AgentRequest:
    """The request in an `app_mention` event callback, without the bot's own mention."""
    event = body["event"]
    return AgentRequest(
        team=body.get("team_id") or event.get("team", ""),
        channel=event["channel"],
        user=requester_of(event),
        text=_without_mention(event.get("text", ""), bot_user_id),
        event_ts=event["ts"],
        thread_ts=event.get("thread_ts") or event["ts"],
    )


def agent_workflow_id(request: AgentRequest) -> str:
    """One workflow per thread: a follow-up in the thread continues its conversation."""
    return f"agent-{request.team}-{request.channel}-{request.thread_ts}"


def _without_mention(text: str, bot_user_id: str | None) -> str:
    # Slack writes a mention as <@U123> or <@U123|name>; other people's mentions stay.
    who = re.escape(bot_user_id) if bot_user_id else r"[A-Z0-9]+"
    pattern = rf"<@{who}(\|[^>]*)?>" if bot_user_id else rf"^\s*<@{who}(\|[^>]*)?>"
    return re.sub(pattern, "", text).strip()


async def _show_received(client: AsyncWebClient, request: AgentRequest) -> None:
    try:
        await client.reactions_add(
            channel=request.channel, timestamp=request.event_ts, name=RECEIVED_REACTION
        )
    except SlackApiError as err:
        # The workflow runs either way and its card follows; a missing reaction is cosmetic.
        if err.response.get("error") != "already_reacted":
            log.warning("Could not react to a mention: %s", err.response.get("error"))
