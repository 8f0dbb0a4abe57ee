"""The start check of the bot token (`auth.test`): the sandbox's token and a working one pass;
a refused token, a Slack that cannot be reached and a URL that is not Slack's each fail with
one line naming the setting."""

import dataclasses
import socket

import pytest
from aiohttp import web

from activities.slack_client import slack_web_client
from countersign.settings import Settings, load_settings
from countersign.slack_check import SlackUnusable, check_slack_token
from tests.fakes.recording_bot import RecordingBot
from tests.fakes.slack_web_api import BOT_AUTH_TEST, FakeSlackWebApi
from tests.sandbox_run import serve_sandbox


async def check(settings: Settings, wait_seconds: float = 5) -> dict:
    client = slack_web_client(settings.slack_bot_token, settings.slack_api_url, retry_connection_errors=False)
    return await check_slack_token(settings, client, wait_seconds=wait_seconds)


async def test_a_token_slack_accepts_passes(settings: Settings):
    assert (await check(settings))["user_id"] == BOT_AUTH_TEST["user_id"]


async def test_the_sandboxs_own_token_passes_against_the_sandbox():
    bot = await RecordingBot().start()
    try:
        async with serve_sandbox(bot.url) as sandbox:
            settings = load_settings({"SLACK_API_URL": sandbox.api_url}, "/nonexistent/.env")
            assert settings.sandbox
            assert (await check(settings))["bot_id"]
    finally:
        await bot.stop()


async def test_a_refused_token_is_named_with_slacks_error(settings: Settings, slack: FakeSlackWebApi):
    slack.refused_tokens.add(settings.slack_bot_token)

    with pytest.raises(SlackUnusable) as error:
        await check(settings)

    assert str(error.value) == "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)"


async def test_a_slack_that_cannot_be_reached_is_named_once_the_wait_is_over(settings: Settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/api/"
    unreachable = dataclasses.replace(settings, slack_api_url=url)

    with pytest.raises(SlackUnusable) as error:
        await check(unreachable, wait_seconds=0.5)

    assert str(error.value).startswith(f"cannot reach Slack at SLACK_API_URL={url}: ClientConnectorError")
    assert "\n" not in str(error.value)


async def not_found(_: web.Request) -> web.Response:
    return web.Response(status=404, text="Not Found")


async def test_a_url_that_is_not_slacks_web_api_is_named(settings: Settings):
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", not_found)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/"  # type: ignore[union-attr]
    try:
        with pytest.raises(SlackUnusable) as error:
            await check(dataclasses.replace(settings, slack_api_url=url))
    finally:
        await runner.cleanup()

    assert str(error.value) == (
        f"SLACK_API_URL={url} does not answer like Slack's Web API (auth.test got HTTP 404)"
    )
