"""The baseline for bench.bot_latency: a bare Bolt app that acks only once Temporal has it.

`python -m bench.bare_bolt` reads the same environment as `python -m bot.http.server`. The
app is served by Bolt's own aiohttp server (`AsyncApp.web_app()`), with
process_before_response as ours, and each listener makes the one Temporal call ours
makes before acking, nothing else: a mention is the same signal-with-start of the
thread's AgentWorkflow, an Approve click the same `decide_click` Update. That is the
floor for a durable answer; what ours takes beyond it is our own work (checks, parsing,
refusals, the reaction).
"""

import asyncio
import logging
import re
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from activities.slack_client import slack_web_client
from blocks.approval_card import APPROVE_ACTION_ID
from bot.http.server import EVENTS_PATH, HEALTH_PATH, temporal_reachable
from countersign.logs import configure_logging
from countersign.settings import Settings, exit_on_bad_settings, load_settings
from countersign.stopping import stop_on_signals
from countersign.temporal_client import connect
from domain.models import AgentRequest, ClickOrigin, DecisionSubmission
from workflows.agent import AgentWorkflow, Conversation
from workflows.approval import ApprovalWorkflow

log = logging.getLogger("bench.bare_bolt")

_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")


def build_bare_app(settings: Settings, temporal: Client) -> AsyncApp:
    """A mention listener and an Approve listener, each one Temporal call, then ack."""
    app = AsyncApp(
        client=slack_web_client(settings.slack_bot_token, settings.slack_api_url),
        signing_secret=settings.slack_signing_secret,
        name="bare-durable",
        process_before_response=True,
    )

    @app.event("app_mention")
    async def start_or_signal_agent(ack: AsyncAck, body: dict[str, Any]) -> None:
        event = body["event"]
        thread_ts = event.get("thread_ts") or event["ts"]
        request = AgentRequest(
            team=body["team_id"],
            channel=event["channel"],
            user=event["user"],
            text=_MENTION.sub("", event["text"]).strip(),
            event_ts=event["ts"],
            thread_ts=thread_ts,
        )
        await temporal.start_workflow(
            AgentWorkflow.run,
            Conversation(team=request.team, channel=request.channel, thread_ts=thread_ts),
            id=f"agent-{request.team}-{request.channel}-{thread_ts}",
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            start_signal="add_message",
            start_signal_args=[request],
        )
        await ack()

    @app.action(APPROVE_ACTION_ID)
    async def decide(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        container = body["container"]
        submission = DecisionSubmission(
            approved=True,
            user=body["user"]["id"],
            origin=ClickOrigin(channel=container["channel_id"], message_ts=container["message_ts"]),
        )
        handle = temporal.get_workflow_handle_for(ApprovalWorkflow.run, action["value"])
        await handle.execute_update(ApprovalWorkflow.decide_click, submission)
        await ack()

    return app


async def serve(settings: Settings) -> None:
    temporal = await connect(settings)
    web_app = build_bare_app(settings, temporal).web_app(EVENTS_PATH, settings.port)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({}, status=200 if await temporal_reachable(temporal) else 503)

    web_app.router.add_get(HEALTH_PATH, healthz)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", settings.port).start()
    log.info("Bare bot ready", extra={"port": settings.port})
    await stop_on_signals().wait()
    await runner.cleanup()


def main() -> None:
    with exit_on_bad_settings("bench.bare_bolt"):
        settings = load_settings()
    configure_logging(settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
