"""Takes the README's picture of the sandbox after the walkthrough's first three steps,
acting as Grace: the wire card approved, the licence card still waiting.

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
from tests.browser import readme_walkthrough as readme
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.sandbox_page import SandboxPage
from tests.browser.stack import full_stack


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
            page = await SandboxPage.open(await context.new_page(), stack.url, readme.ADA)
            await readme.step_1_ada_asks_for_two_things(page)
            await readme.step_2_ada_may_not_approve_her_own_request(page)
            await readme.step_3_grace_approves_the_wire(page)
            await expect(
                page.card(readme.LICENCE).get_by_role("button", name="Approve", exact=True)
            ).to_be_visible()
            # No hover highlight on whatever the last click left the mouse over.
            await page.page.mouse.move(0, 0)
            await page.page.screenshot(path=path)
            await browser.close()
    finally:
        await env.shutdown()
    print(f"Saved {path}")


if __name__ == "__main__":
    asyncio.run(take(sys.argv[1] if len(sys.argv) > 1 else "docs/sandbox.png"))
