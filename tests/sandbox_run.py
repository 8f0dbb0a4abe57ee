"""The sandbox served on loopback for tests, and a person acting through its page's API."""

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web

from countersign.settings import SANDBOX_BOT_TOKEN, SANDBOX_SIGNING_SECRET, SANDBOX_WEBHOOK_SIGNING_SECRET
from sandbox.app import build_sandbox_app
from sandbox.context import SANDBOX, Sandbox
from sandbox.settings import SandboxSettings


def loopback_socket() -> socket.socket:
    """A listening socket on a free loopback port: its port is known before anything runs
    on it, so the sandbox and the bot can each be told the other's address."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def port_of(sock: socket.socket) -> int:
    return sock.getsockname()[1]


@dataclass
class RunningSandbox:
    url: str
    settings: SandboxSettings
    app: web.Application

    @property
    def api_url(self) -> str:
        return self.settings.api_url

    @property
    def state(self) -> Sandbox:
        return self.app[SANDBOX]


@asynccontextmanager
async def serve_sandbox(
    request_url: str, sock: socket.socket | None = None, state_file: Path | None = None
) -> AsyncIterator[RunningSandbox]:
    sock = sock or loopback_socket()
    url = f"http://127.0.0.1:{port_of(sock)}"
    settings = SandboxSettings(
        host="127.0.0.1",
        port=port_of(sock),
        public_url=url,
        request_url=request_url,
        signing_secret=SANDBOX_SIGNING_SECRET,
        bot_token=SANDBOX_BOT_TOKEN,
        state_file=state_file,
        webhook_signing_secret=SANDBOX_WEBHOOK_SIGNING_SECRET,
    )
    app = build_sandbox_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    try:
        yield RunningSandbox(url=url, settings=settings, app=app)
    finally:
        await runner.cleanup()


class Person:
    """Someone using the sandbox's page, without a browser: the page's own endpoints."""

    def __init__(self, sandbox: RunningSandbox, user: str, http: ClientSession) -> None:
        self.user = user
        self._sandbox = sandbox
        self._http = http

    async def types(self, text: str, thread_ts: str | None = None) -> dict[str, Any]:
        return await self._post("/ui/compose", text=text, thread_ts=thread_ts)

    async def clicks(self, message_ts: str, block_id: str, action_id: str) -> dict[str, Any]:
        return await self._post("/ui/click", message_ts=message_ts, block_id=block_id, action_id=action_id)

    async def submits(self, view_id: str, values: dict[str, dict[str, str]]) -> dict[str, Any]:
        return await self._post("/ui/submit", view_id=view_id, values=values)

    async def closes(self, view_id: str) -> dict[str, Any]:
        return await self._post("/ui/close", view_id=view_id)

    async def _post(self, path: str, **fields: Any) -> dict[str, Any]:
        async with self._http.post(self._sandbox.url + path, json={"user": self.user, **fields}) as response:
            return await response.json()
