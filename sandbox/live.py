"""Live updates for the page: one WebSocket per open tab, each acting as one person.

A tab gets a snapshot of what its person sees when it connects, then every change as it
happens. Ephemeral messages and modals go only to their person's tabs.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from sandbox.directory import PEOPLE
from sandbox.messages import Message
from sandbox.render import message_html, view_html
from sandbox.workspace import OpenView, Workspace

log = logging.getLogger("countersign.sandbox")

# How long a stopping sandbox waits for a tab to answer its close: a browser answers at once,
# a frozen tab or a dead network never does, and the stop must not wait for it.
CLOSE_SECONDS = 1.0


@dataclass(eq=False)
class _Tab:
    user: str
    updates: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)


class LivePage:
    """Observes the workspace and pushes what changed to every tab that may see it."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self._tabs: set[_Tab] = set()
        self._sockets: set[web.WebSocketResponse] = set()
        workspace.observers.append(self)

    def message_changed(self, message: Message) -> None:
        self._push(
            {"type": "message", "message": message_event(message)}, lambda tab: message.seen_by(tab.user)
        )

    def message_deleted(self, message: Message) -> None:
        self._push({"type": "message_deleted", "ts": message.ts}, lambda tab: message.seen_by(tab.user))

    def modal_changed(self, user: str) -> None:
        event = {"type": "modal", "modal": modal_event(self._workspace.modal_of(user))}
        self._push(event, lambda tab: tab.user == user)

    def snapshot(self, user: str) -> dict[str, Any]:
        return {
            "type": "snapshot",
            "messages": [message_event(m) for m in self._workspace.seen_by(user)],
            "modal": modal_event(self._workspace.modal_of(user)),
        }

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        """GET /live?user=U…: the tab's WebSocket."""
        user = request.query.get("user", "")
        if user not in {p.id for p in PEOPLE}:
            raise web.HTTPBadRequest(text="user must be one of the sandbox's people")
        socket = web.WebSocketResponse(heartbeat=20, timeout=CLOSE_SECONDS)
        await socket.prepare(request)
        tab = _Tab(user)
        tab.updates.put_nowait(self.snapshot(user))
        self._tabs.add(tab)
        self._sockets.add(socket)
        sender = asyncio.create_task(self._send(tab, socket))
        try:
            async for frame in socket:
                if frame.type is WSMsgType.ERROR:
                    break
        finally:
            self._tabs.discard(tab)
            self._sockets.discard(socket)
            sender.cancel()
        return socket

    async def close(self) -> None:
        """Tells every open tab the sandbox is going away (the page reconnects when it is
        back). Until then each tab's handler is still running, and a stop waits for it."""
        await asyncio.gather(
            *(
                socket.close(code=WSCloseCode.GOING_AWAY, message=b"sandbox stopping")
                for socket in list(self._sockets)
            )
        )

    def _push(self, event: dict[str, Any], wanted: Callable[[_Tab], bool]) -> None:
        for tab in self._tabs:
            if wanted(tab):
                tab.updates.put_nowait(event)

    async def _send(self, tab: _Tab, socket: web.WebSocketResponse) -> None:
        while True:
            event = await tab.updates.get()
            try:
                await socket.send_json(event)
            except ConnectionResetError:
                return


def message_event(message: Message) -> dict[str, Any]:
    return {
        "ts": message.ts,
        "thread_ts": message.thread_ts,
        "ephemeral": message.ephemeral,
        "from_bot": message.from_bot,
        "html": message_html(message),
    }


def modal_event(shown: OpenView | None) -> dict[str, Any] | None:
    if shown is None:
        return None
    return {
        "id": shown.view["id"],
        "hash": shown.view["hash"],
        "html": view_html(shown.view, shown.form, shown.notice),
    }
