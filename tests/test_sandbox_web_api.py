"""The sandbox's Web API, called the way the bot calls it (slack_sdk's AsyncWebClient):
Slack's response shapes for the ok answers, Slack's error codes for the rest."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from countersign.settings import SANDBOX_BOT_TOKEN
from sandbox.directory import BOT, CHANNEL, PEOPLE, display_name
from tests.fakes.recording_bot import RecordingBot
from tests.sandbox_run import RunningSandbox, serve_sandbox

RESPONSES = json.loads((Path(__file__).parent / "fixtures/slack/web_api_responses.json").read_text())
EXAMPLES = RESPONSES["openapi_examples"]
ADA, GRACE = PEOPLE[0].id, PEOPLE[1].id
# The spec's chat.postMessage example is a legacy bot message (attachments, subtype,
# username); a message posted with a bot token today has none of those.
LEGACY_MESSAGE_KEYS = {"attachments", "subtype", "username"}
MODAL = {
    "type": "modal",
    "callback_id": "reason",
    "title": {"type": "plain_text", "text": "Reject request"},
    "submit": {"type": "plain_text", "text": "Reject"},
    "blocks": [
        {
            "type": "input",
            "block_id": "why",
            "label": {"type": "plain_text", "text": "Why?"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        }
    ],
}


@pytest.fixture
async def sandbox() -> AsyncIterator[RunningSandbox]:
    bot = await RecordingBot().start()
    async with serve_sandbox(bot.url) as running:
        yield running
    await bot.stop()


@pytest.fixture
def slack(sandbox: RunningSandbox) -> AsyncWebClient:
    return AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=sandbox.api_url)


def assert_same_shape(example: Any, answer: Any, where: str = "") -> None:
    """Every key of Slack's example is in the answer, with a value of the same JSON type."""
    if isinstance(example, dict):
        assert isinstance(answer, dict), where
        for key, value in example.items():
            if key in LEGACY_MESSAGE_KEYS and where.endswith("message"):
                continue
            assert key in answer, f"{where}.{key} missing"
            assert_same_shape(value, answer[key], f"{where}.{key}")
    elif isinstance(example, list):
        assert isinstance(answer, list), where
        for item in answer:
            if example:
                assert_same_shape(example[0], item, f"{where}[]")
    elif example is not None:
        assert type(answer) is type(example), f"{where}: {answer!r} is not like {example!r}"


async def post_card(slack: AsyncWebClient, **changes: Any) -> dict[str, Any]:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Pay* ACME"}},
        {
            "type": "actions",
            "elements": [{"type": "button", "text": {"type": "plain_text", "text": "OK"}, "value": "v"}],
        },
    ]
    return (await slack.chat_postMessage(channel=CHANNEL.id, text="Pay ACME", blocks=blocks, **changes)).data


async def trigger_for(sandbox: RunningSandbox, user: str = GRACE) -> str:
    return sandbox.state.workspace.issue_trigger(user)


async def test_auth_test_answers_as_the_bot_with_slacks_shape(slack: AsyncWebClient):
    answer = (await slack.auth_test()).data
    assert_same_shape(RESPONSES["bolt_mock_server_auth_test"]["bot_token_response"], answer)
    assert_same_shape(EXAMPLES["auth.test"]["ok_example"], answer)
    assert (answer["user_id"], answer["bot_id"]) == (BOT.id, BOT.bot_id)


async def test_chat_methods_answer_with_slacks_shapes(slack: AsyncWebClient):
    posted = await post_card(slack)
    assert_same_shape(EXAMPLES["chat.postMessage"]["ok_example"], posted)
    assert set(posted) == set(EXAMPLES["chat.postMessage"]["ok_example"])
    assert posted["message"]["blocks"][1]["elements"][0]["action_id"], (
        "Slack gives every element an action_id"
    )

    updated = (await slack.chat_update(channel=CHANNEL.id, ts=posted["ts"], text="Paid")).data
    assert_same_shape(EXAMPLES["chat.update"]["ok_example"], updated)
    assert set(updated) == set(EXAMPLES["chat.update"]["ok_example"])
    assert updated["message"]["blocks"] == posted["message"]["blocks"], "blocks left out are kept"

    ephemeral = (await slack.chat_postEphemeral(channel=CHANNEL.id, user=ADA, text="only you")).data
    assert_same_shape(EXAMPLES["chat.postEphemeral"]["ok_example"], ephemeral)
    assert set(ephemeral) == set(EXAMPLES["chat.postEphemeral"]["ok_example"])

    link = (await slack.chat_getPermalink(channel=CHANNEL.id, message_ts=posted["ts"])).data
    assert_same_shape(EXAMPLES["chat.getPermalink"]["ok_example"], link)
    assert link["permalink"].endswith(f"/archives/{CHANNEL.id}/p{posted['ts'].replace('.', '')}")


async def test_a_permalink_opens_the_page_at_that_message(slack: AsyncWebClient):
    posted = await post_card(slack)
    link = (await slack.chat_getPermalink(channel=CHANNEL.id, message_ts=posted["ts"]))["permalink"]
    async with ClientSession() as http, http.get(link, allow_redirects=False) as response:
        assert response.status == 302
        assert response.headers["Location"] == f"/#m-{posted['ts']}"


async def test_views_open_answers_with_slacks_shape(slack: AsyncWebClient, sandbox: RunningSandbox):
    answer = (await slack.views_open(trigger_id=await trigger_for(sandbox), view=MODAL)).data
    assert_same_shape(EXAMPLES["views.open"]["ok_example"], answer)
    assert sandbox.state.workspace.modal_of(GRACE).view["id"] == answer["view"]["id"]


async def test_users_info_answers_for_every_person_with_slacks_shape(slack: AsyncWebClient):
    for person in (*PEOPLE, BOT):
        answer = (await slack.users_info(user=person.id)).data
        assert_same_shape(EXAMPLES["users.info"]["ok_example"], answer)
        assert (answer["user"]["real_name"], answer["user"]["is_bot"]) == (person.real_name, person.is_bot)
        # A bot names people as users.info does; the page draws their mentions the same.
        assert answer["user"]["profile"]["display_name"] == display_name(person.id)


async def test_a_wrong_or_missing_token_is_refused(sandbox: RunningSandbox):
    with pytest.raises(SlackApiError) as refused:
        await AsyncWebClient(token="xoxb-not-the-sandbox", base_url=sandbox.api_url).chat_postMessage(
            channel=CHANNEL.id, text="x"
        )
    assert refused.value.response.status_code == 200
    assert refused.value.response.data == RESPONSES["bolt_mock_server_auth_test"]["invalid_auth_response"]
    async with ClientSession() as http, http.post(sandbox.api_url + "auth.test") as response:
        assert await response.json() == {"ok": False, "error": "not_authed"}


async def test_the_token_may_come_in_a_form_body(sandbox: RunningSandbox):
    async with ClientSession() as http:
        form = {"token": SANDBOX_BOT_TOKEN, "channel": CHANNEL.id, "text": "hi"}
        async with http.post(sandbox.api_url + "chat.postMessage", data=form) as response:
            assert (await response.json())["ok"] is True


async def test_an_unknown_method_is_unknown_method(slack: AsyncWebClient):
    with pytest.raises(SlackApiError) as refused:
        await slack.api_call("chat.sparkle", json={"channel": CHANNEL.id})
    assert refused.value.response["error"] == "unknown_method"


async def test_invalid_blocks_are_refused_whole_as_slack_does(slack: AsyncWebClient, sandbox: RunningSandbox):
    over = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(SlackApiError) as refused:
        await slack.chat_postMessage(channel=CHANNEL.id, text="x", blocks=over)
    assert refused.value.response.status_code == 200
    assert refused.value.response["error"] == "invalid_blocks"
    assert refused.value.response["errors"] == [
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]
    with pytest.raises(SlackApiError) as unknown:
        await slack.chat_postEphemeral(channel=CHANNEL.id, user=ADA, text="x", blocks=[{"type": "fancy"}])
    assert unknown.value.response["error"] == "invalid_blocks"
    sparkle = [
        {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [{"type": "sparkle"}]}]}
    ]
    with pytest.raises(SlackApiError) as unknown_element:
        await slack.chat_postMessage(channel=CHANNEL.id, text="x", blocks=sparkle)
    assert unknown_element.value.response["error"] == "invalid_blocks"
    assert unknown_element.value.response["errors"] == [
        "unsupported element type here: 'sparkle' [json-pointer:/blocks/0/elements/0/elements/0/type]"
    ]
    assert sandbox.state.workspace.messages == {}, "a refused message is not posted"


async def test_blocks_as_a_json_string_in_a_form_are_read_and_checked(slack: AsyncWebClient):
    with pytest.raises(SlackApiError) as refused:
        await slack.api_call("chat.postMessage", data={"channel": CHANNEL.id, "blocks": "[not json"})
    assert refused.value.response["error"] == "invalid_blocks_format"
    blocks = json.dumps([{"type": "divider"}])
    posted = await slack.api_call("chat.postMessage", data={"channel": CHANNEL.id, "blocks": blocks})
    assert posted["message"]["blocks"][0]["type"] == "divider"


async def test_chat_errors(slack: AsyncWebClient, sandbox: RunningSandbox):
    async def error_of(call) -> str:
        with pytest.raises(SlackApiError) as refused:
            await call
        return refused.value.response["error"]

    assert await error_of(slack.chat_postMessage(channel="C0NOWHERE", text="x")) == "channel_not_found"
    assert await error_of(slack.api_call("chat.postMessage", json={"channel": CHANNEL.id})) == "no_text"
    assert (
        await error_of(slack.chat_update(channel=CHANNEL.id, ts="1.000001", text="x")) == "message_not_found"
    )
    theirs = sandbox.state.workspace.post(channel=CHANNEL.id, user=ADA, text="mine")
    assert (
        await error_of(slack.chat_update(channel=CHANNEL.id, ts=theirs.ts, text="x")) == "cant_update_message"
    )
    assert await error_of(slack.chat_postEphemeral(channel=CHANNEL.id, user="U0NOBODY", text="x")) == (
        "user_not_in_channel"
    )
    assert (
        await error_of(slack.chat_getPermalink(channel=CHANNEL.id, message_ts="1.000001"))
        == "message_not_found"
    )
    assert await error_of(slack.users_info(user="U0NOBODY")) == "user_not_found"
    assert (
        await error_of(slack.conversations_invite(channel=CHANNEL.id, users=[GRACE])) == "already_in_channel"
    )


async def test_a_thread_reply_goes_to_the_threads_root(slack: AsyncWebClient):
    root = await post_card(slack)
    reply = await slack.chat_postMessage(channel=CHANNEL.id, thread_ts=root["ts"], text="first")
    reply_to_reply = await slack.chat_postMessage(channel=CHANNEL.id, thread_ts=reply["ts"], text="second")
    assert reply_to_reply["message"]["thread_ts"] == root["ts"]


async def test_reactions_once_per_name(slack: AsyncWebClient, sandbox: RunningSandbox):
    mention = sandbox.state.workspace.post(channel=CHANNEL.id, user=ADA, text=f"<@{BOT.id}> pay")
    assert (await slack.reactions_add(channel=CHANNEL.id, timestamp=mention.ts, name="eyes"))["ok"]
    with pytest.raises(SlackApiError) as again:
        await slack.reactions_add(channel=CHANNEL.id, timestamp=mention.ts, name="eyes")
    assert again.value.response["error"] == "already_reacted"
    assert mention.reactions == {"eyes": [BOT.id]}


async def test_conversations_info(slack: AsyncWebClient):
    channel = (await slack.conversations_info(channel=CHANNEL.id))["channel"]
    assert (channel["id"], channel["name"], channel["is_member"]) == (CHANNEL.id, CHANNEL.name, True)


async def test_views_open_needs_a_trigger_id_that_was_issued_and_is_unused_and_fresh(
    slack: AsyncWebClient, sandbox: RunningSandbox
):
    async def error_of(trigger_id: str) -> str:
        with pytest.raises(SlackApiError) as refused:
            await slack.views_open(trigger_id=trigger_id, view=MODAL)
        return refused.value.response["error"]

    assert await error_of("12345.98765.abcdef") == "invalid_trigger_id"
    used = await trigger_for(sandbox)
    await slack.views_open(trigger_id=used, view=MODAL)
    assert await error_of(used) == "exchanged_trigger_id"
    stale = await trigger_for(sandbox)
    sandbox.state.workspace.triggers[stale].issued_at -= 31
    assert await error_of(stale) == "expired_trigger_id"


async def test_an_invalid_view_is_invalid_arguments_and_keeps_the_trigger(
    slack: AsyncWebClient, sandbox: RunningSandbox
):
    trigger_id = await trigger_for(sandbox)
    long_title = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError) as refused:
        await slack.views_open(trigger_id=trigger_id, view=long_title)
    assert refused.value.response["error"] == "invalid_arguments"
    assert refused.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert (await slack.views_open(trigger_id=trigger_id, view=MODAL))["ok"]


async def test_views_update_by_id_or_external_id_with_hash_checks(
    slack: AsyncWebClient, sandbox: RunningSandbox
):
    opened = (
        await slack.views_open(trigger_id=await trigger_for(sandbox), view={**MODAL, "external_id": "ext-1"})
    )["view"]
    renamed = {**MODAL, "title": {"type": "plain_text", "text": "Renamed"}}
    updated = (await slack.views_update(view_id=opened["id"], hash=opened["hash"], view=renamed))["view"]
    assert (updated["id"], updated["title"]["text"]) == (opened["id"], "Renamed")
    with pytest.raises(SlackApiError) as conflict:
        await slack.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
    assert conflict.value.response["error"] == "hash_conflict"
    assert (await slack.views_update(external_id="ext-1", view=MODAL))["view"]["id"] == opened["id"]
    with pytest.raises(SlackApiError) as missing:
        await slack.views_update(view_id="V0NOTHERE", view=MODAL)
    assert missing.value.response["error"] == "not_found"


async def test_views_push_stacks_on_the_open_modal(slack: AsyncWebClient, sandbox: RunningSandbox):
    opened = (await slack.views_open(trigger_id=await trigger_for(sandbox), view=MODAL))["view"]
    pushed = (await slack.views_push(trigger_id=await trigger_for(sandbox), view=MODAL))["view"]
    assert (pushed["previous_view_id"], pushed["root_view_id"]) == (opened["id"], opened["id"])
    assert len(sandbox.state.workspace.modals[GRACE]) == 2
