"""The baselines for bench.bot_latency: a Bolt AsyncApp whose listeners only ack.

`python -m bench.bare_bolt` reads the same environment as `python -m bot.http.server`, and
BARE_SERVER says who serves the app:
- `bolt` (default): Bolt's own aiohttp server (`AsyncApp.web_app()`), as a bare Bolt app
  is served. For clicks and commands Bolt checks every 10 ms whether the listener acked.
- `front`: the bot's own web server code (`bot.http.server.build_web_app`) with the same
  ack-only listeners: the only difference from the bot is what its listeners do.
"""

import asyncio
import logging
import os

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from temporalio.client import Client

from activities.slack_client import slack_web_client
from blocks.approval_card import APPROVE_ACTION_ID, REJECT_ACTION_ID
from bot.approvals.list_blocks import NEXT_PAGE_ACTION_ID
from bot.http.server import EVENTS_PATH, HEALTH_PATH, build_web_app, temporal_reachable
from bot.listeners.commands.approvals import APPROVALS_COMMAND
from countersign.logs import configure_logging
from countersign.settings import Settings, exit_on_bad_settings, load_settings
from countersign.stopping import stop_on_signals
from countersign.temporal_client import connect

log = logging.getLogger("bench.bare_bolt")


async def ack_only(ack: AsyncAck) -> None:
    await ack()


def build_bare_app(settings: Settings) -> AsyncApp:
    """The bot's listeners' triggers, each only acking."""
    app = AsyncApp(
        client=slack_web_client(settings.slack_bot_token, settings.slack_api_url),
        signing_secret=settings.slack_signing_secret,
        name="bare",
    )
    app.event("app_mention")(ack_only)
    for action_id in (APPROVE_ACTION_ID, REJECT_ACTION_ID, NEXT_PAGE_ACTION_ID):
        app.action(action_id)(ack_only)
    app.command(APPROVALS_COMMAND)(ack_only)
    return app


async def _healthy(temporal: Client) -> web.Response:
    status = 200 if await temporal_reachable(temporal) else 503
    return web.json_response({}, status=status)


async def serve(settings: Settings) -> None:
    # Temporal only for the health check that build_web_app serves, as the bot's does.
    temporal = await connect(settings)
    if os.environ.get("BARE_SERVER", "bolt") == "front":
        web_app = build_web_app(build_bare_app(settings), temporal, settings.slack_signing_secret)
    else:
        web_app = build_bare_app(settings).web_app(EVENTS_PATH, settings.port)
        web_app.router.add_get(HEALTH_PATH, lambda _: _healthy(temporal))
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
