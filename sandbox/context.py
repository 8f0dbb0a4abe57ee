"""Everything a sandbox request handler needs, kept on the aiohttp app."""

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.live import LivePage
from sandbox.request_url import RequestUrl
from sandbox.settings import SandboxSettings
from sandbox.workspace import Workspace

log = logging.getLogger("countersign.sandbox")


@dataclass
class Sandbox:
    settings: SandboxSettings
    workspace: Workspace
    live: LivePage
    bot: RequestUrl
    _background: set[asyncio.Task[Any]] = field(default_factory=set)

    def in_background(self, work: Coroutine[Any, Any, Any]) -> None:
        """Runs `work` after the current answer (Slack delivers events after it has stored
        the message), keeping a reference so it is not collected and is cancelled at stop."""
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception():
            log.error("Background work failed", exc_info=task.exception())

    async def stop_background(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)


SANDBOX = web.AppKey("sandbox", Sandbox)
