"""A bot's Request URL on loopback that records every request exactly as it arrived,
then answers it: through a real Bolt AsyncApp when given one, else as `answer` says.
"""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from tests.sandbox_run import loopback_socket, port_of


@dataclass
class ReceivedRequest:
    headers: dict[str, str]
    body: str
    content_type: str


Answer = Callable[[ReceivedRequest], Awaitable[web.Response]]


async def ack(_: ReceivedRequest) -> web.Response:
    return web.Response(status=200)


class RecordingBot:
    def __init__(self, bolt_app: AsyncApp | None = None, answer: Answer = ack) -> None:
        self.requests: list[ReceivedRequest] = []
        self.answer = answer
        self._bolt_app = bolt_app
        self._arrived = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._sock = loopback_socket()
        self.url = f"http://127.0.0.1:{port_of(self._sock)}/slack/events"

    async def start(self) -> "RecordingBot":
        app = web.Application()
        app.router.add_post("/slack/events", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def wait_for_request(self, count: int = 1, timeout: float = 5) -> ReceivedRequest:
        """The `count`-th request, once it has arrived."""
        deadline = time.monotonic() + timeout
        async with self._arrived:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"Timed out waiting for request {count}; got {len(self.requests)}")
                try:
                    await asyncio.wait_for(self._arrived.wait(), remaining)
                except TimeoutError:
                    pass
        return self.requests[count - 1]

    async def _receive(self, request: web.Request) -> web.Response:
        received = ReceivedRequest(dict(request.headers), await request.text(), request.content_type)
        self.requests.append(received)
        async with self._arrived:
            self._arrived.notify_all()
        if self._bolt_app is None:
            return await self.answer(received)
        bolt_request = AsyncBoltRequest(
            body=received.body, query=request.query_string, headers=request.headers
        )
        return await to_aiohttp_response(await self._bolt_app.async_dispatch(bolt_request))


def form_payload(request: ReceivedRequest) -> dict[str, Any]:
    """The JSON in an interactivity request's `payload` form field."""
    return json.loads(parse_qs(request.body)["payload"][0])
