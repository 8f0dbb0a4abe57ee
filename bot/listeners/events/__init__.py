"""Events API listeners."""

from slack_bolt.async_app import AsyncApp

from bot.listeners.events.app_mention import handle_app_mention


def register(app: AsyncApp) -> None:
    app.event("app_mention")(handle_app_mention)
