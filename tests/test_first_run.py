"""A first run on real Slack, as the README's "Create the Slack app" steps set it up: the
worker and the bot as processes with only SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (and,
here, SLACK_API_URL pointing at the fake Slack and the test's Temporal). Both start, the
catalog's webhook actions are off and said so once, both sign and serve with one receipt key
they keep (and warn that APPROVAL_SIGNING_KEY is unset), and an approval goes through; a
token Slack refuses stops each process at start with one line."""

import asyncio
import os
import random
import sys
from pathlib import Path

import pytest
from aiohttp import ClientSession

from bench.child_process import ChildProcess
from bot.http.server import EVENTS_PATH, HEALTH_PATH, JWKS_PATH
from countersign.receipts.keys import LOCAL_KEY_FILE, parse_signing_key
from countersign.settings import Settings
from tests.approvals import APPROVER, REQUESTER
from tests.bot.cards import BOT_USER, cards, click, shown
from tests.bot.test_bot_process import free_port
from tests.fakes.slack_payloads import mention_event
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi

REPO_ROOT = Path(__file__).resolve().parents[1]
REFUSED_TOKEN = "xoxb-test"


def readme_settings(settings: Settings, port: int, token: str = "xoxb-first-run") -> dict[str, str]:
    """What the README names for real Slack, plus where this test's Slack and Temporal are."""
    return {
        "PATH": os.environ["PATH"],
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
        "SLACK_API_URL": settings.slack_api_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "PORT": str(port),
    }


async def test_with_only_the_readme_settings_every_process_starts_and_an_approval_goes_through(
    slack: FakeSlackWebApi, settings: Settings, tmp_path: Path
):
    port = free_port()
    env = readme_settings(settings, port)
    worker = ChildProcess("worker", "workflows.worker", env, tmp_path)
    bot = ChildProcess("bot", "bot.http.server", env, tmp_path)
    off_warnings = worker.count_logged("Actions off in")
    bolt_warnings = bot.count_logged("will be unused")
    key_warnings = [p.count_logged("APPROVAL_SIGNING_KEY is not set") for p in (worker, bot)]
    try:
        await worker.start()
        await bot.start()
        await worker.logged("Worker ready")
        await bot.healthy(f"http://127.0.0.1:{port}{HEALTH_PATH}")
        async with ClientSession() as http:
            url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
            slack_to = SlackRequests(url, settings.slack_signing_secret, http)
            ts = f"17{random.randrange(10**8):08d}.000100"
            text = f"<@{BOT_USER}> wire $5,000 to ACME for invoice 4411"
            mention = mention_event(text=text, user=REQUESTER, channel="C0FIRSTRUN", ts=ts)
            assert (await slack_to.event(mention)).status == 200
            (card,) = await slack.wait_for(lambda: cards(slack), timeout=30, what="the approval card")
            assert (await slack_to.interaction(click(card, APPROVER, approve=True))).status == 200
            update = await slack.wait_for_call("chat.update", timeout=30)
            async with http.get(f"http://127.0.0.1:{port}{JWKS_PATH}") as response:
                (served,) = (await response.json())["keys"]
    finally:
        await bot.stop()
        await worker.stop()

    assert update.args["ts"] == card.response["ts"] and "Approved" in shown(update)
    assert off_warnings() == 1
    off = next(line for line in worker.last_lines().splitlines() if "Actions off in" in line)
    assert '"level": "WARNING"' in off
    assert "wire_transfer (set WEBHOOK_BASE_URL and WEBHOOK_SIGNING_SECRET)" in off
    assert "purchase_request (set WEBHOOK_BASE_URL and WEBHOOK_SIGNING_SECRET)" in off
    assert bolt_warnings() == 0
    # Started together, they still agree on the one key they generated and keep.
    assert [count() for count in key_warnings] == [1, 1]
    assert served["kid"] == parse_signing_key((tmp_path / LOCAL_KEY_FILE).read_text()).kid
    assert (worker.errors, bot.errors) == ([], [])


@pytest.mark.parametrize(("module", "program"), [("workflows.worker", "worker"), ("bot.http.server", "bot")])
async def test_a_token_slack_refuses_stops_the_process_at_start_with_one_line(
    module: str, program: str, slack: FakeSlackWebApi, settings: Settings, tmp_path: Path
):
    slack.refused_tokens.add(REFUSED_TOKEN)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        cwd=tmp_path,  # no developer's .env
        env=readme_settings(settings, free_port(), REFUSED_TOKEN) | {"PYTHONPATH": str(REPO_ROOT)},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)

    log = stderr.decode()
    assert process.returncode == 2, log
    assert log.strip().splitlines()[-1] == (
        f"countersign {program}: SLACK_BOT_TOKEN was refused by Slack (invalid_auth)"
    )
    assert "Traceback" not in log
    assert [call.method for call in slack.attempts] == ["auth.test"]
