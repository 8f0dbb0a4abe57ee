"""Slack's side of Socket Mode on loopback.

`apps.connections.open` hands out a WebSocket URL; `send` pushes an envelope down it
and waits for the app's ack (`{"envelope_id": …}`). Every other Web API call is passed
on to the fake Web API, so one SLACK_API_URL serves both. `go_down()` drops the WebSocket
and refuses new ones (HTTP 503, as a WebSocket endpoint that is down answers) until
`come_up()`; the Web API stays up.
"""

import asyncio
import json
import uuid
from typing import Any

from aiohttp import ClientSession, WSMsgType, web

from tests.fakes.slack_web_api import FakeSlackWebApi


class FakeSocketModeSlack:
    def __init__(self, web_api: FakeSlackWebApi) -> None:
        self._web_api = web_api
        self._socket: web.WebSocketResponse | None = None
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.connected = asyncio.Event()
        self.up = True
        self.refused = 0
        """WebSocket connections refused while down."""
        self.app_token_refused = False
        """True: apps.connections.open answers invalid_auth, as for a wrong app token."""
        self._runner: web.AppRunner | None = None
        self._http: ClientSession | None = None
        self.api_url = ""

    async def start(self) -> "FakeSocketModeSlack":
        app = web.Application()
        app.router.add_post("/api/apps.connections.open", self._open_connection)
        app.router.add_route("*", "/api/{method}", self._pass_on)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.api_url = f"http://127.0.0.1:{self._port}/api/"
        self._http = ClientSession()
        return self

    async def stop(self) -> None:
        if self._socket:
            await self._socket.close()
        if self._http:
            await self._http.close()
        if self._runner:
            await self._runner.cleanup()

    async def go_down(self) -> None:
        self.up = False
        self.connected.clear()
        if self._socket:
            await self._socket.close()

    def come_up(self) -> None:
        self.up = True

    async def send(
        self, envelope_type: str, payload: dict[str, Any], *, retry_attempt: int = 0, timeout: float = 5
    ) -> dict[str, Any]:
        """Delivers one envelope (`events_api`, `interactive`, `slash_commands`); returns the ack."""
        await asyncio.wait_for(self.connected.wait(), timeout)
        assert self._socket is not None
        envelope_id = str(uuid.uuid4())
        self._acks[envelope_id] = asyncio.get_running_loop().create_future()
        envelope = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": envelope_type != "events_api",
        }
        if envelope_type == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else ""}
        await self._socket.send_str(json.dumps(envelope))
        return await asyncio.wait_for(self._acks[envelope_id], timeout)

    async def _open_connection(self, _: web.Request) -> web.Response:
        if self.app_token_refused:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self._port}/link"})

    async def _link(self, request: web.Request) -> web.StreamResponse:
        if not self.up:
            self.refused += 1
            return web.Response(status=503, text="Service Unavailable")
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        await socket.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self.connected.set()
        async for message in socket:
            if message.type is WSMsgType.TEXT:
                ack = json.loads(message.data)
                if future := self._acks.get(ack.get("envelope_id")):
                    future.set_result(ack)
        return socket

    async def _pass_on(self, request: web.Request) -> web.Response:
        assert self._http is not None
        async with self._http.request(
            request.method,
            self._web_api.api_url + request.match_info["method"],
            data=await request.read(),
            headers={
                k: v for k, v in request.headers.items() if k.lower() in ("content-type", "authorization")
            },
        ) as answer:
            return web.Response(
                status=answer.status, body=await answer.read(), content_type=answer.content_type
            )
