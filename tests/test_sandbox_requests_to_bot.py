"""What the sandbox sends the bot is what Slack sends: the same keys as Slack's real
payloads (tests/fixtures/slack/), the same encodings, signed so Bolt's verifier accepts it."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from aiohttp import ClientSession, web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from countersign.settings import SANDBOX_BOT_TOKEN, SANDBOX_SIGNING_SECRET
from sandbox.directory import BOT, CHANNEL, PEOPLE
from tests.fakes.recording_bot import ReceivedRequest, RecordingBot, form_payload
from tests.sandbox_run import Person, RunningSandbox, serve_sandbox

FIXTURES = Path(__file__).parent / "fixtures/slack"
ADA, GRACE, ALAN = PEOPLE
VERIFIER = SignatureVerifier(SANDBOX_SIGNING_SECRET)


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


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


@pytest.fixture
def slack(sandbox: RunningSandbox) -> AsyncWebClient:
    return AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=sandbox.api_url)


def assert_signed_like_slack(request: ReceivedRequest) -> None:
    assert VERIFIER.is_valid_request(request.body, request.headers)
    assert request.headers["X-Slack-Signature"].startswith("v0=")


async def card_with_button(slack: AsyncWebClient, thread_ts: str | None = None) -> dict:
    button = {
        "type": "button",
        "action_id": "approve",
        "text": {"type": "plain_text", "text": "Approve"},
        "value": "w-1",
    }
    blocks = [{"type": "actions", "block_id": "decide", "elements": [button]}]
    return (
        await slack.chat_postMessage(channel=CHANNEL.id, text="card", blocks=blocks, thread_ts=thread_ts)
    ).data


async def test_a_mention_is_an_app_mention_event_callback_like_slacks(sandbox, bot: RecordingBot, http):
    await Person(sandbox, ADA.id, http).types("@Countersign pay invoice 4411 to ACME & co <now>")

    request = await bot.wait_for_request()
    assert_signed_like_slack(request)
    assert request.content_type == "application/json"
    envelope = json.loads(request.body)
    modern, http_mode = fixture("app_mention_event.json"), fixture("app_mention_event_http.json")
    assert set(modern) <= set(envelope) <= set(modern) | set(http_mode)
    assert set(modern["event"]) | {"client_msg_id"} == set(envelope["event"])
    assert set(envelope["authorizations"][0]) == set(modern["authorizations"][0])
    event = envelope["event"]
    assert event["text"] == f"<@{BOT.id}> pay invoice 4411 to ACME &amp; co &lt;now&gt;"
    assert (event["user"], event["channel"], event["ts"]) == (ADA.id, CHANNEL.id, event["event_ts"])
    assert envelope["authorizations"][0]["user_id"] == BOT.id
    section = event["blocks"][0]["elements"][0]["elements"]
    assert section[0] == {"type": "user", "user_id": BOT.id}
    assert section[1] == {"type": "text", "text": " pay invoice 4411 to ACME & co <now>"}


async def test_broadcasts_are_sent_as_slack_sends_them(sandbox, bot: RecordingBot, http):
    await Person(sandbox, ADA.id, http).types("@Countersign tell @channel, @here and @Everyone: paid")

    event = json.loads((await bot.wait_for_request()).body)["event"]
    assert event["text"] == f"<@{BOT.id}> tell <!channel>, <!here> and <!everyone>: paid"
    assert event["blocks"][0]["elements"][0]["elements"] == [
        {"type": "user", "user_id": BOT.id},
        {"type": "text", "text": " tell "},
        {"type": "broadcast", "range": "channel"},
        {"type": "text", "text": ", "},
        {"type": "broadcast", "range": "here"},
        {"type": "text", "text": " and "},
        {"type": "broadcast", "range": "everyone"},
        {"type": "text", "text": ": paid"},
    ]


async def test_a_name_with_a_space_is_one_mention_of_that_person(sandbox, bot: RecordingBot, http):
    await Person(sandbox, ADA.id, http).types("@Countersign ask @Grace Hopper, then @alan")

    event = json.loads((await bot.wait_for_request()).body)["event"]
    assert event["text"] == f"<@{BOT.id}> ask <@{GRACE.id}>, then <@{ALAN.id}>"
    assert event["blocks"][0]["elements"][0]["elements"] == [
        {"type": "user", "user_id": BOT.id},
        {"type": "text", "text": " ask "},
        {"type": "user", "user_id": GRACE.id},
        {"type": "text", "text": ", then "},
        {"type": "user", "user_id": ALAN.id},
    ]


async def test_an_at_sign_inside_a_word_or_before_an_unknown_name_stays_text(sandbox, http):
    await Person(sandbox, ADA.id, http).types("mail ada@here.com, @gracehopper or @nobody")
    (message,) = sandbox.state.workspace.messages.values()
    assert message.text == "mail ada@here.com, @gracehopper or @nobody"


async def test_a_mention_in_a_thread_carries_the_threads_ts(sandbox, bot: RecordingBot, http):
    root = sandbox.state.workspace.post(channel=CHANNEL.id, user=GRACE.id, text="lunch?")
    await Person(sandbox, ADA.id, http).types("@countersign approve lunch", thread_ts=root.ts)
    event = json.loads((await bot.wait_for_request()).body)["event"]
    assert event["thread_ts"] == root.ts


async def test_a_message_without_a_mention_is_not_sent(sandbox, bot: RecordingBot, http):
    await Person(sandbox, ADA.id, http).types("just chatting, @grace")
    (message,) = sandbox.state.workspace.messages.values()
    assert message.text == f"just chatting, <@{GRACE.id}>"
    assert bot.requests == []


async def test_a_failed_event_is_delivered_again_with_retry_headers(sandbox, bot: RecordingBot, http):
    async def fail_once(request: ReceivedRequest) -> web.Response:
        return web.Response(status=500 if len(bot.requests) == 1 else 200)

    bot.answer = fail_once
    await Person(sandbox, ADA.id, http).types("@Countersign pay")
    first, retry = await bot.wait_for_request(1), await bot.wait_for_request(2)
    assert "X-Slack-Retry-Num" not in first.headers
    assert (retry.headers["X-Slack-Retry-Num"], retry.headers["X-Slack-Retry-Reason"]) == ("1", "http_error")
    assert json.loads(retry.body)["event_id"] == json.loads(first.body)["event_id"]


async def test_a_click_is_a_block_actions_payload_like_slacks(sandbox, bot: RecordingBot, http, slack):
    mention = sandbox.state.workspace.post(channel=CHANNEL.id, user=ADA.id, text="pay")
    card = await card_with_button(slack, thread_ts=mention.ts)
    await Person(sandbox, GRACE.id, http).clicks(card["ts"], "decide", "approve")

    request = await bot.wait_for_request()
    assert_signed_like_slack(request)
    assert request.content_type == "application/x-www-form-urlencoded"
    assert list(dict(parse_qsl(request.body))) == ["payload"]
    payload = form_payload(request)
    # Slack also sends the deprecated verification `token`, which Bolt's fixture left out.
    assert set(payload) == set(fixture("block_actions_payload.json")) | {"token"}
    assert payload["user"]["id"] == GRACE.id
    assert payload["container"] == {
        "type": "message",
        "message_ts": card["ts"],
        "channel_id": CHANNEL.id,
        "is_ephemeral": False,
        "thread_ts": mention.ts,
    }
    assert payload["message"]["ts"] == card["ts"] and payload["message"]["thread_ts"] == mention.ts
    (action,) = payload["actions"]
    assert set(fixture("block_actions_payload.json")["actions"][0]) == set(action)
    assert (action["action_id"], action["block_id"], action["value"]) == ("approve", "decide", "w-1")
    assert payload["trigger_id"] in sandbox.state.workspace.triggers
    assert payload["response_url"].startswith(sandbox.url + "/hooks/actions/")


async def test_a_click_on_an_ephemeral_message_has_no_message(sandbox, bot: RecordingBot, http):
    button = {"type": "button", "action_id": "next", "text": {"type": "plain_text", "text": "Next"}}
    listing = sandbox.state.workspace.post(
        channel=CHANNEL.id,
        user=BOT.id,
        text="list",
        blocks=[{"type": "actions", "block_id": "page", "elements": [button]}],
        visible_to=GRACE.id,
    )
    assert (await Person(sandbox, ADA.id, http).clicks(listing.ts, "page", "next"))["ok"] is False, (
        "not Ada's"
    )
    await Person(sandbox, GRACE.id, http).clicks(listing.ts, "page", "next")
    payload = form_payload(await bot.wait_for_request())
    assert "message" not in payload
    assert payload["container"]["is_ephemeral"] is True
    assert payload["channel"] == {"id": CHANNEL.id, "name": CHANNEL.name}


async def test_a_submit_is_a_view_submission_payload_like_slacks(sandbox, bot: RecordingBot, http, slack):
    view = {
        "type": "modal",
        "callback_id": "reject_reason",
        "private_metadata": '{"workflow_id": "w-1"}',
        "title": {"type": "plain_text", "text": "Reject request"},
        "submit": {"type": "plain_text", "text": "Reject"},
        "blocks": [
            {
                "type": "input",
                "block_id": "why",
                "optional": True,
                "label": {"type": "plain_text", "text": "Why?"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            },
            {
                "type": "input",
                "block_id": "note",
                "optional": True,
                "label": {"type": "plain_text", "text": "Note"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            },
        ],
    }
    opened = (await slack.views_open(trigger_id=sandbox.state.workspace.issue_trigger(GRACE.id), view=view))[
        "view"
    ]
    await Person(sandbox, GRACE.id, http).submits(
        opened["id"], {"why": {"text": "Duplicate"}, "note": {"text": ""}}
    )

    request = await bot.wait_for_request()
    assert_signed_like_slack(request)
    payload = form_payload(request)
    fixture_payload = fixture("view_submission_payload.json")
    assert (
        set(fixture_payload) <= set(payload) <= set(fixture_payload) | {"enterprise", "is_enterprise_install"}
    )
    assert set(fixture_payload["view"]) <= set(payload["view"])
    assert payload["view"]["callback_id"] == "reject_reason"
    assert payload["view"]["private_metadata"] == '{"workflow_id": "w-1"}'
    assert payload["view"]["state"]["values"] == {
        "why": {"text": {"type": "plain_text_input", "value": "Duplicate"}},
        "note": {"text": {"type": "plain_text_input", "value": None}},
    }
    assert payload["user"]["id"] == GRACE.id


async def test_a_slash_command_is_a_form_like_slacks(sandbox, bot: RecordingBot, http):
    await Person(sandbox, GRACE.id, http).types("/approvals mine")

    request = await bot.wait_for_request()
    assert_signed_like_slack(request)
    assert request.content_type == "application/x-www-form-urlencoded"
    form = dict(parse_qsl(request.body, keep_blank_values=True))
    slack_form = dict(parse_qsl((FIXTURES / "slash_command_body.txt").read_text(), keep_blank_values=True))
    # The fixture's workspace is on Enterprise Grid; Slack sends enterprise_* only then.
    assert set(slack_form) - {"enterprise_id", "enterprise_name"} <= set(form)
    assert set(form) - set(slack_form) <= {"api_app_id", "is_enterprise_install"}
    assert (form["command"], form["text"], form["user_id"], form["channel_id"]) == (
        "/approvals",
        "mine",
        GRACE.id,
        CHANNEL.id,
    )
    assert form["response_url"].startswith(sandbox.url + "/hooks/commands/")
    assert form["trigger_id"] in sandbox.state.workspace.triggers


async def test_an_unknown_command_is_answered_by_slackbot_and_not_sent(sandbox, bot: RecordingBot, http):
    await Person(sandbox, GRACE.id, http).types("/sparkle now")
    (notice,) = sandbox.state.workspace.messages.values()
    assert notice.visible_to == GRACE.id and "`/sparkle` is not a valid command" in notice.text
    assert bot.requests == []
