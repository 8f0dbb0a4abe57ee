"""The bot's Request URL, reached as Slack reaches it: signed POSTs, 3 seconds to answer.

Events are JSON; interactivity is a form with one `payload` field holding JSON; slash
commands are a plain form. An event that fails is sent again at once with
`X-Slack-Retry-Num: 1`, as Slack's first retry is; clicks and commands are not retried
(Slack shows the person an error instead).
"""

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from sandbox.signing import signed_headers

log = logging.getLogger("countersign.sandbox")

# Slack waits this long for the app's answer (its ack) before giving up.
ACK_SECONDS = 3.0
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class BotAnswer:
    """What the bot answered: an HTTP status and body, or why there was none."""

    status: int | None
    body: str = ""
    failure: str | None = None
    """Slack's name for a missing answer: operation_timeout, connection_failed, http_error."""

    @property
    def ok(self) -> bool:
        return self.status == 200

    def json(self) -> dict[str, Any] | None:
        """The answer as JSON when it is a JSON object (an ack with a payload)."""
        if not self.body.lstrip().startswith("{"):
            return None
        try:
            answer = json.loads(self.body)
        except ValueError:
            return None
        return answer if isinstance(answer, dict) else None

    def describe(self) -> str:
        if self.failure == "operation_timeout":
            return f"did not answer within {ACK_SECONDS:.0f} seconds"
        if self.failure == "connection_failed":
            return "could not be reached (is the bot running?)"
        return f"answered HTTP {self.status}"


class RequestUrl:
    def __init__(self, url: str, signing_secret: str, session: aiohttp.ClientSession) -> None:
        self.url = url
        self._secret = signing_secret
        self._session = session

    async def send_event(self, envelope: dict[str, Any]) -> BotAnswer:
        body = json.dumps(envelope)
        answer = await self._post(body, "application/json")
        if answer.status is not None and 200 <= answer.status < 300:
            return answer
        reason = "http_timeout" if answer.failure == "operation_timeout" else answer.failure or "http_error"
        log.warning("Event delivery failed (%s); retrying once", answer.describe())
        return await self._post(
            body, "application/json", {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": reason}
        )

    async def send_interaction(self, payload: dict[str, Any]) -> BotAnswer:
        return await self._post(urlencode({"payload": json.dumps(payload)}), FORM)

    async def send_command(self, form: dict[str, str]) -> BotAnswer:
        return await self._post(urlencode(form), FORM)

    async def _post(self, body: str, content_type: str, extra: dict[str, str] | None = None) -> BotAnswer:
        headers = signed_headers(self._secret, body, content_type) | (extra or {})
        try:
            async with asyncio.timeout(ACK_SECONDS):
                async with self._session.post(self.url, data=body.encode(), headers=headers) as response:
                    return BotAnswer(response.status, await response.text())
        except TimeoutError:
            return BotAnswer(None, failure="operation_timeout")
        except aiohttp.ClientError as err:
            log.warning("Could not reach the bot at %s: %s", self.url, err)
            return BotAnswer(None, failure="connection_failed")
