"""Where Slack's requests go once the web server has them: Bolt, here or in another process.

The web server (bot.server) answers events, clicks and slash commands before Bolt runs
(bot.ack_first) and hands them over with `after_ack`; everything else waits for Bolt's
answer with `answer`. Over HTTP the bot hands them to Bolt in a child process
(bot.dispatch_process), so that the work after an ack never delays the next ack; tests
and Socket Mode keep Bolt in this process (`InProcessDispatch`).
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Protocol

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from temporalio.client import Client

log = logging.getLogger("countersign.bot")

# Well inside a load balancer's probe timeout, long enough for a healthy cluster.
HEALTH_CHECK_SECONDS = 2.0
# Requests acked before Bolt ran are still being handled; a stop waits for them this long.
SHUTDOWN_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class SlackRequest:
    """An HTTP request from Slack as Bolt reads it."""

    body: str
    query: str
    headers: dict[str, str]

    def for_bolt(self) -> AsyncBoltRequest:
        return AsyncBoltRequest(body=self.body, query=self.query, headers=self.headers)


class Dispatch(Protocol):
    def after_ack(self, request: SlackRequest) -> None:
        """Runs Bolt for a request Slack was already answered for; a stop waits for it."""

    async def answer(self, request: SlackRequest) -> BoltResponse:
        """Bolt's answer; raises when Bolt cannot read the request at all."""

    async def healthy(self) -> bool:
        """Whether Bolt's side can reach Temporal."""

    async def finish(self) -> None:
        """Lets what was handed over finish; nothing new arrives after this is called."""


class InProcessDispatch:
    """Bolt on this process's event loop."""

    def __init__(self, bolt_app: AsyncApp, temporal_client: Client) -> None:
        self._bolt_app = bolt_app
        self._temporal_client = temporal_client
        self._running: set[asyncio.Task[None]] = set()

    def after_ack(self, request: SlackRequest) -> None:
        task = asyncio.create_task(run_after_ack(self._bolt_app, request))
        # Kept referenced until done: the event loop holds tasks only weakly.
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def answer(self, request: SlackRequest) -> BoltResponse:
        return await self._bolt_app.async_dispatch(request.for_bolt())

    async def healthy(self) -> bool:
        return await temporal_reachable(self._temporal_client)

    async def finish(self) -> None:
        if self._running:
            log.info("Finishing %d acknowledged requests before stopping", len(self._running))
            await asyncio.wait(self._running, timeout=SHUTDOWN_GRACE_SECONDS)


async def run_after_ack(bolt_app: AsyncApp, request: SlackRequest) -> None:
    try:
        await bolt_app.async_dispatch(request.for_bolt())
    except Exception:
        log.exception("A request answered before dispatch failed in Bolt")


async def temporal_reachable(temporal_client: Client) -> bool:
    try:
        return await asyncio.wait_for(temporal_client.service_client.check_health(), HEALTH_CHECK_SECONDS)
    except Exception:  # any failure to reach Temporal means unhealthy
        log.warning("Health check: Temporal is unreachable", exc_info=True)
        return False
