"""The Request URL: Slack's signature and timestamp rules, bad bodies, url_verification, health."""

import json
import time
from pathlib import Path

import pytest
from aiohttp import ClientSession, web
from temporalio.client import Client

from bot.http.server import HEALTH_PATH, build_bot_web_app
from countersign.settings import Settings
from tests.fakes.slack_requests import SlackRequests, slack_signature

FIXTURES = Path(__file__).parent.parent / "fixtures/slack"
VECTORS = json.loads((FIXTURES / "signature_test_vectors.json").read_text())
URL_VERIFICATION = (FIXTURES / "url_verification_event.json").read_text()


async def still_serves(bot: SlackRequests) -> None:
    response = await bot.post(URL_VERIFICATION, "application/json")
    assert response.status == 200 and "challenge" in response.json()


@pytest.mark.parametrize(
    "vector",
    VECTORS["official"] + VECTORS["derived"],
    ids=lambda v: v["body_file"] if "body_file" in v else "app_mention",
)
def test_the_signing_helper_matches_slacks_vectors(vector: dict):
    body = vector.get("body") or (FIXTURES / vector["body_file"]).read_text()
    assert (
        slack_signature(vector["signing_secret"], vector["timestamp"], body) == vector["expected_signature"]
    )


async def test_url_verification_echoes_the_challenge(bot: SlackRequests):
    response = await bot.post(URL_VERIFICATION, "application/json")

    assert response.status == 200
    assert response.json() == {"challenge": json.loads(URL_VERIFICATION)["challenge"]}


@pytest.mark.parametrize(
    ("signature", "age"),
    [
        pytest.param("v0=" + "0" * 64, 0, id="forged signature"),
        pytest.param(None, 301, id="stale timestamp"),
        pytest.param(None, -301, id="timestamp from the future"),
        pytest.param("garbage", 0, id="not a signature"),
    ],
)
async def test_a_request_not_signed_by_slack_just_now_is_refused(
    bot: SlackRequests, signature: str | None, age: int
):
    response = await bot.post(
        URL_VERIFICATION, "application/json", signature=signature, timestamp=int(time.time()) - age
    )

    assert (response.status, response.json()) == (401, {"error": "invalid request"})
    await still_serves(bot)


async def test_a_body_changed_after_signing_is_refused(bot: SlackRequests, http: ClientSession):
    ts = str(int(time.time()))
    signature = slack_signature("secret", ts, URL_VERIFICATION)
    headers = {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        "Content-Type": "application/json",
    }

    async with http.post(bot.url, data=URL_VERIFICATION.replace("3eZ", "4eZ"), headers=headers) as response:
        assert response.status == 401
    async with http.post(
        bot.url, data=URL_VERIFICATION, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 401, "no signature headers at all"
    await still_serves(bot)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"type": "event_callback", "event": ', "application/json"),
        ("payload=%7Bnot%20json", "application/x-www-form-urlencoded"),
        ("payload=%5B1%2C%202%5D", "application/x-www-form-urlencoded"),
        ('{"type": "event_callback"}', "application/json"),
        ('{"type": "block_actions", "actions": []}', "application/json"),
        ("", "application/json"),
    ],
    ids=[
        "cut JSON",
        "payload not JSON",
        "payload not an object",
        "event without event",
        "no actions",
        "empty",
    ],
)
async def test_a_signed_but_malformed_body_gets_a_4xx_and_the_bot_keeps_serving(
    bot: SlackRequests, body: str, content_type: str
):
    response = await bot.post(body, content_type)

    assert 400 <= response.status < 500
    await still_serves(bot)


async def test_a_malformed_body_without_a_valid_signature_is_refused_as_unsigned(bot: SlackRequests):
    response = await bot.post('{"cut', "application/json", signature="v0=" + "1" * 64)

    assert response.status == 401


async def test_health_is_ok_while_temporal_answers(bot: SlackRequests, http: ClientSession):
    async with http.get(bot.url.rsplit("/slack", 1)[0] + HEALTH_PATH) as response:
        assert (response.status, await response.json()) == (200, {"status": "ok"})


async def test_health_is_503_when_temporal_is_unreachable(settings: Settings, http: ClientSession):
    # A client for a port nobody listens on; `lazy` defers the connection to first use.
    unreachable = await Client.connect("127.0.0.1:1", lazy=True)
    runner = web.AppRunner(build_bot_web_app(settings, unreachable))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with http.get(f"http://127.0.0.1:{port}{HEALTH_PATH}") as response:
            assert response.status == 503
    finally:
        await runner.cleanup()
