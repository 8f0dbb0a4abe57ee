"""A fake Slack Web API on loopback: answers with Slack's response shapes, records every
call, and can be told to fail the next calls of a method (429s, 5xx, ok:false errors) or
to refuse a token (invalid_auth, as Slack answers a wrong or revoked one).
"""

import asyncio
import copy
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.fakes.block_kit import block_kit_problems
from tests.fakes.changes import Changes

# User groups usergroups.users.list answers for, as actions.example.yml's policies name them
# (the sandbox's people: Grace Hopper and Alan Turing).
USER_GROUPS = {"S0SECURITY": ["U02GRACEHO", "U03ALANTUR"], "S0COMMS": ["U02GRACEHO"]}
_RESPONSES = json.loads((Path(__file__).parent.parent / "fixtures/slack/web_api_responses.json").read_text())
_EXAMPLES = _RESPONSES["openapi_examples"]
BOT_AUTH_TEST = _RESPONSES["bolt_mock_server_auth_test"]["bot_token_response"]


@dataclass
class SlackCall:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    response: dict[str, Any] = field(default_factory=dict)
    """What the fake answered (a posted message's ts, …)."""


@dataclass
class _Failure:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlackWebApi:
    """Serve with `await start()`; point SLACK_API_URL (a client's base_url) at `api_url`."""

    def __init__(self) -> None:
        self.calls: list[SlackCall] = []
        """Calls Slack accepted: each one a message posted, updated, ..."""
        self.attempts: list[SlackCall] = []
        """Every request, failed ones too."""
        self._failures: dict[str, list[_Failure]] = {}
        self._delays: dict[str, list[float]] = {}
        self.names: dict[str, str] = {}
        """Display names users.info answers with; anyone else is "Name of U…"."""
        self.user_groups: dict[str, list[str]] = {k: list(v) for k, v in USER_GROUPS.items()}
        """What usergroups.users.list answers; another group is no_such_subteam."""
        self.refused_tokens: set[str] = set()
        """Tokens every method answers with invalid_auth."""
        self._ts = itertools.count(1)
        self._changes = Changes()
        self._runner: web.AppRunner | None = None
        self.api_url = ""

    async def start(self) -> "FakeSlackWebApi":
        app = web.Application()
        app.router.add_post("/api/{method}", self._handle)
        app.router.add_get("/api/{method}", self._handle)
        app.router.add_post("/response_url/{name}", self._handle_response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.api_url = f"http://127.0.0.1:{port}/api/"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def fail(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail: ok:false with `error`, or an HTTP status."""
        body: dict[str, Any] | str = {"ok": False, "error": error} if error else "<html>Server Error</html>"
        if status == 429:
            body = _RESPONSES["rate_limited"]["body"]
        self._failures.setdefault(method, []).extend([_Failure(status, body, headers or {})] * times)

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next `times` calls of `method` take `seconds` to be answered, as Slack's
        calls do under load or when rate limited."""
        self._delays.setdefault(method, []).extend([seconds] * times)

    def response_url(self, name: str) -> str:
        """A `response_url` to put in a payload: what is posted to it is recorded as a call
        of the method "response_url", with `name` in its args as `response_url_name`."""
        return self.api_url.removesuffix("api/") + f"response_url/{name}"

    def calls_to(self, method: str) -> list[SlackCall]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, predicate: Callable[[], Any], *, timeout: float = 10, what: str = "Slack calls"
    ) -> Any:
        """Waits until predicate() is truthy (re-checked on every call) and returns it."""
        return await self._changes.wait_for(
            predicate,
            timeout=timeout,
            describe=lambda: f"Timed out waiting for {what}; calls: {self._summary()}",
        )

    async def wait_for_call(self, method: str, *, count: int = 1, timeout: float = 10) -> SlackCall:
        calls = await self.wait_for(
            lambda: len(self.calls_to(method)) >= count and self.calls_to(method),
            timeout=timeout,
            what=f"{count} {method} call(s)",
        )
        return calls[count - 1]

    def _summary(self) -> str:
        return ", ".join(c.method for c in self.calls) or "none"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await _read_args(request)
        if delays := self._delays.get(method):
            await asyncio.sleep(delays.pop(0))
        queue = self._failures.get(method)
        failure = queue.pop(0) if queue else None
        if _token(request, args) in self.refused_tokens:
            failure = _Failure(200, _RESPONSES["bolt_mock_server_auth_test"]["invalid_auth_response"])
        if failure is None and isinstance(args.get("blocks"), list | str):
            blocks = args["blocks"] if isinstance(args["blocks"], list) else json.loads(args["blocks"])
            if problems := block_kit_problems(blocks):
                # What Slack answers when one block breaks a limit: the whole message fails.
                failure = _Failure(200, {"ok": False, "error": "invalid_blocks", "errors": problems})
        self.attempts.append(SlackCall(method, args, dict(request.headers)))
        answer = {} if failure else self._answer(method, args)
        if failure is None:
            # Only calls Slack accepted count as done; a failed attempt leaves no message.
            self.calls.append(SlackCall(method, args, dict(request.headers), answer))
        await self._changes.notify()
        if failure:
            if isinstance(failure.body, str):
                return web.Response(status=failure.status, text=failure.body, content_type="text/html")
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        return web.json_response(answer)

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        # Slack answers a response_url with plain text: "ok", or the error on a 4xx.
        call = SlackCall(
            "response_url",
            {**await request.json(), "response_url_name": request.match_info["name"]},
            dict(request.headers),
        )
        problems = block_kit_problems(call.args.get("blocks", []))
        self.attempts.append(call)
        if not problems:
            self.calls.append(call)
        await self._changes.notify()
        if problems:
            return web.Response(status=400, text="invalid_blocks")
        return web.Response(text="ok")

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"{1700000000 + next(self._ts)}.000100"
        channel = args.get("channel", "C0000000000")
        if method == "auth.test":
            return BOT_AUTH_TEST
        if method == "chat.postMessage":
            message = {
                "type": "message",
                "text": args.get("text", ""),
                "ts": ts,
                "bot_id": BOT_AUTH_TEST["bot_id"],
            }
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            return {
                **_EXAMPLES["chat.update"]["ok_example"],
                "channel": channel,
                "ts": args.get("ts"),
                "text": args.get("text", ""),
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "chat.getPermalink":
            message_id = str(args.get("message_ts", "")).replace(".", "")
            return {
                "ok": True,
                "channel": channel,
                "permalink": f"https://example.slack.com/archives/{channel}/p{message_id}",
            }
        if method in ("views.open", "views.update"):
            view = args.get("view")
            view = json.loads(view) if isinstance(view, str) else view or {}
            return {
                "ok": True,
                "view": {
                    **_EXAMPLES["views.open"]["ok_example"]["view"],
                    **view,
                    "id": f"V{next(self._ts)}",
                },
            }
        if method == "usergroups.users.list":
            group = self.user_groups.get(str(args.get("usergroup", "")))
            if group is None:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": list(group)}
        if method == "users.info":
            user = str(args.get("user", ""))
            answer = copy.deepcopy(_EXAMPLES["users.info"]["ok_example"])
            name = self.names.get(user, f"Name of {user}")
            answer["user"].update(id=user, name=user.lower(), real_name=name)
            answer["user"]["profile"].update(display_name=name, real_name=name)
            return answer
        return {"ok": True}


def _token(request: web.Request, args: dict[str, Any]) -> str | None:
    bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bearer or args.get("token")


async def _read_args(request: web.Request) -> dict[str, Any]:
    body = await request.text()
    if request.content_type == "application/json" and body:
        return json.loads(body)
    return dict(parse_qsl(body)) | dict(request.query)
