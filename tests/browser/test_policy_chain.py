"""The example catalog's payments policy in the sandbox, with the agent (a scripted fake
model): a wire above 10,000 needs the manager, then the CFO, and the card shows the chain."""

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from sandbox.directory import PEOPLE
from tests.browser.conftest import OpenPage
from tests.browser.stack import Stack, full_stack
from tests.fakes.openai_server import FakeOpenAI, message, tool_call

ADA, GRACE, ALAN = (p.id for p in PEOPLE)
WIRE = {
    "amount": "25000.00",
    "currency": "USD",
    "payee": "ACME Corp",
    "account": "DE89370400440532013000",
    "reference": "invoice 4412",
}


@pytest.fixture
async def stack(
    temporal_env: WorkflowEnvironment, task_queue: str, model: FakeOpenAI
) -> AsyncIterator[Stack]:
    # No WEBHOOK_* settings: in sandbox mode the webhooks go to the sandbox's receiving system.
    async with full_stack(
        temporal_env.client, task_queue, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=model.base_url
    ) as running:
        yield running


async def test_a_large_wire_is_decided_by_the_manager_then_the_cfo_on_one_card(
    stack: Stack, open_page: OpenPage, model: FakeOpenAI
):
    model.then(tool_call("wire_transfer", WIRE), message("Sent: the wire was approved by both."))
    page = await open_page(stack.url, ADA)
    await page.say("@Countersign wire $25,000 to ACME Corp, DE89370400440532013000, for invoice 4412")
    card = page.card("Wire transfer")
    await expect(card).to_contain_text("Manager 0/1 · CFO")

    # The CFO's turn comes after the manager's: told why, only to him, and nothing changes.
    await page.act_as(ALAN)
    await page.press(page.card("Wire transfer"), "Approve")
    refusal = page.ephemeral("You are in the CFO stage, which starts after the Manager stage.")
    await expect(refusal).to_be_visible()

    await page.act_as(GRACE)
    await page.press(page.card("Wire transfer"), "Approve")
    await expect(page.card("Wire transfer")).to_contain_text("Manager ✓ @Grace Hopper · CFO 0/1")

    await page.act_as(ALAN)
    await page.press(page.card("Wire transfer"), "Approve")
    decided = page.card("Wire transfer")
    await expect(decided).to_contain_text("Manager ✓ @Grace Hopper · CFO ✓ @Alan Turing")
    await expect(decided.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    # The bank (the sandbox's receiving system) got exactly the approved arguments, once.
    arrived = page.message("The receiving system got wire-transfer")
    await expect(arrived).to_contain_text("signature verified, with its approval receipt")
    await expect(arrived).to_contain_text('"amount": "25000.00"')
    await expect(arrived).to_have_count(1)
    answer = page.message("Sent: the wire was approved by both.")
    await expect(answer).to_contain_text("Approved by @Grace Hopper, then @Alan Turing at")


async def test_the_cfo_edits_the_wire_it_goes_back_to_the_manager_and_runs_as_edited(
    stack: Stack, open_page: OpenPage, model: FakeOpenAI
):
    model.then(tool_call("wire_transfer", WIRE), message("Sent, as the CFO edited it."))
    page = await open_page(stack.url, ADA)
    await page.say("@Countersign wire $25,000 to ACME Corp, DE89370400440532013000, for invoice 4412")
    await page.act_as(GRACE)
    await page.press(page.card("Wire transfer"), "Approve")
    await expect(page.card("Wire transfer")).to_contain_text("Manager ✓ @Grace Hopper · CFO 0/1")

    await page.act_as(ALAN)
    await page.press(page.card("Wire transfer"), "Edit & approve")
    modal = page.modal
    await expect(modal).to_contain_text("Those who approved already are asked again")
    amount = modal.locator('[data-block-id="edit_amount"] .bk-input')
    await expect(amount).to_have_value("25000.00")
    # The schema's pattern, checked by the bot: the modal stays open with the error under it.
    await amount.fill("24,000")
    await page.press(modal, "Approve edited")
    await expect(modal.locator('[data-block-id="edit_amount"] .input-error')).to_contain_text(
        "Must match ^[0-9]+\\.[0-9]{2}$"
    )
    await amount.fill("24000.00")
    await modal.locator('[data-block-id="edit_reference"] .bk-input').fill("invoice 4412-B")
    await page.press(modal, "Approve edited")
    await expect(modal).to_be_hidden()

    # Grace approved 25,000.00, not 24,000.00: the card asks her again, showing both versions.
    card = page.card("Wire transfer")
    await expect(card).to_contain_text("Manager 0/1 · CFO ✓ @Alan Turing")
    await expect(card).to_contain_text("Edited before approving by @Alan Turing")
    await expect(card).to_contain_text("Approvals given before the edit were for other arguments")
    await expect(card).to_contain_text("amount · edited")
    await expect(card).to_contain_text("amount · as asked")
    await expect(card).to_contain_text("25000.00")
    arrived = page.message("The receiving system got wire-transfer")
    await expect(arrived).to_have_count(0)

    await page.act_as(GRACE)
    await page.press(page.card("Wire transfer"), "Approve")
    decided = page.card("Wire transfer")
    await expect(decided).to_contain_text("Manager ✓ @Grace Hopper · CFO ✓ @Alan Turing")
    await expect(arrived).to_contain_text('"amount": "24000.00"')
    await expect(arrived).to_contain_text('"reference": "invoice 4412-B"')
    await expect(arrived).to_have_count(1)
    answer = page.message("Sent, as the CFO edited it.")
    await expect(answer).to_contain_text("Changed before approving by @Alan Turing")
    await expect(answer).to_contain_text('"25000.00" → "24000.00"')
