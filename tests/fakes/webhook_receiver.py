"""A system that receives Countersign's webhooks, on loopback.

It verifies each request the way activities/webhook.py tells receivers to (written out
here independently, so a signing bug cannot verify itself), records every attempt, and
can be told to answer the next requests with an error status.
"""

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.changes import Changes

TOLERANCE_SECONDS = 300


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    """The signature and timestamp check out."""
    status: int
    """What the receiver answered."""

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


class FakeWebhookReceiver:
    """Serve with `await start()`; webhook URLs go under `url` (any path is accepted)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.attempts: list[Delivery] = []
        """Every request, whatever was answered."""
        self._failures: list[tuple[int, str]] = []
        self._changes = Changes()
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def accepted(self) -> list[Delivery]:
        """Requests answered 2xx: the work a real receiver would have done (once per key)."""
        return [d for d in self.attempts if d.status < 300]

    async def start(self) -> "FakeWebhookReceiver":
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def fail(self, status: int, *, times: int = 1, body: str = "") -> None:
        """The next `times` requests get `status` (and `body`) instead of 200."""
        self._failures.extend([(status, body or f"fake receiver answers {status}")] * times)

    async def wait_for(self, predicate: Callable[[], Any], *, timeout: float = 10) -> Any:
        """Waits until predicate() is truthy (re-checked on every request) and returns it."""
        return await self._changes.wait_for(
            predicate,
            timeout=timeout,
            describe=lambda: f"Timed out waiting for webhooks; got {len(self.attempts)}",
        )

    def verify(self, headers: dict[str, str], body: bytes) -> bool:
        """What a receiving system runs on every request."""
        timestamp = headers.get("X-Countersign-Timestamp", "")
        signature = headers.get("X-Countersign-Signature", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
            return False
        signed = timestamp.encode() + b"." + body
        expected = "v1=" + hmac.new(self.secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = dict(request.headers)
        verified = self.verify(headers, body)
        if not verified:
            status, text = 401, "bad signature"
        elif self._failures:
            status, text = self._failures.pop(0)
        else:
            status, text = 200, json.dumps({"received": True})
        self.attempts.append(Delivery(request.path, headers, body, verified, status))
        await self._changes.notify()
        return web.Response(status=status, text=text)
