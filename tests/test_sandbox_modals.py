"""A modal's Submit follows the bot's answer as Slack does: errors under the fields
(what was typed kept), update, push, clear, close; required fields checked first."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession, web
from slack_sdk.web.async_client import AsyncWebClient

from countersign.settings import SANDBOX_BOT_TOKEN
from sandbox.directory import PEOPLE
from sandbox.modals import TROUBLE
from sandbox.views import REQUIRED_FIELD
from tests.fakes.recording_bot import ReceivedRequest, RecordingBot, form_payload
from tests.sandbox_run import Person, RunningSandbox, serve_sandbox

GRACE = PEOPLE[1]


def reason_modal(*, optional: bool = True, title: str = "Reject request", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "reject_reason",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Reject"},
        "blocks": [
            {
                "type": "input",
                "block_id": "why",
                "optional": optional,
                "label": {"type": "plain_text", "text": "Why?"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            }
        ],
        **extra,
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
async def grace(sandbox: RunningSandbox) -> AsyncIterator[Person]:
    async with ClientSession() as http:
        yield Person(sandbox, GRACE.id, http)


async def open_modal(sandbox: RunningSandbox, view: dict[str, Any]) -> str:
    slack = AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=sandbox.api_url)
    trigger_id = sandbox.state.workspace.issue_trigger(GRACE.id)
    return (await slack.views_open(trigger_id=trigger_id, view=view))["view"]["id"]


def answering(answer: dict[str, Any] | None, status: int = 200):
    async def respond(_: ReceivedRequest) -> web.Response:
        return web.Response(
            status=status, text=json.dumps(answer) if answer else "", content_type="application/json"
        )

    return respond


def shown(sandbox: RunningSandbox):
    return sandbox.state.workspace.modal_of(GRACE.id)


async def test_response_action_errors_shows_them_under_the_field_and_keeps_the_typing(sandbox, bot, grace):
    view_id = await open_modal(sandbox, reason_modal())
    bot.answer = answering({"response_action": "errors", "errors": {"why": "Say why, please."}})
    await grace.submits(view_id, {"why": {"text": "  "}})
    assert shown(sandbox).form.errors == {"why": "Say why, please."}
    assert shown(sandbox).form.values == {"why": {"text": "  "}}
    assert form_payload(bot.requests[0])["view"]["state"]["values"]["why"]["text"]["value"] == "  "

    bot.answer = answering(None)
    await grace.submits(view_id, {"why": {"text": "Duplicate invoice"}})
    assert shown(sandbox) is None, "an empty 200 closes the modal"


async def test_a_required_field_left_empty_is_refused_without_asking_the_bot(sandbox, bot, grace):
    view_id = await open_modal(sandbox, reason_modal(optional=False))
    await grace.submits(view_id, {"why": {"text": ""}})
    assert shown(sandbox).form.errors == {"why": REQUIRED_FIELD}
    assert bot.requests == []


async def test_response_action_update_replaces_the_view_in_place(sandbox, bot, grace):
    view_id = await open_modal(sandbox, reason_modal())
    bot.answer = answering({"response_action": "update", "view": reason_modal(title="Rejected")})
    await grace.submits(view_id, {"why": {"text": "no"}})
    assert (shown(sandbox).view["id"], shown(sandbox).view["title"]["text"]) == (view_id, "Rejected")


async def test_response_action_push_then_clear(sandbox, bot, grace):
    view_id = await open_modal(sandbox, reason_modal())
    bot.answer = answering({"response_action": "push", "view": reason_modal(title="Are you sure?")})
    await grace.submits(view_id, {"why": {"text": "no"}})
    stack = sandbox.state.workspace.modals[GRACE.id]
    assert [v.view["title"]["text"] for v in stack] == ["Reject request", "Are you sure?"]
    bot.answer = answering({"response_action": "clear"})
    await grace.submits(stack[-1].view["id"], {"why": {"text": "yes"}})
    assert shown(sandbox) is None


async def test_a_bot_that_fails_leaves_the_modal_open_with_slacks_notice(sandbox, bot, grace):
    view_id = await open_modal(sandbox, reason_modal())
    bot.answer = answering({"error": "unhandled request"}, status=404)
    await grace.submits(view_id, {"why": {"text": "no"}})
    assert shown(sandbox).notice == TROUBLE
    bot.answer = answering({"response_action": "errors", "errors": {"not_a_block": "x"}})
    await grace.submits(view_id, {"why": {"text": "no"}})
    assert shown(sandbox).notice == TROUBLE


async def test_closing_tells_the_bot_only_when_asked_to(sandbox, bot, grace):
    view_id = await open_modal(sandbox, reason_modal())
    await grace.closes(view_id)
    assert shown(sandbox) is None and bot.requests == []
    view_id = await open_modal(sandbox, reason_modal(notify_on_close=True))
    await grace.closes(view_id)
    assert form_payload(await bot.wait_for_request())["type"] == "view_closed"


async def test_submitting_a_modal_that_is_not_open_is_refused(sandbox, grace):
    assert (await grace.submits("V0NOTOPEN", {}))["ok"] is False
