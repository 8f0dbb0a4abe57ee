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
