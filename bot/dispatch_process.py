"""The web server's side of Bolt in a child process (bot.dispatcher).

Acking Slack costs a signature check and a JSON parse; the work after the ack costs
several times that (Bolt's middleware, Temporal and Slack calls). On one event loop,
every ack waits behind the work of the requests before it, so the work goes to a child
process and the operating system keeps the two apart.

Every request handed over stays here until the child says it is done. If the child
dies, it is started again and given them again: Slack was told they arrived and will
not send them twice. A repeat is harmless: a mention lands on its thread's workflow,
which drops an event it has seen, and a second decision is refused by the approval.
"""

import asyncio
import itertools
import json
import logging
import os
import socket
import sys
import time
from typing import Any

from slack_bolt.response import BoltResponse

from bot.dispatch import HEALTH_CHECK_SECONDS, SHUTDOWN_GRACE_SECONDS, SlackRequest
from bot.dispatch_wire import DISPATCH_FD, LINE_LIMIT, Kind, bolt_response, encode, request_message

log = logging.getLogger("countersign.bot")

# A child that dies sooner than this after starting is restarted after a growing pause.
STEADY_SECONDS = 10.0
MAX_RESTART_PAUSE_SECONDS = 30.0


class DispatcherFailed(Exception):
    """The child exited before it could take requests, or Bolt there could not read one."""


class DispatchProcess:
    """Bolt in `python -m bot.dispatcher`, fed over a socket pair; see bot.dispatch.Dispatch."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        # Encoded requests the child has not finished, in the order they came.
        self._unfinished: dict[int, bytes] = {}
        self._replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._process: asyncio.subprocess.Process | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._reading: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Starts the child and returns once it takes requests (it connects to Temporal first)."""
        await self._spawn()
        self._supervisor = asyncio.create_task(self._restart_when_it_dies())

    def after_ack(self, request: SlackRequest) -> None:
        self._send("after_ack", request)

    async def answer(self, request: SlackRequest) -> BoltResponse:
        reply = await self._reply_to(self._send("answer", request))
        if "error" in reply:
            raise DispatcherFailed(f"Bolt could not handle the request:\n{reply['error']}")
        return bolt_response(reply)

    async def healthy(self) -> bool:
        if self._writer is None:
            return False  # between a crash and its restart
        try:
            reply = await asyncio.wait_for(self._reply_to(self._send("health")), HEALTH_CHECK_SECONDS + 1)
        except TimeoutError:
            return False
        return reply["healthy"]

    async def finish(self) -> None:
        if self._supervisor:
            self._supervisor.cancel()
        # No writer: it stopped between a crash and the restart.
        if self._writer is not None and self._process is not None:
            if self._unfinished:
                log.info("Finishing %d acknowledged requests before stopping", len(self._unfinished))
            # End of input tells the child to finish what it has and exit.
            self._writer.write_eof()
            try:
                await asyncio.wait_for(self._process.wait(), SHUTDOWN_GRACE_SECONDS)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
        if self._unfinished:
            log.error("Stopped with %d acknowledged requests not handled", len(self._unfinished))

    def _send(self, kind: Kind, request: SlackRequest | None = None) -> int:
        request_id = next(self._ids)
        message = encode(request_message(request_id, kind, request))
        if kind != "health":
            self._unfinished[request_id] = message
        if self._writer is not None:
            self._writer.write(message)
        return request_id

    def _reply_to(self, request_id: int) -> asyncio.Future[dict[str, Any]]:
        # Made before the loop next runs, so before the child's reply can be read.
        reply = self._replies[request_id] = asyncio.get_running_loop().create_future()
        reply.add_done_callback(lambda _: self._replies.pop(request_id, None))
        return reply

    async def _spawn(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.dispatcher",
                env=os.environ | {DISPATCH_FD: str(theirs.fileno())},
                pass_fds=[theirs.fileno()],
            )
        reader, writer = await asyncio.open_connection(sock=ours, limit=LINE_LIMIT)
        if not await reader.readline():  # {"ready": true}, or nothing when it failed
            writer.close()
            raise DispatcherFailed(f"the Bolt dispatcher exited with {await self._process.wait()} at start")
        self._reading = asyncio.create_task(self._read_replies(reader))
        self._writer = writer
        for message in self._unfinished.values():  # those a dead child had not finished
            writer.write(message)

    async def _read_replies(self, reader: asyncio.StreamReader) -> None:
        async for line in reader:
            reply = json.loads(line)
            self._unfinished.pop(reply["id"], None)
            if (waiting := self._replies.get(reply["id"])) and not waiting.done():
                waiting.set_result(reply)

    async def _restart_when_it_dies(self) -> None:
        pause = 0.0
        while True:
            assert self._process
            started = time.monotonic()
            code = await self._process.wait()
            self._writer = None
            pause = min(max(pause * 2, 1.0), MAX_RESTART_PAUSE_SECONDS)
            if time.monotonic() - started > STEADY_SECONDS:
                pause = 0.0
            log.error(
                "The Bolt dispatcher exited with %s; restarting it in %.0fs with its %d unfinished requests",
                code,
                pause,
                len(self._unfinished),
            )
            await asyncio.sleep(pause)
            try:
                await self._spawn()
            except DispatcherFailed:
                log.exception("The Bolt dispatcher did not start")
