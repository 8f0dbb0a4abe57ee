"""The sandbox's page in Chromium, against a tiny real Bolt app: Block Kit drawn, confirm
dialogs, modal field errors, ephemeral messages seen only by their person, live updates."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from playwright.async_api import expect
from slack_sdk.web.async_client import AsyncWebClient

from blocks.approval_card import build_approval_card
from countersign.settings import SANDBOX_BOT_TOKEN
from domain.models import Approval, ApprovalRequest
from sandbox.directory import PEOPLE
from sandbox.views import REQUIRED_FIELD
from tests.browser.conftest import OpenPage
from tests.browser.tiny_bolt_bot import DATE_FALLBACK, REASON_MODAL, REASON_REQUIRED, tiny_bolt_bot
from tests.fakes.recording_bot import RecordingBot, form_payload
from tests.sandbox_run import RunningSandbox, loopback_socket, port_of, serve_sandbox

ADA, GRACE = PEOPLE[0].id, PEOPLE[1].id
HOSTILE = '<img src=x onerror="window.pwned=1"> *bold* <@U02GRACEHO> <!channel> :x: &amp;'


@pytest.fixture
async def bot_and_sandbox() -> AsyncIterator[tuple[RecordingBot, RunningSandbox]]:
    sandbox_socket = loopback_socket()
    bot = await RecordingBot(tiny_bolt_bot(f"http://127.0.0.1:{port_of(sandbox_socket)}/api/")).start()
    async with serve_sandbox(bot.url, sock=sandbox_socket) as sandbox:
        yield bot, sandbox
    await bot.stop()


@pytest.fixture
def sandbox(bot_and_sandbox) -> RunningSandbox:
    return bot_and_sandbox[1]


@pytest.fixture
def bot(bot_and_sandbox) -> RecordingBot:
    return bot_and_sandbox[0]


async def test_what_a_person_types_shows_names_once_and_broadcasts_highlighted(sandbox, open_page: OpenPage):
    ada = await open_page(sandbox.url, ADA)
    await ada.say("ask @Grace Hopper, then tell @channel")

    typed = ada.message("ask")
    await expect(typed.locator(".content")).to_have_text("ask @Grace Hopper, then tell @channel")
    await expect(typed.locator(".mention:not(.broadcast)")).to_have_text("@Grace Hopper")
    await expect(typed.locator(".mention.broadcast")).to_have_text("@channel")


async def test_block_kit_is_drawn_with_mrkdwn_mentions_dates_links_and_placeholders(
    sandbox, open_page: OpenPage
):
    ada = await open_page(sandbox.url, ADA)
    await ada.say("@Countersign show the card")

    card = ada.message("Approval needed: wire transfer")
    await expect(card).to_be_visible()
    await expect(card.locator(".block.header")).to_have_text("Approval needed: wire transfer")
    await expect(card.locator("strong", has_text="Pay")).to_be_visible()
    await expect(card.locator("code")).to_have_text("INV-4411")
    await expect(card.locator(".mention")).to_have_text("@Ada Lovelace")
    await expect(card.get_by_role("link", name="Open the invoice")).to_have_attribute(
        "href", "https://example.com/invoices/4411"
    )
    # The page formats the date in the reader's zone: {date_num} → YYYY-MM-DD, not the fallback.
    await expect(card.locator("time.slack-date")).to_have_text(re.compile(r"^2023-11-1[45]$"))
    assert DATE_FALLBACK not in await card.inner_text()
    await expect(card.locator(".field")).to_contain_text("Amount")
    await expect(card.locator("hr.divider")).to_have_count(1)
    await expect(card.locator(".block.context")).to_have_text("Asked just now")
    await expect(card.get_by_role("button", name="Approve")).to_have_class("bk-button primary")
    await expect(card.get_by_role("button", name="Reject")).to_have_class("bk-button danger")
    await expect(card.locator(".placeholder")).to_have_text(
        "[static_select element: not shown in the sandbox]"
    )
    await expect(ada.message("show the card").locator(".mention")).to_have_text("@Countersign")


async def test_a_confirm_dialog_comes_before_the_click_is_sent(
    sandbox, bot: RecordingBot, open_page: OpenPage
):
    grace = await open_page(sandbox.url, GRACE)
    await grace.say("@Countersign show the card")
    card = grace.message("Approval needed: wire transfer")
    await expect(card).to_be_visible()
    requests_before = len(bot.requests)

    await grace.press(card, "Reject")
    await expect(grace.confirm_dialog).to_be_visible()
    await expect(grace.confirm_dialog).to_contain_text("Reject this transfer?")
    await expect(grace.confirm_dialog.locator("strong")).to_have_text("who")
    await grace.press(grace.confirm_dialog, "Keep it")
    await expect(grace.confirm_dialog).to_be_hidden()
    assert len(bot.requests) == requests_before, "a denied confirm sends nothing"

    await grace.press(card, "Reject")
    await grace.press(grace.confirm_dialog, "Yes, reject")
    await expect(grace.modal).to_be_visible()
    assert form_payload(bot.requests[-1])["actions"][0]["action_id"] == "reject"


async def test_the_modal_shows_the_bots_field_error_and_closes_once_a_reason_is_given(
    sandbox, open_page: OpenPage
):
    grace = await open_page(sandbox.url, GRACE)
    await grace.say("@Countersign show the card")
    card = grace.message("Approval needed: wire transfer")
    await grace.press(card, "Reject")
    await grace.press(grace.confirm_dialog, "Yes, reject")
    await expect(grace.modal.locator(".modal-title")).to_have_text("Reject transfer")
    await expect(grace.modal.locator(".optional")).to_have_text("(optional)")

    await grace.press(grace.modal, "Reject")
    error = grace.modal.locator('.block.input[data-block-id="why"] .input-error')
    await expect(error).to_have_text(REASON_REQUIRED)
    await expect(grace.modal).to_be_visible()

    await grace.modal.get_by_label("text").fill("Duplicate of INV-4410")
    await grace.press(grace.modal, "Reject")
    await expect(grace.modal).to_be_hidden()
    await expect(grace.message("Rejected by @Grace Hopper: Duplicate of INV-4410")).to_be_visible()


async def test_a_required_field_is_checked_by_the_page_before_the_bot_hears_of_it(
    sandbox, bot: RecordingBot, open_page: OpenPage
):
    grace = await open_page(sandbox.url, GRACE)
    # As the bot would after a click: a modal whose only field Slack's client must require.
    trigger_id = sandbox.state.workspace.issue_trigger(GRACE)
    required = {**REASON_MODAL, "blocks": [{**REASON_MODAL["blocks"][0], "optional": False}]}
    await AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=sandbox.api_url).views_open(
        trigger_id=trigger_id, view=required
    )
    await expect(grace.modal).to_be_visible()
    requests_before = len(bot.requests)
    await grace.press(grace.modal, "Reject")
    await expect(grace.modal.locator(".input-error")).to_have_text(REQUIRED_FIELD)
    assert len(bot.requests) == requests_before


async def test_an_ephemeral_message_is_seen_only_by_its_person_and_others_update_live(
    sandbox, open_page: OpenPage
):
    ada = await open_page(sandbox.url, ADA)
    grace = await open_page(sandbox.url, GRACE)

    await ada.say("@Countersign tell me a secret")
    await expect(ada.ephemeral("Only you can see this")).to_be_visible()
    await expect(ada.ephemeral("Only you can see this")).to_contain_text("Only visible to you")
    # Grace's page got Ada's message live, without a reload, but not the whisper.
    await expect(grace.message("tell me a secret")).to_be_visible()
    await expect(grace.page.get_by_text("Only you can see this")).to_have_count(0)

    await ada.act_as(GRACE)
    await expect(ada.message("tell me a secret")).to_be_visible()
    await expect(ada.page.get_by_text("Only you can see this")).to_have_count(0)
    await ada.act_as(ADA)
    await expect(ada.ephemeral("Only you can see this")).to_be_visible()


async def test_a_reply_in_a_thread_is_shown_under_its_message(sandbox, open_page: OpenPage):
    grace = await open_page(sandbox.url, GRACE)
    await grace.say("Lunch at noon?")
    asked = grace.message("Lunch at noon?")
    await asked.hover()
    await asked.get_by_role("button", name="Reply in thread").click()
    await expect(grace.page.locator("#thread-target")).to_be_visible()
    await grace.say("Count me in")

    thread = grace.page.locator(".message", has=asked).locator(".thread")
    await expect(thread.locator(".message-main")).to_have_text(re.compile("Count me in"))
    (reply,) = [m for m in sandbox.state.workspace.messages.values() if m.text == "Count me in"]
    (question,) = [m for m in sandbox.state.workspace.messages.values() if m.text == "Lunch at noon?"]
    assert reply.thread_ts == question.ts


async def test_a_rich_text_card_shows_a_hostile_value_exactly_as_written(sandbox, open_page: OpenPage):
    ada = await open_page(sandbox.url, ADA)
    request = ApprovalRequest(
        action="wire_transfer",
        summary="pay ACME today",
        parameters={"memo": f"{HOSTILE}\n  second line"},
        requester=ADA,
        channel="C0PAYMENTS",
    )
    card = Approval(
        workflow_id="approval-hostile",
        request=request,
        fingerprint="f00d",
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    message = build_approval_card(card)
    # Beside the bot's own card, the parts it does not use yet, each as Slack draws it.
    message["blocks"].insert(
        1,
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_list",
                    "style": "ordered",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [
                                {"type": "user", "user_id": GRACE},
                                {"type": "text", "text": " checks "},
                                {"type": "link", "url": "javascript:window.pwned=1", "text": "this link"},
                            ],
                        },
                        {
                            "type": "rich_text_section",
                            "elements": [
                                {"type": "broadcast", "range": "here"},
                                {"type": "text", "text": " by "},
                                {
                                    "type": "date",
                                    "timestamp": 1700000000,
                                    "format": "{date_num}",
                                    "fallback": "soon",
                                },
                            ],
                        },
                    ],
                }
            ],
        },
    )
    await AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=sandbox.api_url).chat_postMessage(
        channel="C0PAYMENTS", **message
    )

    shown = ada.message("Approval needed: Wire transfer")
    await expect(shown.locator(".block.header")).to_have_text("Approval needed: Wire transfer")
    await expect(shown.locator(".rt-quote")).to_have_text("pay ACME today")
    value = shown.locator("pre.rt-pre")
    # Every character as typed, the line break kept (after the card's ↵ marker), nothing live.
    assert await value.inner_text() == f"{HOSTILE}↵\n  second line"
    await expect(value.locator("img, strong, .mention, a")).to_have_count(0)
    assert await ada.page.evaluate("window.pwned") is None
    items = shown.locator("ol.rt-list > li")
    await expect(items).to_have_count(2)
    await expect(items.nth(0).locator(".mention")).to_have_text("@Grace Hopper")
    await expect(items.nth(0)).to_contain_text("this link")
    await expect(items.nth(0).get_by_role("link")).to_have_count(0)
    await expect(items.nth(1).locator(".mention.broadcast")).to_have_text("@here")
    await expect(items.nth(1).locator("time.slack-date")).to_have_text(re.compile(r"^2023-11-1[45]$"))
    await expect(shown.locator(".placeholder")).to_have_count(0)
    await expect(shown.get_by_role("button", name="Approve", exact=True)).to_be_visible()
