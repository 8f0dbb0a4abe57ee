"""Slash command listeners. `/approvals` lands here (one handler per file)."""

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    """Nothing yet: `/approvals` is registered here when it lands."""
