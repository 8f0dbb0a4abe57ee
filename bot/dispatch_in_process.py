"""Bolt on the event loop of the process that holds it: in Socket Mode, in tests, and in
the Bolt process (bot.dispatcher) itself."""

import asyncio
import logging

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from temporalio.client import Client

from bot.app import build_app
from bot.dispatch import HEALTH_CHECK_SECONDS, SHUTDOWN_GRACE_SECONDS, SlackRequest
from bot.server import build_web_app
from countersign.settings import Settings

log = logging.getLogger("countersign.bot")


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


def build_single_process_web_app(settings: Settings, temporal_client: Client) -> web.Application:
    """The bot with Bolt on the web server's own event loop, for tests to drive in-process."""
    dispatch = InProcessDispatch(build_app(settings, temporal_client), temporal_client)
    return build_web_app(dispatch, settings.slack_signing_secret)
