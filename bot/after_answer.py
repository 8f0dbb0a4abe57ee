"""Work a listener leaves for after Slack's answer.

Bolt runs each listener to its end before it answers Slack (process_before_response), so
an answer means Temporal has what the listener was given. What only tells a person (an
ephemeral, a modal, a list, the "taken" reaction) must not hold that answer up: the
listener hands it here and it runs once the listener has returned. A failure is handled
as a failing listener's is (logged with its workflow ID, the person told); a stop waits
for what is still running.
"""

import asyncio
from collections.abc import Coroutine
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import handle_listener_error

# A stop waits this long for work left after answers; none of it is a promise to Slack.
FINISH_SECONDS = 10.0

# The event loop holds tasks only weakly.
_running: set[asyncio.Task[None]] = set()


def after_answer(
    work: Coroutine[Any, Any, Any], *, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient
) -> None:
    task = asyncio.create_task(_run(work, body, context, client))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def finish_after_answer() -> None:
    """Lets the work left after answers finish (at a stop, once nothing new comes in)."""
    if _running:
        await asyncio.wait(set(_running), timeout=FINISH_SECONDS)


async def _run(
    work: Coroutine[Any, Any, Any], body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient
) -> None:
    try:
        await work
    except Exception as error:  # what a failing listener gets: logged, the person told
        await handle_listener_error(error, body, context, client)
