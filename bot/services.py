"""What listeners need beyond Slack: the Temporal client and where workflows run.

Bolt injects listener arguments by name, so the services ride in each request's Bolt
context (put there by one middleware) and every `register(app)` keeps the same shape.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from temporalio.client import Client

from bot.approvals.list_buttons import ListButtons

_CONTEXT_KEY = "countersign_services"


@dataclass(frozen=True)
class BotServices:
    temporal: Client
    task_queue: str
    list_buttons: ListButtons
    allowed_bot_ids: frozenset[str]
    """Other apps' bots whose mentions may ask for approvals (SLACK_ALLOWED_BOT_IDS)."""


def provide(app: AsyncApp, services: BotServices) -> None:
    """Makes `services` available to every listener of `app` through `services_of`."""

    async def attach_services(context: dict[str, Any], next_: Callable[[], Awaitable[None]]) -> None:
        context[_CONTEXT_KEY] = services
        await next_()

    app.use(attach_services)


def services_of(context: dict[str, Any]) -> BotServices:
    return context[_CONTEXT_KEY]
