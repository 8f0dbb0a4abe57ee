"""Bolt in a process of its own, fed by the bot's web server over a socket pair.

Started by bot.dispatch_process, not by hand: the socket's file descriptor comes in
DISPATCH_FD. The web server only verifies, acks and passes requests on; the work after
the ack (Bolt's middleware, Temporal calls, Slack calls) runs here, scheduled by the
operating system apart from the acks, so it never holds up the next one.

It stops when the web server closes its end of the socket, once everything it was
handed is done. SIGTERM and Ctrl-C are the web server's to act on: it closes that end
after Slack's route is closed, so nothing acknowledged is dropped on the way down.
"""

import asyncio
import json
import logging
import os
import signal
import socket
import traceback
from typing import Any

from slack_bolt.async_app import AsyncApp
from temporalio.client import Client

from bot.app import build_app
from bot.dispatch_in_process import run_after_ack, temporal_reachable
from bot.dispatch_wire import DISPATCH_FD, LINE_LIMIT, answer_message, encode, slack_request
from countersign.logs import configure_logging
from countersign.settings import Settings, exit_on_bad_settings, load_settings
from countersign.temporal_client import connect

log = logging.getLogger("countersign.bot")


async def serve(settings: Settings, channel: socket.socket) -> None:
    temporal_client = await connect(settings)
    bolt_app = build_app(settings, temporal_client)
    reader, writer = await asyncio.open_connection(sock=channel, limit=LINE_LIMIT)
    writer.write(encode({"ready": True}))
    log.info("Bolt dispatcher ready", extra={"pid": os.getpid()})
    handling: set[asyncio.Task[None]] = set()
    async for line in reader:
        reply_when_done = asyncio.create_task(_handle(bolt_app, temporal_client, json.loads(line), writer))
        handling.add(reply_when_done)
        reply_when_done.add_done_callback(handling.discard)
    if handling:
        log.info("Finishing %d requests before stopping", len(handling))
        await asyncio.wait(handling)
    writer.close()
    log.info("Bolt dispatcher stopped")


async def _handle(
    bolt_app: AsyncApp, temporal_client: Client, message: dict[str, Any], writer: asyncio.StreamWriter
) -> None:
    request_id = message["id"]
    reply: dict[str, Any] = {"id": request_id}
    match message["kind"]:
        case "after_ack":
            await run_after_ack(bolt_app, slack_request(message))
        case "answer":
            try:
                response = await bolt_app.async_dispatch(slack_request(message).for_bolt())
                reply = answer_message(request_id, response)
            except Exception:
                # The web server decides between 401 and 400 and logs it.
                reply["error"] = traceback.format_exc()
        case "health":
            reply["healthy"] = await temporal_reachable(temporal_client)
    writer.write(encode(reply))


def main() -> None:
    channel = socket.socket(fileno=int(os.environ[DISPATCH_FD]))
    # Slack retries what is not acked within 3 s; the work here can wait a few ms. When
    # both want the CPU, the web server's acks go first.
    os.nice(19)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    with exit_on_bad_settings("countersign bot dispatcher"):
        settings = load_settings()
    configure_logging(settings.log_level)
    asyncio.run(serve(settings, channel))


if __name__ == "__main__":
    main()
