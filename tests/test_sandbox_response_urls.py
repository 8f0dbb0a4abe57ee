"""The bot's answers that are not Web API calls: a slash command's ack body, and posts
to the response_urls the sandbox handed out (ephemeral, in_channel, replace, delete)."""

import json
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import pytest
from aiohttp import ClientSession, web
from slack_sdk.webhook.async_client import AsyncWebhookClient

from sandbox.directory import BOT, CHANNEL, PEOPLE, SLACKBOT_ID
from sandbox.messages import Message
from tests.fakes.recording_bot import ReceivedRequest, RecordingBot, form_payload
from tests.sandbox_run import Person, RunningSandbox, serve_sandbox

ADA, GRACE = PEOPLE[0], PEOPLE[1]
NEXT_BUTTON = {
    "type": "actions",
    "block_id": "page",
    "elements": [{"type": "button", "action_id": "next", "text": {"type": "plain_text", "text": "Next"}}],
}


@pytest.fixture
async def bot() -> AsyncIterator[RecordingBot]:
    recording = await RecordingBot().start()
    yield recording
    await recording.stop()


@pytest.fixture
async def sandbox(bot: RecordingBot) -> AsyncIterator[RunningSandbox]:
    async with serve_sandbox(bot.url) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[ClientSession]:
    async with ClientSession() as session:
        yield session


def answering(body: str, content_type: str = "application/json"):
    async def answer(_: ReceivedRequest) -> web.Response:
        return web.Response(text=body, content_type=content_type)

    return answer


def messages(sandbox: RunningSandbox) -> list[Message]:
    return list(sandbox.state.workspace.messages.values())


async def command_response_url(sandbox: RunningSandbox, bot: RecordingBot, http: ClientSession) -> str:
    await Person(sandbox, GRACE.id, http).types("/approvals")
    return dict(parse_qsl((await bot.wait_for_request()).body))["response_url"]


async def test_an_ack_with_text_is_an_ephemeral_reply(sandbox, bot, http):
    bot.answer = answering("Nothing is waiting for you.", "text/plain")
    await Person(sandbox, GRACE.id, http).types("/approvals")
    (reply,) = messages(sandbox)
    assert (reply.user, reply.text, reply.visible_to) == (BOT.id, "Nothing is waiting for you.", GRACE.id)


async def test_an_ack_with_in_channel_json_is_seen_by_everyone(sandbox, bot, http):
    bot.answer = answering(json.dumps({"response_type": "in_channel", "text": "Three approvals are waiting"}))
    await Person(sandbox, GRACE.id, http).types("/approvals all")
    (reply,) = messages(sandbox)
    assert reply.visible_to is None and reply.text == "Three approvals are waiting"


async def test_a_failed_command_is_told_by_slackbot(sandbox, bot, http):
    async def not_found(_: ReceivedRequest) -> web.Response:
        return web.json_response({"error": "unhandled request"}, status=404)

    bot.answer = not_found
    await Person(sandbox, GRACE.id, http).types("/approvals")
    (notice,) = messages(sandbox)
    assert (notice.user, notice.visible_to) == (SLACKBOT_ID, GRACE.id)
    assert notice.text == '/approvals failed with the error "dispatch_failed"'


async def test_a_command_response_url_posts_ephemeral_replies_and_replaces_its_own(sandbox, bot, http):
    url = await command_response_url(sandbox, bot, http)
    hook = AsyncWebhookClient(url)
    first = await hook.send(text="Page 1", blocks=[NEXT_BUTTON])
    assert (first.status_code, json.loads(first.body)) == (200, {"ok": True})
    (listing,) = messages(sandbox)
    assert (listing.text, listing.visible_to) == ("Page 1", GRACE.id)
    await hook.send(text="Page 2", replace_original=True)
    assert [(m.ts, m.text) for m in messages(sandbox)] == [(listing.ts, "Page 2")]


async def test_a_click_response_url_replaces_or_deletes_the_clicked_message(sandbox, bot, http):
    listing = sandbox.state.workspace.post(
        channel=CHANNEL.id, user=BOT.id, text="Page 1", blocks=[NEXT_BUTTON], visible_to=GRACE.id
    )
    await Person(sandbox, GRACE.id, http).clicks(listing.ts, "page", "next")
    hook = AsyncWebhookClient(form_payload(await bot.wait_for_request())["response_url"])

    await hook.send(text="Page 2", blocks=[NEXT_BUTTON], replace_original=True)
    assert [(m.ts, m.text, m.visible_to) for m in messages(sandbox)] == [(listing.ts, "Page 2", GRACE.id)]
    await hook.send(text="Approved from the list")
    assert [m.visible_to for m in messages(sandbox)] == [GRACE.id, GRACE.id], "a new ephemeral reply"
    await hook.send(delete_original=True)
    assert listing.ts not in sandbox.state.workspace.messages


async def test_a_response_url_works_five_times(sandbox, bot, http):
    hook = AsyncWebhookClient(await command_response_url(sandbox, bot, http))
    for n in range(5):
        assert (await hook.send(text=f"reply {n}")).status_code == 200
    sixth = await hook.send(text="one too many")
    assert (sixth.status_code, json.loads(sixth.body)) == (404, {"ok": False, "error": "used_url"})


async def test_a_response_url_refuses_what_slack_refuses(sandbox, bot, http):
    hook = AsyncWebhookClient(await command_response_url(sandbox, bot, http))
    refused = await hook.send(text="x", blocks=[{"type": "fancy"}])
    assert (refused.status_code, json.loads(refused.body)["error"]) == (400, "invalid_blocks")
    assert json.loads((await hook.send(text="")).body)["error"] == "no_text"
    unknown = await AsyncWebhookClient(sandbox.url + "/hooks/commands/T0/1/nope").send(text="x")
    assert unknown.status_code == 404
    assert messages(sandbox) == []
