"""Modal submission listeners."""

from slack_bolt.async_app import AsyncApp

from blocks.edit_modal import EDIT_CALLBACK_ID
from blocks.reject_modal import REJECT_REASON_CALLBACK_ID
from bot.listeners.views.edit_submission import handle_edit_submission
from bot.listeners.views.reject_reason import handle_reject_reason


def register(app: AsyncApp) -> None:
    app.view(REJECT_REASON_CALLBACK_ID)(handle_reject_reason)
    app.view(EDIT_CALLBACK_ID)(handle_edit_submission)
