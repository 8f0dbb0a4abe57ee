"""The whole product in Chromium: the sandbox page, the real bot, a worker and the real
Temporal dev server, as `make run` starts them. What a person sees and clicks is all there is."""

import time
import uuid
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from sandbox.directory import PEOPLE
from tests.browser.conftest import OpenPage
from tests.browser.sandbox_page import SandboxPage
from tests.browser.stack import Stack, full_stack

ADA, GRACE, ALAN = (p.id for p in PEOPLE)


@pytest.fixture
async def stack(temporal_env: WorkflowEnvironment, task_queue: str) -> AsyncIterator[Stack]:
    async with full_stack(temporal_env.client, task_queue) as running:
        yield running


@pytest.fixture
def request_text() -> str:
    # Approvals outlive each test on the shared dev server (and /approvals lists them
    # all): each test asks for something of its own and finds it by that text.
    return f"pay invoice {uuid.uuid4().hex[:8]} to ACME"


async def ask_and_see_the_card(page: SandboxPage, request_text: str):
    await page.say(f"@Countersign {request_text}")
    card = page.card(request_text)
    await expect(card.get_by_role("button", name="Approve", exact=True)).to_be_visible()
    return card


async def list_approvals_until_shown(page: SandboxPage, request_text: str, timeout: float = 15):
    """Runs /approvals until its answer lists `request_text`: Temporal's visibility store
    (which /approvals queries) may index a just-started approval a moment after its card."""
    deadline = time.monotonic() + timeout
    while True:
        answers = await page.ephemeral().count()
        await page.say("/approvals")
        await expect(page.ephemeral()).to_have_count(answers + 1)
        if await page.ephemeral(request_text).count():
            return page.ephemeral(request_text)
        assert time.monotonic() < deadline, f"/approvals never listed {request_text!r}"


async def test_mention_card_approve_by_another_person_and_the_thread_reply(
    stack: Stack, open_page: OpenPage, request_text: str
):
    page = await open_page(stack.url, ADA)
    card = await ask_and_see_the_card(page, request_text)
    await expect(card).to_contain_text("Approval needed")
    await expect(card).to_contain_text("Requested by")
    await expect(card).to_contain_text("@Ada Lovelace")
    await expect(page.message(request_text).locator(".reaction")).to_contain_text("👀")

    await page.act_as(GRACE)
    await page.press(page.card(request_text), "Approve")

    card = page.card(request_text)
    await expect(card).to_contain_text("Approved by @Grace Hopper")
    await expect(card.get_by_role("button")).to_have_count(0)
    thread = page.page.locator(".message", has=page.message(request_text).first).locator(".thread")
    await expect(thread.locator(".message-main").filter(has_text="Approved by @Grace Hopper")).to_have_count(
        2
    )


async def test_reject_with_the_reason_modal(stack: Stack, open_page: OpenPage, request_text: str):
    page = await open_page(stack.url, ADA)
    await ask_and_see_the_card(page, request_text)
    await page.act_as(ALAN)

    await page.press(page.card(request_text), "Reject")
    await expect(page.confirm_dialog).to_contain_text("Reject this request?")
    await page.press(page.confirm_dialog, "Reject")
    # The modal shows the request itself, as the card does, above the reason field.
    await expect(page.modal).to_contain_text("The request, as written")
    await expect(page.modal.locator(".rt-quote")).to_have_text(request_text)
    await page.modal.locator("textarea").fill("Invoice already paid last week")
    await page.press(page.modal, "Reject")
    await expect(page.modal).to_be_hidden()

    card = page.card(request_text)
    await expect(card).to_contain_text("Rejected by @Alan Turing")
    await expect(card).to_contain_text("Invoice already paid last week")
    await page.act_as(ADA)
    replies = page.page.locator(".thread .message-main").filter(has_text="Invoice already paid last week")
    await expect(replies.filter(has_text="Rejected by @Alan Turing")).to_have_count(2)


async def test_approvals_lists_what_is_waiting_and_decides_from_the_list(
    stack: Stack, open_page: OpenPage, request_text: str
):
    page = await open_page(stack.url, ADA)
    await ask_and_see_the_card(page, request_text)
    await page.act_as(GRACE)

    listed = await list_approvals_until_shown(page, request_text)
    await expect(listed).to_contain_text("Only visible to you")
    await expect(listed).to_contain_text("Approvals waiting for you")
    # Each item is a rich_text block with its own Approve / Reject row right below it.
    item = listed.locator(".block.rich-text").filter(has_text=request_text)
    await page.press(item.locator("xpath=following-sibling::div[contains(@class, 'actions')][1]"), "Approve")

    await expect(page.card(request_text)).to_contain_text("Approved by @Grace Hopper")


async def test_a_refusal_is_whispered_to_the_clicker_only(
    stack: Stack, open_page: OpenPage, request_text: str
):
    ada = await open_page(stack.url, ADA)
    grace = await open_page(stack.url, GRACE)
    await ask_and_see_the_card(ada, request_text)

    # The requester may not approve their own request: the bot tells her, and only her.
    await ada.press(ada.card(request_text), "Approve")
    refusal = ada.ephemeral("someone else has to decide it")
    await expect(refusal).to_be_visible()
    await expect(refusal).to_contain_text("Only visible to you")
    await expect(grace.card(request_text).get_by_role("button", name="Approve", exact=True)).to_be_visible()
    await expect(grace.page.get_by_text("someone else has to decide it")).to_have_count(0)
    await expect(ada.card(request_text).get_by_role("button", name="Approve", exact=True)).to_be_visible()
