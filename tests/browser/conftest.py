"""Real headless Chromium (Debian's `chromium`) driven by Playwright; a page per person.

Playwright's own browser downloads are never used: `executable_path` points at the
system Chromium, which `.ci/run` installs.
"""

import os
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright, expect

from tests.browser.sandbox_page import SandboxPage

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a workflow to post its card on a loaded CI machine.
expect.set_options(timeout=15_000)

OpenPage = Callable[[str, str], Awaitable[SandboxPage]]


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/ensure-chromium does)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def open_page(browser: Browser) -> AsyncIterator[OpenPage]:
    """Opens the sandbox at `url` acting as `user`, each page in its own browser context
    (as two people on two machines); fails the test on any JavaScript error."""
    contexts: list[BrowserContext] = []
    pages: list[SandboxPage] = []

    async def open_as(url: str, user: str) -> SandboxPage:
        context = await browser.new_context(viewport={"width": 1280, "height": 1000})
        contexts.append(context)
        page = await SandboxPage.open(await context.new_page(), url, user)
        pages.append(page)
        return page

    yield open_as
    for context in contexts:
        await context.close()
    errors = [error for page in pages for error in page.errors]
    assert errors == [], f"JavaScript errors on the page: {errors}"
