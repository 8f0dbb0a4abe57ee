"""The baseline for bench.bot_latency: a Bolt AsyncApp whose listeners only ack.

Served by the bot's own web server code (`bot.server.build_web_app`) with the bot's
settings, so the only difference from the bot is what the listeners do after `ack()`.
`python -m bench.bare_bolt` reads the same environment as `python -m bot.server`.
"""

import asyncio
import logging
import signal

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from activities.slack_client import slack_web_client
from bot.blocks.approval_card import APPROVE_ACTION_ID, REJECT_ACTION_ID
from bot.blocks.approvals_list import NEXT_PAGE_ACTION_ID
from bot.listeners.commands.approvals import APPROVALS_COMMAND
from bot.server import build_web_app
from countersign.logs import configure_logging
from countersign.settings import Settings, exit_on_bad_settings, load_settings
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


async def serve(settings: Settings) -> None:
    # Temporal only for the health check that build_web_app serves, as the bot's does.
    temporal = await connect(settings)
    web_app = build_web_app(build_bare_app(settings), temporal, settings.slack_signing_secret)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", settings.port).start()
    log.info("Bare bot ready", extra={"port": settings.port})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main() -> None:
    with exit_on_bad_settings("bench.bare_bolt"):
        settings = load_settings()
    configure_logging(settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
