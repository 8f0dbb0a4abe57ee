"""A modal with a number_input and select menus in Chromium: drawn with their initial
values, the client's own refusals shown under the inputs without a request to the bot,
and what the person typed and chose sent in Slack's shape, kept across the bot's errors."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import expect
from slack_sdk.web.async_client import AsyncWebClient

from countersign.settings import SANDBOX_BOT_TOKEN
from sandbox.directory import PEOPLE
from sandbox.inputs import NOT_A_WHOLE_NUMBER
from sandbox.views import REQUIRED_FIELD
from tests.browser.conftest import OpenPage
from tests.fakes.recording_bot import ReceivedRequest, RecordingBot, form_payload
from tests.sandbox.modal_inputs import payment_modal
from tests.sandbox_run import RunningSandbox, serve_sandbox

GRACE = PEOPLE[1].id


@pytest.fixture
async def bot() -> AsyncIterator[RecordingBot]:
    recording = await RecordingBot().start()
    yield recording
    await recording.stop()


@pytest.fixture
async def sandbox(bot: RecordingBot) -> AsyncIterator[RunningSandbox]:
    async with serve_sandbox(bot.url) as running:
        yield running


def answering(answer: dict[str, Any] | None):
    async def respond(_: ReceivedRequest) -> web.Response:
        return web.json_response(answer) if answer else web.Response(status=200)

    return respond


async def test_a_person_fills_in_a_number_and_selects_as_in_slack(
    sandbox: RunningSandbox, bot: RecordingBot, open_page: OpenPage
):
    grace = await open_page(sandbox.url, GRACE)
    # As the bot would after a click: ask how much, in what currency, for which cost center.
    trigger_id = sandbox.state.workspace.issue_trigger(GRACE)
    await AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=sandbox.api_url).views_open(
        trigger_id=trigger_id, view=payment_modal()
    )
    modal = grace.modal
    amount, currency, center = (
        modal.get_by_label(name, exact=True) for name in ("amount_value", "currency_choice", "center_choice")
    )
    await expect(amount).to_have_value("4500")
    await expect(amount).to_have_attribute("placeholder", "How much?")
    await expect(currency).to_have_value("USD")
    await expect(center.locator("option:checked")).to_have_text("Pick a cost center")

    # Slack's client refuses these itself: a decimal where only whole numbers go, and a
    # required menu left on its placeholder. The bot hears nothing.
    await amount.fill("12.5")
    await currency.select_option("EUR")
    await grace.press(modal, "Save")
    await expect(modal.locator('.block.input[data-block-id="amount"] .input-error')).to_have_text(
        NOT_A_WHOLE_NUMBER
    )
    await expect(modal.locator('.block.input[data-block-id="center"] .input-error')).to_have_text(
        REQUIRED_FIELD
    )
    await expect(amount).to_have_value("12.5")
    await expect(currency).to_have_value("EUR")
    assert bot.requests == []

    await amount.fill("9000")
    await center.select_option(label="Boston")
    bot.answer = answering({"response_action": "errors", "errors": {"amount": "Over your limit"}})
    await grace.press(modal, "Save")
    await expect(modal.locator(".input-error")).to_have_text(["Over your limit"])
    values = form_payload(await bot.wait_for_request())["view"]["state"]["values"]
    assert values["amount"] == {"amount_value": {"type": "number_input", "value": "9000"}}
    assert values["currency"]["currency_choice"]["selected_option"] == {
        "text": {"type": "plain_text", "text": "EUR", "emoji": True},
        "value": "EUR",
    }
    assert values["center"]["center_choice"]["selected_option"]["value"] == "cc-bos"
    # The bot's errors redraw the modal; what was typed and chosen stays.
    await expect(amount).to_have_value("9000")
    await expect(currency).to_have_value("EUR")
    await expect(center).to_have_value("cc-bos")

    bot.answer = answering(None)
    await amount.fill("900")
    await grace.press(modal, "Save")
    await expect(modal).to_be_hidden()
    values = form_payload(await bot.wait_for_request(2))["view"]["state"]["values"]
    assert values["amount"]["amount_value"]["value"] == "900"
