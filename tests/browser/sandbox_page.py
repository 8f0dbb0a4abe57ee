"""The sandbox's page, in the words of someone using it (Playwright underneath)."""

from playwright.async_api import Locator, Page, expect


class SandboxPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    @classmethod
    async def open(cls, page: Page, url: str, user: str) -> "SandboxPage":
        opened = cls(page)
        await page.goto(f"{url}/?as={user}")
        await opened._showing(user)
        return opened

    async def act_as(self, user: str) -> None:
        """The "Acting as" switch: the page reconnects and shows what `user` sees."""
        await self.page.select_option("#user", user)
        await self._showing(user)

    async def say(self, text: str) -> None:
        """Types `text` into the message box and presses Enter."""
        await self.page.fill("#composer-text", text)
        await self.page.press("#composer-text", "Enter")

    def message(self, *containing: str) -> Locator:
        """Messages (their own row, without their thread) showing every one of `containing`."""
        rows = self.page.locator(".message-main")
        for text in containing:
            rows = rows.filter(has_text=text)
        return rows

    def ephemeral(self, *containing: str) -> Locator:
        rows = self.page.locator(".message.ephemeral > .message-main")
        for text in containing:
            rows = rows.filter(has_text=text)
        return rows

    def card(self, summary: str) -> Locator:
        """The approval card for `summary` (in the channel, not a list of approvals)."""
        return (
            self.page.locator(".message:not(.ephemeral) > .message-main")
            .filter(has_text=summary)
            .filter(has_text="Fingerprint")
        )

    async def press(self, where: Locator, label: str) -> None:
        await where.get_by_role("button", name=label, exact=True).click()

    @property
    def confirm_dialog(self) -> Locator:
        return self.page.locator("#confirm")

    @property
    def modal(self) -> Locator:
        return self.page.locator("#modal")

    async def _showing(self, user: str) -> None:
        # The page marks itself once the snapshot of what `user` sees has been drawn.
        await expect(self.page.locator(f'body[data-live-user="{user}"]')).to_have_count(1)
