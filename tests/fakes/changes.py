"""Waiting on a fake's state with a deadline, woken on each change instead of polling."""

import asyncio
import time
from collections.abc import Callable
from typing import Any


class Changes:
    """A fake calls `notify()` after each request; tests `wait_for` a condition on its state."""

    def __init__(self) -> None:
        self._changed = asyncio.Condition()

    async def notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self, predicate: Callable[[], Any], *, timeout: float, describe: Callable[[], str]
    ) -> Any:
        """Waits until predicate() is truthy and returns it; after `timeout` s, fails with
        describe() saying what was seen instead."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not (result := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(describe())
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    pass
            return result
