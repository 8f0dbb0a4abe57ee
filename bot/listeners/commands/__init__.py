"""Slash command listeners, one handler per file."""

from slack_bolt.async_app import AsyncApp

from bot.listeners.commands.approvals import APPROVALS_COMMAND, handle_approvals_command


def register(app: AsyncApp) -> None:
    app.command(APPROVALS_COMMAND)(handle_approvals_command)
