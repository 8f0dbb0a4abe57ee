"""`python -m bot.http.server` as deployed, killed and stopped: a 200 to Slack means Temporal
has the request or the decision, so a SIGKILL right after a burst of acks loses none."""

import asyncio
import os
import random
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import ClientError, ClientSession
from temporalio.client import Client

from bot.http.server import EVENTS_PATH, HEALTH_PATH
from countersign.settings import Settings
from domain.models import ApprovalStatus
from tests.approvals import APPROVER, start_approval
from tests.bot.cards import BOT_USER, cards, click
from tests.fakes.slack_payloads import TEAM, mention_event
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi

REPO_ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "C0PROCESS"
RUN = f"17{random.randrange(10**5):05d}"


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    url: str
    log: list[str] = field(default_factory=list)

    async def wait_for_log(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.log):
            assert time.monotonic() < deadline, f"not logged: {text!r}; the log:\n" + "\n".join(self.log)
            await asyncio.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def bot_process(settings: Settings, tmp_path: Path) -> AsyncIterator[BotProcess]:
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(REPO_ROOT),
        "SLACK_BOT_TOKEN": settings.slack_bot_token or "",
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret or "",
        "SLACK_API_URL": settings.slack_api_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "PORT": str(port),
    }
    # Its own session, so a test can Ctrl-C the whole group as a terminal would.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.http.server",
        cwd=tmp_path,  # no developer's .env
        env=env,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    bot = BotProcess(process, f"http://127.0.0.1:{port}")

    async def keep_log() -> None:
        assert process.stderr
        async for line in process.stderr:
            bot.log.append(line.decode(errors="replace").rstrip())

    logging = asyncio.create_task(keep_log())
    await _until_healthy(bot)
    yield bot
    if process.returncode is None:
        process.kill()
        await process.wait()
    await logging


async def _until_healthy(bot: BotProcess, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with ClientSession() as http:
        while True:
            assert bot.process.returncode is None, "the bot exited:\n" + "\n".join(bot.log)
            try:
                async with http.get(bot.url + HEALTH_PATH) as response:
                    if response.status == 200:
                        return
            except ClientError:
                pass  # not listening yet
            assert time.monotonic() < deadline, "the bot never became healthy:\n" + "\n".join(bot.log)
            await asyncio.sleep(0.1)


@pytest.fixture
async def slack_to(bot_process: BotProcess, settings: Settings) -> AsyncIterator[SlackRequests]:
    async with ClientSession() as http:
        yield SlackRequests(bot_process.url + EVENTS_PATH, settings.slack_signing_secret or "", http)


def mention(n: int) -> dict:
    return mention_event(
        text=f"<@{BOT_USER}> pay invoice {n} to ACME", user="U0REQ", channel=CHANNEL, ts=mention_ts(n)
    )


def mention_ts(n: int) -> str:
    # The Temporal server outlives each test, and an agent's ID comes from its mention.
    return f"{RUN}{n:03d}.000100"


async def test_the_bot_answers_slack_as_deployed(
    slack_to: SlackRequests, slack: FakeSlackWebApi, worker, bot_process: BotProcess
):
    answered = await slack_to.event(mention(1))
    assert answered.status == 200
    await slack.wait_for(lambda: cards(slack), timeout=30, what="the approval card")

    challenge = await slack_to.event(
        {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}
    )
    assert (challenge.status, challenge.json()["challenge"]) == (200, "3eZbrw1aBm2rZgRNFdxV")
    unreadable = await slack_to.post("[1, 2]", "application/json")
    assert unreadable.status == 400
    forged = await slack_to.post("{}", "application/json", signature="v0=forged")
    assert forged.status == 401


async def test_mentions_answered_200_survive_a_sigkill_right_after(
    slack_to: SlackRequests, slack: FakeSlackWebApi, client: Client, worker, bot_process: BotProcess
):
    mentions = range(300, 312)
    answers = await asyncio.gather(*(slack_to.event(mention(n)) for n in mentions))
    os.killpg(bot_process.process.pid, signal.SIGKILL)

    # Each mention answered 200 is in Temporal, and gets its card with no bot running.
    acked = [n for n, answer in zip(mentions, answers, strict=True) if answer.status == 200]
    assert acked == list(mentions)
    for n in acked:
        agent = await client.get_workflow_handle(f"agent-{TEAM}-{CHANNEL}-{mention_ts(n)}").describe()
        assert agent.workflow_type == "AgentWorkflow"
    await slack.wait_for(lambda: len(cards(slack)) == len(acked), timeout=30, what="a card per mention")


async def test_clicks_answered_200_survive_a_sigkill_right_after(
    slack_to: SlackRequests, slack: FakeSlackWebApi, client: Client, worker, bot_process: BotProcess
):
    approvals = [await start_approval(client, worker.task_queue) for _ in range(4)]
    await slack.wait_for(lambda: len(cards(slack)) == 4, timeout=30, what="four cards")
    clicks = [click(card, APPROVER, approve=True) for card in cards(slack)]

    answers = await asyncio.gather(*(slack_to.interaction(payload) for payload in clicks))
    os.killpg(bot_process.process.pid, signal.SIGKILL)

    assert [a.status for a in answers] == [200] * 4
    for approval in approvals:
        assert (await approval.result()).status is ApprovalStatus.APPROVED


@pytest.mark.parametrize("stop", ["SIGTERM to the bot", "Ctrl-C in its terminal"])
async def test_a_stop_answers_what_it_took_and_exits_cleanly(
    stop: str, slack_to: SlackRequests, client: Client, bot_process: BotProcess
):
    first = 100 if stop == "SIGTERM to the bot" else 200  # a thread of its own per case
    mentions = range(first, first + 6)
    answers = await asyncio.gather(*(slack_to.event(mention(n)) for n in mentions))
    assert [a.status for a in answers] == [200] * len(mentions)

    if stop == "SIGTERM to the bot":
        bot_process.process.terminate()
    else:
        os.killpg(bot_process.process.pid, signal.SIGINT)  # what a terminal sends the whole group
    assert await asyncio.wait_for(bot_process.process.wait(), 30) == 0

    for n in mentions:
        agent = await client.get_workflow_handle(f"agent-{TEAM}-{CHANNEL}-{mention_ts(n)}").describe()
        assert agent.workflow_type == "AgentWorkflow"
    assert not any("Traceback" in line for line in bot_process.log), "\n".join(bot_process.log)
