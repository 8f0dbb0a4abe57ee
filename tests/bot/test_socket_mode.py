"""Socket Mode (SLACK_APP_TOKEN set): the same listeners, fed over Slack's WebSocket."""

import asyncio
import dataclasses
import random
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession

from bot.http.server import EVENTS_PATH, HEALTH_PATH, serve
from countersign.settings import Settings
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


@pytest.fixture
async def bot_port(settings: Settings, socket_slack: FakeSocketModeSlack) -> AsyncIterator[int]:
    """`python -m bot.http.server` in Socket Mode: an app token and no signing secret."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    socket_settings = dataclasses.replace(
        settings,
        slack_app_token="xapp-1-A111-socket-test",
        slack_signing_secret="",
        slack_api_url=socket_slack.api_url,
        port=port,
    )
    stop = asyncio.Event()
    server = asyncio.create_task(serve(socket_settings, stop))
    yield port
    stop.set()
    await server


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
