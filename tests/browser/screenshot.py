"""Takes the README's picture of the sandbox: one card decided, one still waiting.

`.venv/bin/python -m tests.browser.screenshot docs/sandbox.png` runs the whole stack on
loopback (Temporal dev server, worker, bot, sandbox), as the browser tests do, and clicks
through it in headless Chromium.
"""

import asyncio
import sys
import uuid

from playwright.async_api import async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes
from sandbox.directory import PEOPLE
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.sandbox_page import SandboxPage
from tests.browser.stack import full_stack

ADA, GRACE = PEOPLE[0].id, PEOPLE[1].id
DECIDED = "wire $5,000 to ACME for invoice 4411"
WAITING = "renew the design tool licence: 12 seats, $1,440 a year"


async def take(path: str) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        search_attributes=search_attributes.ALL,
        data_converter=DATA_CONVERTER,
    )
    try:
        async with (
            full_stack(env.client, f"screenshot-{uuid.uuid4()}") as stack,
            async_playwright() as playwright,
        ):
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = await browser.new_context(
                viewport={"width": 1280, "height": 1100}, device_scale_factor=1
            )
            page = await SandboxPage.open(await context.new_page(), stack.url, ADA)
            for request in (DECIDED, WAITING):
                await page.say(f"@Countersign {request}")
                await expect(
                    page.card(request).get_by_role("button", name="Approve", exact=True)
                ).to_be_visible()
            await page.act_as(GRACE)
            await page.press(page.card(DECIDED), "Approve")
            await expect(page.card(DECIDED)).to_contain_text("Approved by @Grace Hopper")
            await expect(page.message("Approved by @Grace Hopper")).to_have_count(2)
            await page.page.mouse.move(0, 0)
            await page.page.screenshot(path=path)
            await browser.close()
    finally:
        await env.shutdown()
    print(f"Saved {path}")


if __name__ == "__main__":
    asyncio.run(take(sys.argv[1] if len(sys.argv) > 1 else "docs/sandbox.png"))
