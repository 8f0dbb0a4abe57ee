"""Slack's signed requests to a bot, sent many at a time and timed one by one."""

import asyncio
import gc
import json
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import ClientSession

from blocks.approval_card import APPROVE_ACTION_ID
from tests.fakes.slack_payloads import button_click, mention_event
from tests.fakes.slack_requests import slack_signature

SIGNING_SECRET = "bench-signing-secret"
REQUESTER = "U0BENCHREQ"
APPROVER = "U0BENCHAPP"
CHANNEL = "C0BENCH"


@dataclass
class SignedRequest:
    body: str
    content_type: str


@dataclass(frozen=True)
class PostedCard:
    """A pending approval's card as Slack shows it: what a click on it carries."""

    workflow_id: str
    message_ts: str


def mention_requests(first: int, count: int) -> list[SignedRequest]:
    return [
        SignedRequest(
            json.dumps(
                mention_event(
                    text=f"<@W23456789> pay invoice {n} to ACME",
                    user=REQUESTER,
                    channel=CHANNEL,
                    ts=f"{1_800_000_000 + n}.000100",
                )
            ),
            "application/json",
        )
        for n in range(first, first + count)
    ]


def click_requests(cards: list[PostedCard]) -> list[SignedRequest]:
    """An Approve click by APPROVER on each card: from the card itself, so it counts."""
    return [
        SignedRequest(
            urlencode(
                {
                    "payload": json.dumps(
                        button_click(
                            action_id=APPROVE_ACTION_ID,
                            value=card.workflow_id,
                            user=APPROVER,
                            channel=CHANNEL,
                            message_ts=card.message_ts,
                        )
                    )
                }
            ),
            "application/x-www-form-urlencoded",
        )
        for card in cards
    ]


async def send_all(
    session: ClientSession, url: str, requests: list[SignedRequest], concurrency: int
) -> list[float]:
    """Sends `requests`, `concurrency` at a time, each signed as it leaves; returns each
    one's milliseconds from send to answer."""
    queue = list(reversed(requests))
    timings: list[float] = []

    async def sender() -> None:
        while queue:
            request = queue.pop()
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": request.content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": slack_signature(SIGNING_SECRET, timestamp, request.body),
            }
            began = time.perf_counter()
            async with session.post(url, data=request.body.encode(), headers=headers) as response:
                await response.read()
                elapsed = (time.perf_counter() - began) * 1000
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}")
            timings.append(elapsed)

    # A collection in this process would stall every request in flight and be counted
    # against whichever bot was being timed; as timeit does, none runs while timing.
    gc.disable()
    try:
        await asyncio.gather(*(sender() for _ in range(concurrency)))
    finally:
        gc.enable()
    return timings
