"""Modal submission listeners."""

from slack_bolt.async_app import AsyncApp

from blocks.reject_modal import REJECT_REASON_CALLBACK_ID
from bot.listeners.views.reject_reason import handle_reject_reason


def register(app: AsyncApp) -> None:
    app.view(REJECT_REASON_CALLBACK_ID)(handle_reject_reason)
