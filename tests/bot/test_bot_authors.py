"""Bots never request: another app's bot mentioning Countersign starts nothing and is not
answered, unless SLACK_ALLOWED_BOT_IDS names it; people's mentions are unaffected."""

import dataclasses
import json
import logging
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from bot.http.server import EVENTS_PATH, build_bot_web_app
from bot.listeners.events.mention_author import refusal_of_author, requester_of
from countersign.settings import Settings
from tests.bot.cards import BOT_USER, cards, shown
from tests.fakes.slack_payloads import TEAM, mention_event
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi

FIXTURES = Path(__file__).parent.parent / "fixtures/slack"
CHANNEL = "C0FINANCE"
PERSON = "U0REQUESTER"

# How a message names a bot as its author, in the shapes Slack sends. An app's bot posts
# with a user of its own, its bot ID and app ID (the clicked message in Slack's
# block_actions payload); a legacy integration or webhook posts with the bot_message
# subtype and a username, and no user (chat.postMessage's example answer). The reference
# set has no bot_profile, so this one is written here, with the fields Slack sends in one
# (its id is the bot ID).
_APP_MESSAGE = json.loads((FIXTURES / "block_actions_payload.json").read_text())["message"]
_POSTED = json.loads((FIXTURES / "web_api_responses.json").read_text())["openapi_examples"][
    "chat.postMessage"
]
_LEGACY_MESSAGE = _POSTED["ok_example"]["message"]
APP_BOT = {key: _APP_MESSAGE[key] for key in ("bot_id", "user", "app_id")}
LEGACY_BOT = {key: _LEGACY_MESSAGE[key] for key in ("subtype", "bot_id", "username")}
PROFILE_BOT_ID = "B0PROFILE"
PROFILE_ONLY_BOT = {
    "user": "U0PROFILE",
    "bot_profile": {"id": PROFILE_BOT_ID, "app_id": "A0PROFILE", "name": "ci", "deleted": False},
}
NO_USER: dict[str, Any] = {}
SOMEONE_ELSE = "B0SOMEONEELSE"

BOTS = [
    pytest.param(APP_BOT, APP_BOT["bot_id"], id="bot_id"),
    pytest.param(LEGACY_BOT, LEGACY_BOT["bot_id"], id="bot_message subtype"),
    pytest.param(PROFILE_ONLY_BOT, PROFILE_BOT_ID, id="bot_profile only"),
    pytest.param(NO_USER, None, id="no user"),
]
NOT_ALLOWED = [
    pytest.param(set(), id="none allowed (the default)"),
    pytest.param({SOMEONE_ELSE}, id="another bot allowed"),
]


@pytest.fixture
def allowed_bot_ids() -> set[str]:
    """SLACK_ALLOWED_BOT_IDS for the test; a test sets its own by parametrizing this name."""
    return set()


@pytest.fixture
def settings(settings: Settings, allowed_bot_ids: set[str]) -> Settings:
    return dataclasses.replace(settings, slack_allowed_bot_ids=frozenset(allowed_bot_ids))


@pytest.fixture
def mention_ts() -> str:
    # The Temporal server outlives each test and an agent's ID comes from the mention.
    return f"17{random.randrange(10**8):08d}.{random.randrange(10**6):06d}"


def mention_by(author: dict[str, Any], ts: str) -> dict[str, Any]:
    """A mention asking for a payment, its author fields (`user` among them) `author`'s."""
    body = mention_event(text=f"<@{BOT_USER}> pay invoice 4411 to ACME", user="", channel=CHANNEL, ts=ts)
    del body["event"]["user"]
    body["event"].update(author)
    return body


class StoppableBot:
    """The bot's web server, as the `bot` fixture serves it, stopped by the test itself.

    Slack is answered only once a listener is done with Temporal, and a stop lets
    requests in flight finish, so once stopped the bot has started every workflow it
    ever will for them: a check that nothing happened needs no guessed wait.
    """

    def __init__(self, runner: web.AppRunner, requests: SlackRequests) -> None:
        self._runner = runner
        self.requests = requests

    async def stop(self) -> None:
        await self._runner.cleanup()


@pytest.fixture
async def stoppable_bot(
    settings: Settings, client: Client, http: ClientSession
) -> AsyncIterator[StoppableBot]:
    runner = web.AppRunner(build_bot_web_app(settings, client), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
    served = StoppableBot(runner, SlackRequests(url, settings.slack_signing_secret, http))
    yield served
    await served.stop()


async def workflow_exists(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


@pytest.mark.parametrize("allowed_bot_ids", NOT_ALLOWED)
@pytest.mark.parametrize(("author", "bot_id"), BOTS)
async def test_a_mention_by_a_bot_not_allowed_starts_nothing_and_is_not_answered(
    stoppable_bot: StoppableBot,
    client: Client,
    slack: FakeSlackWebApi,
    caplog: pytest.LogCaptureFixture,
    mention_ts: str,
    author: dict[str, Any],
    bot_id: str | None,
):
    caplog.set_level(logging.INFO, logger="countersign")

    response = await stoppable_bot.requests.event(mention_by(author, mention_ts))
    await stoppable_bot.stop()

    assert response.status == 200
    assert not await workflow_exists(client, f"agent-{TEAM}-{CHANNEL}-{mention_ts}")
    # Bolt's own auth.test (who the bot is) is all the bot said to Slack: no reaction, no hint.
    assert [call.method for call in slack.attempts if call.method != "auth.test"] == []
    ours = [r for r in caplog.records if r.name.startswith("countersign")]
    (ignored,) = [r for r in ours if r.getMessage().startswith("Mention ignored")]
    assert (ignored.levelno, ignored.channel, ignored.bot_id) == (logging.INFO, CHANNEL, bot_id)
    # Turned away by the listener, not by a failure that happened to post nothing either.
    assert [r for r in ours if r.levelno >= logging.WARNING] == []


# (author, SLACK_ALLOWED_BOT_IDS, who the card says asked)
ALLOWED = [
    pytest.param(APP_BOT, {APP_BOT["bot_id"]}, APP_BOT["user"], id="bot_id, as its user"),
    pytest.param(LEGACY_BOT, {LEGACY_BOT["bot_id"]}, LEGACY_BOT["bot_id"], id="no user, as its bot ID"),
    pytest.param(
        PROFILE_ONLY_BOT, {SOMEONE_ELSE, PROFILE_BOT_ID}, "U0PROFILE", id="bot_profile, as its user"
    ),
]


@pytest.mark.parametrize(("author", "allowed_bot_ids", "requester"), ALLOWED)
async def test_a_mention_by_an_allowed_bot_asks_like_anyone(
    bot: SlackRequests,
    client: Client,
    slack: FakeSlackWebApi,
    worker,
    mention_ts: str,
    author: dict[str, Any],
    requester: str,
):
    response = await bot.event(mention_by(author, mention_ts))

    assert response.status == 200
    card = await slack.wait_for_call("chat.postMessage")
    assert (card.args["channel"], card.args["thread_ts"]) == (CHANNEL, mention_ts)
    assert "pay invoice 4411 to ACME" in shown(card) and f"<@{requester}>" in shown(card)
    await slack.wait_for_call("reactions.add")
    agent = client.get_workflow_handle(f"agent-{TEAM}-{CHANNEL}-{mention_ts}")
    assert (await agent.describe()).workflow_type == "AgentWorkflow"


@pytest.mark.parametrize(
    "allowed_bot_ids", [*NOT_ALLOWED, pytest.param({APP_BOT["bot_id"]}, id="a bot allowed")]
)
async def test_a_persons_mention_still_asks(
    bot: SlackRequests, client: Client, slack: FakeSlackWebApi, worker, mention_ts: str
):
    await bot.event(mention_by({"user": PERSON}, mention_ts))

    card = await slack.wait_for_call("chat.postMessage")
    assert f"<@{PERSON}>" in shown(card) and len(cards(slack)) == 1
    agent = client.get_workflow_handle(f"agent-{TEAM}-{CHANNEL}-{mention_ts}")
    assert (await agent.describe()).workflow_type == "AgentWorkflow"


@pytest.mark.parametrize(
    ("event", "allowed", "refused"),
    [
        ({"user": PERSON}, frozenset(), False),
        ({"user": PERSON, "bot_profile": {"id": "B0PROFILE"}}, frozenset({"B0PROFILE"}), False),
        ({"user": PERSON, "bot_profile": "not an object"}, frozenset({"B0PROFILE"}), True),
        ({"user": PERSON, "subtype": "bot_message"}, frozenset({"B0PROFILE"}), True),
        ({"user": ""}, frozenset(), True),
    ],
    ids=[
        "a person",
        "allowed by its profile",
        "a profile that is not an object",
        "bot_message with no bot ID",
        "empty user",
    ],
)
def test_who_may_ask(event: dict[str, Any], allowed: frozenset[str], refused: bool):
    assert (refusal_of_author(event, allowed) is not None) is refused


def test_the_requester_is_the_user_when_there_is_one_else_the_bot():
    assert requester_of({"user": "U0BOTUSER", "bot_id": "B0ONE"}) == "U0BOTUSER"
    assert requester_of({"subtype": "bot_message", "bot_id": "B0ONE"}) == "B0ONE"
    assert requester_of({"bot_profile": {"id": "B0TWO"}}) == "B0TWO"
