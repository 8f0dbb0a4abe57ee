"""Block Kit action listeners: the card's Approve and Reject buttons."""

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    pass
