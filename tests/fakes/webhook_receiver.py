"""A system that receives Countersign's webhooks, on loopback.

It verifies each request the way the README's "Receiving webhooks" tells receivers to, with
the ecosystem's libraries and not with Countersign's own code (so a signing bug cannot
verify itself): the Standard Webhooks signature, then the approval receipt with a JWKS (the
web process's, or the tests' key), its hash of the body, and that its `jti` was not acted
on before. It records every attempt, and can be told to answer the next ones with an error.
"""

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rfc8785
from aiohttp import web
from joserfc import errors, jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.fakes.changes import Changes

RECEIPT_CLAIMS = ("exp", "action", "arguments_sha256", "approvers")


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    """The signature, its timestamp and the receipt check out."""
    status: int
    """What the receiver answered."""
    refusal: str = ""
    """Why it was not verified."""
    acted: bool = False
    """The receiver did the work: verified, answered 2xx, and its approval not acted on before."""
    receipt: dict[str, Any] | None = None
    """The receipt's claims, once verified."""

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def webhook_id(self) -> str | None:
        return self.headers.get("webhook-id")

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


class ReceiptRefused(Exception):
    pass


class FakeWebhookReceiver:
    """Serve with `await start()`; webhook URLs go under `url` (any path is accepted).
    Receipts are verified with `jwks` (change it with `trust`)."""

    def __init__(self, secret: str, jwks: dict[str, Any]) -> None:
        # As the README says: whsec_… as it is, an older plain secret as its bytes.
        self._webhook = Webhook(secret if secret.startswith("whsec_") else secret.encode())
        self._keys = KeySet.import_key_set(jwks)
        self._acted_on: set[str] = set()
        self.attempts: list[Delivery] = []
        """Every request, whatever was answered."""
        self._failures: list[tuple[int, str]] = []
        self._changes = Changes()
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def accepted(self) -> list[Delivery]:
        """The work a real receiver did: once per approval, however often it was sent."""
        return [d for d in self.attempts if d.acted]

    def trust(self, jwks: dict[str, Any]) -> None:
        """Verify receipts with these keys from now on (the web process's, fetched)."""
        self._keys = KeySet.import_key_set(jwks)

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

    def verify(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        """What a receiving system runs on every request: the receipt's claims, or
        WebhookVerificationError / ReceiptRefused."""
        arguments = self._webhook.verify(body, headers)
        token = headers.get("Countersign-Approval", "")
        try:
            claims = jwt.decode(token, self._keys, algorithms=["Ed25519"]).claims
            # The receipt names the approval the webhook-id says it is.
            required = {name: {"essential": True} for name in RECEIPT_CLAIMS}
            required["jti"] = {"essential": True, "value": headers["webhook-id"]}
            JWTClaimsRegistry(**required).validate(claims)
        except errors.JoseError as err:
            raise ReceiptRefused(f"receipt: {err.error}") from err
        digest = hashlib.sha256(rfc8785.dumps(arguments)).hexdigest()
        if claims["arguments_sha256"] != digest:
            raise ReceiptRefused("receipt: not for this body")
        return claims

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = dict(request.headers)
        delivery = Delivery(request.path, headers, body, verified=False, status=401)
        try:
            delivery.receipt = self.verify(headers, body)
            delivery.verified = True
        except (WebhookVerificationError, ReceiptRefused, ValueError) as err:
            delivery.refusal = str(err) or type(err).__name__
        if not delivery.verified:
            text = f"refused: {delivery.refusal}"
        elif self._failures:
            delivery.status, text = self._failures.pop(0)
        elif delivery.receipt["jti"] in self._acted_on:
            # Single use: not acted on again. A 2xx all the same, as this is what a retry
            # after a lost answer looks like, and that work is done.
            delivery.status, text = 200, json.dumps({"received": True, "already_done": True})
        else:
            self._acted_on.add(delivery.receipt["jti"])
            delivery.status, delivery.acted, text = 200, True, json.dumps({"received": True})
        self.attempts.append(delivery)
        await self._changes.notify()
        return web.Response(status=delivery.status, text=text)


def whsec(raw: bytes) -> str:
    """A Standard Webhooks secret for the key `raw`."""
    return "whsec_" + base64.b64encode(raw).decode()
