"""The whole product with the agent (a scripted fake model behind OPENAI_BASE_URL): an
action whose rejection needs a reason, refused without one by the real bot's modal."""

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from blocks.reject_modal import REASON_REQUIRED_ERROR
from sandbox.directory import PEOPLE
from sandbox.views import REQUIRED_FIELD
from tests.browser.conftest import OpenPage
from tests.browser.stack import Stack, full_stack
from tests.fakes.openai_server import FakeOpenAI, message, tool_call

ADA, GRACE = PEOPLE[0].id, PEOPLE[1].id
WIRE = {
    "amount": "5000.00",
    "currency": "USD",
    "payee": "ACME Corp",
    "account": "DE89370400440532013000",
    "reference": "invoice 4411",
}


@pytest.fixture
async def stack(
    temporal_env: WorkflowEnvironment, task_queue: str, model: FakeOpenAI
) -> AsyncIterator[Stack]:
    async with full_stack(
        temporal_env.client, task_queue, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=model.base_url
    ) as running:
        yield running


async def test_rejecting_a_wire_needs_a_reason_and_the_modal_says_so(
    stack: Stack, open_page: OpenPage, model: FakeOpenAI
):
    # The catalog's wire_transfer requires a reason to reject (actions.example.yml).
    model.then(tool_call("wire_transfer", WIRE), message("Not sent: the wire was rejected."))
    page = await open_page(stack.url, ADA)
    await page.say("@Countersign wire $5,000 to ACME Corp, DE89370400440532013000, for invoice 4411")
    card = page.card("Wire transfer")
    await expect(card.get_by_role("button", name="Reject", exact=True)).to_be_visible()

    await page.act_as(GRACE)
    await page.press(page.card("Wire transfer"), "Reject")
    await page.press(page.confirm_dialog, "Reject")
    await expect(page.modal.locator(".optional")).to_have_count(0)
    reason = page.modal.locator("textarea")
    error = page.modal.locator(".input-error")

    # Left empty, Slack's client itself refuses; only spaces, the bot does.
    await page.press(page.modal, "Reject")
    await expect(error).to_have_text(REQUIRED_FIELD)
    await reason.fill("   ")
    await page.press(page.modal, "Reject")
    await expect(error).to_have_text(REASON_REQUIRED_ERROR)
    await expect(reason).to_have_value("   ")

    await reason.fill("The account is not ACME's")
    await page.press(page.modal, "Reject")
    await expect(page.modal).to_be_hidden()
    await expect(page.card("Wire transfer")).to_contain_text("Rejected by @Grace Hopper")
    await expect(page.card("Wire transfer")).to_contain_text("The account is not ACME's")
    await expect(page.message("Not sent: the wire was rejected.")).to_be_visible()
