"""Slack listeners by type; each package's `register(app)` wires its handlers."""

from slack_bolt.async_app import AsyncApp

from bot.listeners import actions, commands, events, views


def register_listeners(app: AsyncApp) -> None:
    events.register(app)
    actions.register(app)
    commands.register(app)
    views.register(app)
