"""Timing `/approvals` end to end: from the command sent until its answer is posted.

The answer goes to the command's response_url, which this process serves itself, so
the moment it arrives is taken here, on the same clock as the send.
"""

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import ClientSession, web

from bot.approvals.list_blocks import NEXT_PAGE_ACTION_ID
from tests.fakes.slack_payloads import button_click, slash_command
from tests.fakes.slack_requests import slack_signature

RUNS = {"/approvals": 10, "/approvals all": 5, "/approvals #channel": 5, "Next page": 5}


@dataclass
class ListTimings:
    pending: int
    """Pending approvals in all, as `/approvals all` counted them."""
    matching: int
    """Those the caller may decide, as `/approvals` counted them."""
    runs: dict[str, list[float]] = field(default_factory=dict)
    """Milliseconds per run, by what was asked."""


class ResponseReceiver:
    """Serves response URLs; records when each answer arrived and what it said."""

    def __init__(self) -> None:
        self._arrived: dict[str, tuple[float, dict[str, Any]]] = {}
        self._changed = asyncio.Condition()
        self._names = itertools.count()
        self._base = ""

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/response/{name}", self._receive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return runner

    def new_url(self) -> str:
        return f"{self._base}/response/{next(self._names)}"

    async def answer(self, url: str, timeout: float = 30) -> tuple[float, dict[str, Any]]:
        name = url.rsplit("/", 1)[1]
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: name in self._arrived), timeout)
        return self._arrived[name]

    async def _receive(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        self._arrived[request.match_info["name"]] = (arrived, await request.json())
        async with self._changed:
            self._changed.notify_all()
        return web.Response(text="ok")


async def time_approvals_list(
    session: ClientSession, events_url: str, signing_secret: str, user: str, channel: str
) -> ListTimings:
    """Times each of RUNS, one at a time, as `user` typing in `channel`."""
    receiver = ResponseReceiver()
    runner = await receiver.start()

    async def timed(body: str) -> tuple[float, dict[str, Any]]:
        response_url = receiver.new_url()
        # Placed already encoded, as urlencode would have put it.
        body = body.replace("RESPONSE_URL", quote(response_url, safe=""))
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": slack_signature(signing_secret, timestamp, body),
        }
        began = time.perf_counter()
        async with session.post(events_url, data=body.encode(), headers=headers) as response:
            if response.status != 200:
                raise RuntimeError(f"/approvals answered {response.status}")
        arrived, answer = await receiver.answer(response_url)
        return (arrived - began) * 1000, answer

    def command(text: str) -> str:
        fields = slash_command(command="/approvals", text=text, user=user, channel=channel)
        return urlencode(fields | {"response_url": "RESPONSE_URL"})

    try:
        texts = {"/approvals": "", "/approvals all": "all", "/approvals #channel": f"<#{channel}00|bench>"}
        answers: dict[str, dict[str, Any]] = {}
        timings = ListTimings(pending=0, matching=0)
        for what, text in texts.items():
            timings.runs[what] = []
            for _ in range(RUNS[what]):
                elapsed, answers[what] = await timed(command(text))
                timings.runs[what].append(elapsed)
        next_click = _next_click(answers["/approvals"], user, channel)
        timings.runs["Next page"] = [(await timed(next_click))[0] for _ in range(RUNS["Next page"])]
        timings.matching = _total(answers["/approvals"])
        timings.pending = _total(answers["/approvals all"])
        return timings
    finally:
        await runner.cleanup()


def _next_click(answer: dict[str, Any], user: str, channel: str) -> str:
    (value,) = [
        element["value"]
        for block in answer["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == NEXT_PAGE_ACTION_ID
    ]
    payload = button_click(
        action_id=NEXT_PAGE_ACTION_ID, value=value, user=user, channel=channel, message_ts="1800000000.000300"
    )
    payload["response_url"] = "RESPONSE_URL"
    return urlencode({"payload": json.dumps(payload)})


def _total(answer: dict[str, Any]) -> int:
    title = answer["blocks"][0]["text"]["text"]
    match = re.search(r"of ([\d,]+)", title)
    if not match:
        raise RuntimeError(f"no count in the answer's title: {title!r}")
    return int(match.group(1).replace(",", ""))
