"""Block Kit action listeners: Approve, Reject, Edit & approve and Withdraw, wherever they are shown."""

from slack_bolt.async_app import AsyncApp

from blocks.approval_card import (
    APPROVE_ACTION_ID,
    DETAILS_ACTION_ID,
    EDIT_ACTION_ID,
    REJECT_ACTION_ID,
    WITHDRAW_ACTION_ID,
)
from bot.approvals.list_blocks import NEXT_PAGE_ACTION_ID
from bot.listeners.actions.approvals_next_page import handle_approvals_next_page
from bot.listeners.actions.approve_button import handle_approve_button
from bot.listeners.actions.details_button import handle_details_button
from bot.listeners.actions.edit_button import handle_edit_button
from bot.listeners.actions.reject_button import handle_reject_button
from bot.listeners.actions.withdraw_button import handle_withdraw_button


def register(app: AsyncApp) -> None:
    app.action(APPROVE_ACTION_ID)(handle_approve_button)
    app.action(REJECT_ACTION_ID)(handle_reject_button)
    app.action(DETAILS_ACTION_ID)(handle_details_button)
    app.action(WITHDRAW_ACTION_ID)(handle_withdraw_button)
    app.action(EDIT_ACTION_ID)(handle_edit_button)
    app.action(NEXT_PAGE_ACTION_ID)(handle_approvals_next_page)
