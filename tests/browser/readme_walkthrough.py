"""The README's sandbox walkthrough ("Try it in the local Slack sandbox"), one function per
numbered step, in the README's words: the same requests, the same people, one page
switched between them with "Acting as". The browser test walks all of it; the README's
picture is taken after step 3. Change the README and this file together.
"""

import time

from playwright.async_api import Locator, expect

from sandbox.directory import PEOPLE
from tests.browser.sandbox_page import SandboxPage

ADA, GRACE, ALAN = (p.id for p in PEOPLE)
WIRE = "wire $5,000 to ACME for invoice 4411"
LICENCE = "renew the design tool licence: 12 seats, $1,440 a year"
LAPTOPS = "buy 3 laptops for the new hires, $4,500"
REJECT_REASON = "We already have enough seats"
SELF_APPROVAL_REFUSED = "You asked for this, so someone else has to decide it."


async def step_1_ada_asks_for_two_things(page: SandboxPage) -> None:
    """As Ada: two mentions, each reacted to with 👀 and answered by a card in its thread."""
    for request in (WIRE, LICENCE):
        await ask(page, request)
        await expect(page.message(request).locator(".reaction")).to_contain_text("👀")


async def step_2_ada_may_not_approve_her_own_request(page: SandboxPage) -> None:
    """Still as Ada: Approve on the wire card is refused, to her only; the card still waits."""
    await page.press(page.card(WIRE), "Approve")
    refusal = page.ephemeral(SELF_APPROVAL_REFUSED)
    await expect(refusal).to_be_visible()
    await expect(refusal).to_contain_text("Only visible to you")
    await expect(page.card(WIRE).get_by_role("button", name="Approve", exact=True)).to_be_visible()


async def step_3_grace_approves_the_wire(page: SandboxPage) -> None:
    """As Grace: Ada's refusal is not hers to see; Approve decides the wire card."""
    await page.act_as(GRACE)
    await expect(page.page.get_by_text(SELF_APPROVAL_REFUSED)).to_have_count(0)
    await page.press(page.card(WIRE), "Approve")
    card = page.card(WIRE)
    await expect(card).to_contain_text("Approved by @Grace Hopper")
    await expect(card.get_by_role("button")).to_have_count(0)
    # The card and the bot's record in the thread both say it.
    await expect(thread_of(page, WIRE).filter(has_text="Approved by @Grace Hopper")).to_have_count(2)


async def step_4_alan_rejects_the_licence_with_a_reason(page: SandboxPage) -> None:
    """As Alan: Reject, Slack's confirm dialog, the modal asking why; the reason is shown."""
    await page.act_as(ALAN)
    await page.press(page.card(LICENCE), "Reject")
    await expect(page.confirm_dialog).to_contain_text("Reject this request?")
    await page.press(page.confirm_dialog, "Reject")
    await expect(page.modal).to_contain_text("Why?")
    await page.modal.locator("textarea").fill(REJECT_REASON)
    await page.press(page.modal, "Reject")
    await expect(page.modal).to_be_hidden()
    card = page.card(LICENCE)
    await expect(card).to_contain_text("Rejected by @Alan Turing")
    await expect(card).to_contain_text(REJECT_REASON)
    record = thread_of(page, LICENCE).filter(has_text="Rejected by @Alan Turing")
    await expect(record.filter(has_text=REJECT_REASON)).to_have_count(2)


async def step_5_ada_asks_a_third_time(page: SandboxPage) -> None:
    """As Ada: one more request, so there is something left for /approvals."""
    await page.act_as(ADA)
    await ask(page, LAPTOPS)


async def step_6_grace_decides_from_approvals(page: SandboxPage) -> None:
    """As Grace: /approvals lists the laptops (nothing else of the walkthrough's is still
    pending), to her only; Approve in the list decides the card."""
    await page.act_as(GRACE)
    listed = await run_approvals_until_listed(page, LAPTOPS)
    await expect(listed).to_contain_text("Approvals waiting for you")
    await expect(listed).to_contain_text("Only visible to you")
    for decided in (WIRE, LICENCE):
        await expect(listed).not_to_contain_text(decided)
    # Each item is a rich_text block with its own Approve / Reject row right below it.
    item = listed.locator(".block.rich-text").filter(has_text=LAPTOPS)
    await page.press(item.locator("xpath=following-sibling::div[contains(@class, 'actions')][1]"), "Approve")
    await expect(page.card(LAPTOPS)).to_contain_text("Approved by @Grace Hopper")


async def ask(page: SandboxPage, request: str) -> None:
    await page.say(f"@Countersign {request}")
    await expect(page.card(request).get_by_role("button", name="Approve", exact=True)).to_be_visible()


def thread_of(page: SandboxPage, request: str) -> Locator:
    """The messages in the thread under the mention asking for `request`."""
    mention = page.page.locator(".message", has=page.message(f"@Countersign {request}").first)
    return mention.locator(".thread .message-main")


async def run_approvals_until_listed(page: SandboxPage, request: str, timeout: float = 15) -> Locator:
    """Types /approvals until its answer lists `request`: Temporal's visibility store
    (which /approvals reads) may index a just-started approval a moment after its card.
    A person who asked a moment ago would run it again too."""
    deadline = time.monotonic() + timeout
    while True:
        answers = await page.ephemeral().count()
        await page.say("/approvals")
        await expect(page.ephemeral()).to_have_count(answers + 1)
        latest = page.ephemeral().last
        if await latest.filter(has_text=request).count():
            return latest
        assert time.monotonic() < deadline, f"/approvals never listed {request!r}"
