"""How long a turn waits for the model: a notice once it is slow, an end once it is too slow.

Workflow code. The openai-agents Runner schedules each model call (an activity) itself;
its lifecycle hooks say when a call starts and ends, so only time spent waiting for the
model is counted, never time waiting for people (an approval may stay pending for days).
Every wait here is a Temporal timer (`workflow.wait_condition` with a timeout).
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, ModelResponse, RunContextWrapper, RunHooks, TResponseInputItem


@dataclass(frozen=True)
class ModelBounds:
    turn: timedelta
    """The most one turn may wait for the model, all its calls together."""
    slow: timedelta
    """How long one call may take before the thread is told it is still being worked on."""


class ModelClock(RunHooks[Any]):
    """Counts the time a run waits for its model calls (workflow time, so it replays)."""

    def __init__(self) -> None:
        self.calls = 0
        self.since: datetime | None = None
        """When the call now in flight started; None between calls (in a tool, say)."""
        self.waited = timedelta()
        """Time spent in the calls that ended."""

    async def on_llm_start(
        self,
        context: RunContextWrapper[Any],
        agent: Agent[Any],
        system_prompt: str | None,
        input_items: list[TResponseInputItem],
    ) -> None:
        self.calls += 1
        self.since = workflow.now()

    async def on_llm_end(
        self, context: RunContextWrapper[Any], agent: Agent[Any], response: ModelResponse
    ) -> None:
        if self.since is not None:
            self.waited += workflow.now() - self.since
        self.since = None

    def left(self, bounds: ModelBounds) -> timedelta:
        in_flight = workflow.now() - self.since if self.since else timedelta()
        return bounds.turn - self.waited - in_flight


async def within_bounds(
    run: "asyncio.Task[Any]", clock: ModelClock, bounds: ModelBounds, tell_slow: Callable[[], Awaitable[None]]
) -> bool:
    """Waits for `run` to finish. Once a call has taken `bounds.slow`, `tell_slow()` is
    awaited (once); once the turn has waited `bounds.turn` for the model, `run` is
    cancelled (its model activity with it) and False returned."""
    told = False
    while not run.done():
        if clock.since is None:
            # Between calls: running a tool, waiting for an approval. Nothing to time.
            await workflow.wait_condition(lambda: run.done() or clock.since is not None)
            continue
        call, since = clock.calls, clock.since
        left = clock.left(bounds)
        if left <= timedelta():
            run.cancel()
            return False
        until_slow = since + bounds.slow - workflow.now()
        timeout = left if told or until_slow >= left else max(until_slow, timedelta(milliseconds=1))
        try:
            await workflow.wait_condition(lambda call=call: _moved_on(run, clock, call), timeout=timeout)
        except TimeoutError:
            if not told and clock.since == since and clock.left(bounds) > timedelta():
                told = True
                await tell_slow()
    return True


def _moved_on(run: "asyncio.Task[Any]", clock: ModelClock, call: int) -> bool:
    """The run ended, or the call that was in flight did."""
    return run.done() or clock.calls != call or clock.since is None
