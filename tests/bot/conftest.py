"""The real Bolt app served by bot.http.server on loopback, a worker, and Slack's side of both."""

from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession, web
from temporalio.client import Client

from bot.http.server import EVENTS_PATH, build_bot_web_app
from countersign.settings import Settings
from tests.fakes.slack_requests import SlackRequests


@pytest.fixture
async def bot_url(client: Client, settings: Settings) -> AsyncIterator[str]:
    """Base URL of the bot's web server (the same aiohttp app `python -m bot.http.server` runs)."""
    web_app = build_bot_web_app(settings, client)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[ClientSession]:
    async with ClientSession() as session:
        yield session


@pytest.fixture
def bot(bot_url: str, settings: Settings, http: ClientSession) -> SlackRequests:
    """Slack's side: signed requests to the bot's Request URL."""
    return SlackRequests(bot_url + EVENTS_PATH, settings.slack_signing_secret, http)
