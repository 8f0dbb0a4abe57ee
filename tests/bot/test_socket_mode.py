"""Socket Mode (SLACK_APP_TOKEN set): the same listeners, fed over Slack's WebSocket; healthy
and ready only while that WebSocket is up."""

import asyncio
import dataclasses
import logging
import random
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import ClientSession

from bot.http.server import EVENTS_PATH, HEALTH_PATH, serve
from countersign.settings import Settings
from countersign.slack_check import SlackUnusable
from tests.bot.cards import BOT_USER, cards, click, name, said, thread_replies
from tests.fakes.slack_payloads import mention_event
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.socket_mode import FakeSocketModeSlack

REQUESTER = "U0REQUESTER"
APPROVER = "U0APPROVER"


@pytest.fixture
async def socket_slack(slack: FakeSlackWebApi) -> AsyncIterator[FakeSocketModeSlack]:
    fake = await FakeSocketModeSlack(slack).start()
    yield fake
    await fake.stop()


def socket_mode_settings(settings: Settings, socket_slack: FakeSocketModeSlack) -> Settings:
    """An app token and no signing secret, on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return dataclasses.replace(
        settings,
        slack_app_token="xapp-1-A111-socket-test",
        slack_signing_secret="",
        slack_api_url=socket_slack.api_url,
        port=port,
    )


@asynccontextmanager
async def socket_mode_bot(settings: Settings, socket_slack: FakeSocketModeSlack) -> AsyncIterator[int]:
    """`python -m bot.http.server` in Socket Mode, on the port it yields."""
    socket_settings = socket_mode_settings(settings, socket_slack)
    port = socket_settings.port
    stop = asyncio.Event()
    server = asyncio.create_task(serve(socket_settings, stop))
    yield port
    stop.set()
    await asyncio.wait_for(server, 10)


@pytest.fixture
async def bot_port(settings: Settings, socket_slack: FakeSocketModeSlack) -> AsyncIterator[int]:
    async with socket_mode_bot(settings, socket_slack) as port:
        yield port


async def until(condition: Callable[[], Any], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not await _value(condition()):
        assert time.monotonic() < deadline, f"not {what} after {timeout:.0f} s"
        await asyncio.sleep(0.05)


async def _value(result: Any) -> Any:
    return await result if asyncio.iscoroutine(result) else result


async def health(port: int) -> int:
    try:
        async with ClientSession() as http, http.get(f"http://127.0.0.1:{port}{HEALTH_PATH}") as answer:
            return answer.status
    except OSError:
        return 0  # not listening yet


def failed_attempts(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("Socket Mode: cannot connect")]


def logged(caplog: pytest.LogCaptureFixture, message: str) -> bool:
    return any(r.getMessage() == message for r in caplog.records)


async def test_a_mention_and_a_click_over_socket_mode_end_in_a_thread_reply(
    socket_slack: FakeSocketModeSlack, slack: FakeSlackWebApi, worker, bot_port: int
):
    ts = f"17{random.randrange(10**8):08d}.000100"
    mention = mention_event(text=f"<@{BOT_USER}> renew the TLS cert", user=REQUESTER, channel="C0OPS", ts=ts)

    ack = await socket_slack.send("events_api", mention)
    await socket_slack.send("events_api", mention, retry_attempt=1)

    assert set(ack) == {"envelope_id"}
    card = await slack.wait_for_call("chat.postMessage")
    await slack.wait_for_call("reactions.add", count=2)
    await socket_slack.send("interactive", click(card, APPROVER, approve=True))
    reply = await slack.wait_for_call("chat.postMessage", count=2)
    assert f"Approved by {name(APPROVER)} at" in said(reply)
    assert len(cards(slack)) == 1 and thread_replies(slack) == [reply]


async def test_in_socket_mode_http_serves_only_the_health_check(
    bot_port: int, socket_slack: FakeSocketModeSlack
):
    await asyncio.wait_for(socket_slack.connected.wait(), 5)
    async with ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{bot_port}{HEALTH_PATH}") as health:
            assert health.status == 200
        async with http.post(f"http://127.0.0.1:{bot_port}{EVENTS_PATH}", data="{}") as events:
            assert events.status in (404, 405)


async def test_until_its_websocket_is_up_the_bot_is_not_ready_nor_healthy(
    settings: Settings, socket_slack: FakeSocketModeSlack, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO)
    await socket_slack.go_down()
    async with socket_mode_bot(settings, socket_slack) as port:
        await until(lambda: socket_slack.refused >= 3, "refused three times")
        assert await health(port) == 503
        assert not logged(caplog, "Bot ready")

        socket_slack.come_up()
        await until(lambda: logged(caplog, "Bot ready"), "ready")
        assert await health(port) == 200

    # One WARNING line per refused attempt, each waiting longer than the one before.
    failures = failed_attempts(caplog)
    assert len(failures) == socket_slack.refused
    assert all(r.levelno == logging.WARNING and "503" in r.getMessage() for r in failures)
    waits = [r.retry_seconds for r in failures]
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    messages = [r.getMessage() for r in caplog.records]
    assert messages.index("Socket Mode: connected to Slack") < messages.index("Bot ready")


async def test_a_bot_that_never_connected_still_stops_when_told(
    settings: Settings, socket_slack: FakeSocketModeSlack
):
    await socket_slack.go_down()
    async with socket_mode_bot(settings, socket_slack) as port:
        await until(lambda: socket_slack.refused >= 1, "refused")
        assert await health(port) == 503
    # Leaving the block set the bot's stop; it returned within the deadline there.


async def test_a_dropped_websocket_is_unhealthy_until_it_reconnects(
    bot_port: int, socket_slack: FakeSocketModeSlack, caplog: pytest.LogCaptureFixture
):
    await until(lambda: health(bot_port), "listening")
    await until(lambda: socket_slack.connected.is_set(), "connected")
    await until(lambda: _is(health(bot_port), 200), "healthy")

    await socket_slack.go_down()
    await until(lambda: _is(health(bot_port), 503), "unhealthy")
    await until(lambda: socket_slack.refused >= 1, "refused")
    socket_slack.come_up()
    await until(lambda: _is(health(bot_port), 200), "healthy again")

    assert failed_attempts(caplog)
    assert not [r for r in caplog.records if r.exc_info]


async def _is(status: Any, wanted: int) -> bool:
    return await status == wanted


async def test_an_app_token_slack_refuses_stops_the_start(
    settings: Settings, socket_slack: FakeSocketModeSlack
):
    socket_slack.app_token_refused = True

    with pytest.raises(SlackUnusable) as error:
        await asyncio.wait_for(serve(socket_mode_settings(settings, socket_slack), asyncio.Event()), 30)

    assert str(error.value) == "SLACK_APP_TOKEN was refused by Slack (invalid_auth)"
