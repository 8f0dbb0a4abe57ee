"""The fake Slack Web API in a process of its own, for bench.bot_latency.

In the benchmark's own process its work (every card, reaction and update the bot and
worker make) would share the event loop that times the requests, and delay the timing.
`python -m bench.slack_server` prints `<api_url> <counts_url>` on its first stdout line;
GET counts_url answers the accepted calls so far, by method.
"""

import asyncio
import logging
import signal
import sys
import time
from collections import Counter

from aiohttp import ClientSession, web

from bench.child_process import ChildProcess
from tests.fakes.slack_web_api import FakeSlackWebApi

log = logging.getLogger("bench")


async def serve() -> None:
    slack = await FakeSlackWebApi().start()

    async def counts(_: web.Request) -> web.Response:
        return web.json_response(Counter(call.method for call in slack.calls))

    app = web.Application()
    app.router.add_get("/counts", counts)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(slack.api_url, f"http://127.0.0.1:{port}/counts", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()
    await slack.stop()


class FakeSlackProcess(ChildProcess):
    """The fake Slack Web API; `count(method)` is how many such calls it accepted."""

    api_url = ""
    _counts_url = ""

    async def begin(self, session: ClientSession) -> None:
        await self.start()
        self.api_url, self._counts_url = (await self.first_stdout_line()).split()
        self._session = session

    async def count(self, *methods: str) -> int:
        """Accepted calls of any of `methods`."""
        async with self._session.get(self._counts_url) as response:
            counts = await response.json()
        return sum(counts.get(method, 0) for method in methods)

    async def wait_for(self, count: int, *methods: str, timeout: float = 600) -> int:
        """Returns once `count` calls of `methods` were accepted (the count), logging progress."""
        deadline = time.monotonic() + timeout
        last_logged = time.monotonic()
        while (done := await self.count(*methods)) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"only {done} of {count} {' or '.join(methods)} calls after {timeout:.0f}s"
                )
            if time.monotonic() - last_logged > 5:
                log.info(
                    "  waiting for the bot and worker to settle: %d/%d %s", done, count, " or ".join(methods)
                )
                last_logged = time.monotonic()
            await asyncio.sleep(0.2)
        return done


def main() -> None:
    if sys.argv[1:]:
        raise SystemExit("usage: python -m bench.slack_server")
    asyncio.run(serve())


if __name__ == "__main__":
    main()
