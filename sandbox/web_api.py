"""The Slack Web API at /api/{method}: the calls the bot (through slack_sdk) makes.

Arguments come as JSON, as a form, or in the query string, as Slack takes them; the
token as `Authorization: Bearer …` or a `token` argument. Errors are HTTP 200 with
`{"ok": false, "error": "<code>"}`, as Slack answers them.
"""

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from sandbox.block_validation import message_block_problems
from sandbox.context import SANDBOX, Sandbox

# The bot scopes of slack_manifest.yml; Slack reports the token's scopes on every answer.
OAUTH_SCOPES = "app_mentions:read,chat:write,commands,reactions:write,usergroups:read,users:read"


class ApiError(Exception):
    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class Args:
    """A call's arguments, whichever way they came."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else str(value)

    def required(self, name: str, error: str) -> str:
        value = self.text(name)
        if value is None:
            raise ApiError(error)
        return value

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        return value is True or str(value).lower() in ("true", "1")

    def structure(self, name: str, error: str) -> Any:
        """A JSON argument: an object in a JSON body, a JSON string in a form."""
        value = self._values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError(error) from None
        return value

    def blocks(self) -> list[dict[str, Any]] | None:
        """The `blocks` argument, refused as Slack refuses it when one block breaks a rule."""
        blocks = self.structure("blocks", "invalid_blocks_format")
        if blocks is None:
            return None
        if problems := message_block_problems(blocks):
            raise ApiError(
                "invalid_blocks",
                errors=problems,
                response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
            )
        return blocks


Method = Callable[[Sandbox, Args], Awaitable[dict[str, Any]]]


def web_api_handler(methods: dict[str, Method]) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def web_api(request: web.Request) -> web.Response:
        sandbox = request.app[SANDBOX]
        name = request.match_info["method"]
        method = methods.get(name)
        try:
            values = await _arguments(request)
            token = _bearer(request) or values.pop("token", None)
            if method is None:
                raise ApiError("unknown_method", req_method=name)
            if not token:
                raise ApiError("not_authed")
            if token != sandbox.settings.bot_token:
                raise ApiError("invalid_auth")
            answer = {"ok": True, **await method(sandbox, Args(values))}
        except ApiError as err:
            answer = {"ok": False, "error": err.error, **err.extra}
        return web.json_response(answer, headers={"X-OAuth-Scopes": OAUTH_SCOPES})

    return web_api


async def _arguments(request: web.Request) -> dict[str, Any]:
    values: dict[str, Any] = dict(request.query)
    body = await request.text()
    if not body:
        return values
    if request.content_type == "application/json":
        try:
            parsed = json.loads(body)
        except ValueError:
            raise ApiError("invalid_json") from None
        return values | (parsed if isinstance(parsed, dict) else {})
    return values | dict(parse_qsl(body, keep_blank_values=True))


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
