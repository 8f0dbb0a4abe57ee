"""Requests to the bot built and signed exactly as Slack sends them.

Slack signs `v0:{timestamp}:{raw body}` with the app's signing secret (HMAC-SHA256,
hex) and sends it as `X-Slack-Signature: v0=…` with `X-Slack-Request-Timestamp`.
Events are JSON; interactivity is a form with one `payload` field holding JSON; slash
commands are a plain form. See tests/fixtures/slack/signature_test_vectors.json.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession


def slack_signature(signing_secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(signing_secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return f"v0={digest.hexdigest()}"


@dataclass
class BotResponse:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class SlackRequests:
    """Sends signed requests to a bot's Request URL (`url`), the way Slack does."""

    def __init__(self, url: str, signing_secret: str, session: ClientSession) -> None:
        self.url = url
        self._secret = signing_secret
        self._session = session

    async def event(self, body: dict[str, Any], *, retry_num: int | None = None) -> BotResponse:
        """An Events API delivery; `retry_num` 1-3 marks Slack's redeliveries."""
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(
            json.dumps(body), "application/json", extra_headers=headers if retry_num else None
        )

    async def interaction(self, payload: dict[str, Any]) -> BotResponse:
        """A click, a modal submission: `payload=<urlencoded JSON>`."""
        return await self.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    async def command(self, fields: dict[str, str]) -> BotResponse:
        """A slash command: the form fields Slack posts (see slash_command_body.txt)."""
        return await self.post(urlencode(fields), "application/x-www-form-urlencoded")

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> BotResponse:
        """Any body, signed unless `signature` is given; `timestamp` defaults to now."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or slack_signature(self._secret, ts, body),
            **(extra_headers or {}),
        }
        async with self._session.post(self.url, data=body.encode(), headers=headers) as response:
            return BotResponse(response.status, await response.text())
