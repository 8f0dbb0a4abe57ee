"""Benchmark: the worker's memory with many pending approvals, and a click on one it evicted.

`python -m bench.worker_memory [--pending 1000,10000] [--clicks 10] [--cache N]` from the repo
root. All on loopback: a throwaway dev server (SQLite with WAL, search attributes
registered), the fake Slack Web API in this process, and the real worker (`python -m
workflows.worker`, approval-only mode) in a child process. Pending requests are started as
the bot starts a mention's (signal-with-start of its AgentWorkflow, which starts the
ApprovalWorkflow that posts the card), in steps up to each count. At each count, once every
card is posted and the worker is idle, its RSS is read; then the oldest cards are clicked
one at a time, each timed from the `decide` signal to its `chat.update`. The oldest are long
out of the worker's cache: each click replays its approval. Progress goes to stderr, the
figures to stdout; the last line is RSS at the largest count over RSS at the smallest
(target: at most 1.1).
"""

import argparse
import asyncio
import contextlib
import logging
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment

from bench.approvals import APPROVER, REQUESTER, WAL_PRAGMAS, worker_env
from bench.child_process import ChildProcess
from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes
from domain.models import AgentRequest, ClickOrigin, DecisionSubmission
from tests.bot.cards import cards
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall
from workflows.agent import AgentWorkflow, Conversation
from workflows.approval import ApprovalWorkflow

log = logging.getLogger("bench")

TEAM = "T0BENCH"
RSS_RATIO_TARGET = 1.1
# Requests in flight at once, under the worker's cache: pending approvals build up as in
# production, a few at a time, each evicted once it waits on its card. Starting thousands
# at once makes every workflow task a cache miss, a thrash no real load sees (hours, not
# minutes, to post 9,000 cards).
STEP = 200


@dataclass
class Level:
    pending: int
    """Requests waiting for a decision when the RSS was read."""
    rss_mib: float | None
    peak_rss_mib: float | None
    clicks_ms: list[float] = field(default_factory=list)
    """Signal to card update, per click on an evicted approval."""


def mention(index: int) -> AgentRequest:
    ts = f"{1_800_000_000 + index}.000100"
    return AgentRequest(
        team=TEAM,
        # A channel each: the card's post looks for identical pending cards in its channel,
        # a visibility query that would grow with every request in one channel.
        channel=f"C0MEM{index:06d}",
        user=REQUESTER,
        text=f"Pay invoice {index} to ACME",
        event_ts=ts,
        thread_ts=ts,
    )


async def start_request(client: Client, task_queue: str, index: int) -> None:
    request = mention(index)
    await client.start_workflow(
        AgentWorkflow.run,
        Conversation(team=request.team, channel=request.channel, thread_ts=request.thread_ts),
        id=f"agent-{TEAM}-{request.channel}-{request.event_ts}",
        task_queue=task_queue,
        start_signal="add_message",
        start_signal_args=[request],
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )


async def cards_posted(
    slack: FakeSlackWebApi, count: int, worker: ChildProcess, stalled_s: float = 120, quiet: bool = False
) -> None:
    """Waits for `count` cards, logging progress every 10 s; fails if none comes for `stalled_s`."""
    posted, progressed = len(cards(slack)), time.monotonic()
    while posted < count:
        if time.monotonic() - progressed > stalled_s:
            raise RuntimeError(
                f"no card posted for {stalled_s:.0f}s, {posted} of {count} posted; "
                f"the worker's last lines:\n{worker.last_lines()}"
            )
        if not quiet:
            log.info("  cards posted: %d/%d", posted, count)
        with contextlib.suppress(AssertionError):
            await slack.wait_for(lambda: len(cards(slack)) >= count, timeout=10)
        if len(cards(slack)) > posted:
            posted, progressed = len(cards(slack)), time.monotonic()


async def start_in_steps(
    client: Client, slack: FakeSlackWebApi, worker: ChildProcess, task_queue: str, first: int, last: int
) -> None:
    """Starts requests `first`..`last` - 1, STEP at a time, each step once the last one's
    cards are posted, logging progress every 10 s."""
    logged = time.monotonic()
    for begin in range(first, last, STEP):
        end = min(begin + STEP, last)
        await asyncio.gather(*(start_request(client, task_queue, i) for i in range(begin, end)))
        await cards_posted(slack, end, worker, quiet=True)
        if time.monotonic() - logged > 10 or end == last:
            log.info("  cards posted: %d/%d", end, last)
            logged = time.monotonic()


async def idle(worker: ChildProcess, quiet_s: float = 3.0, timeout: float = 600) -> None:
    """Returns once the worker used under 2% of a CPU for `quiet_s` seconds running."""
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    last = worker.cpu_seconds()
    while time.monotonic() - quiet_since < quiet_s:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the worker was still busy after {timeout:.0f}s")
        await asyncio.sleep(0.5)
        now = worker.cpu_seconds()
        if last is None or now is None:
            return  # no /proc: nothing to watch
        if now - last > 0.01:
            quiet_since = time.monotonic()
        last = now


async def click(client: Client, slack: FakeSlackWebApi, card: SlackCall) -> float:
    """Signals Approve on `card`'s approval; milliseconds until its card was updated."""
    approval: WorkflowHandle = client.get_workflow_handle_for(
        ApprovalWorkflow.run, card.args["blocks"][-1]["elements"][0]["value"]
    )
    ts = card.response["ts"]
    decision = DecisionSubmission(approved=True, user=APPROVER, origin=ClickOrigin(from_list=True))
    clicked = time.monotonic()
    await approval.signal(ApprovalWorkflow.decide, decision)
    await slack.wait_for(
        lambda: any(c.args.get("ts") == ts for c in slack.calls_to("chat.update")),
        timeout=60,
        what=f"the update of card {ts}",
    )
    return (time.monotonic() - clicked) * 1000


async def run_levels(
    client: Client, slack: FakeSlackWebApi, workdir: Path, levels: list[int], clicks: int, cache: int | None
) -> list[Level]:
    task_queue = f"bench-memory-{uuid.uuid4()}"
    env = worker_env(client.service_client.config.target_host, task_queue, slack.api_url)
    # No model: approval-only mode, so no model server is needed and a card comes at once.
    env |= {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    if cache is not None:
        env["WORKER_MAX_CACHED_WORKFLOWS"] = str(cache)
    worker = ChildProcess("worker", "workflows.worker", env, workdir)
    results: list[Level] = []
    started = clicked = 0
    try:
        await worker.start()
        await worker.logged("Worker ready")
        for count in levels:
            await start_in_steps(client, slack, worker, task_queue, started, count)
            started = count
            log.info("every card posted; waiting for the worker to be idle")
            await idle(worker)
            level = Level(started - clicked, worker.rss_mib(), worker.peak_rss_mib())
            log.info("%d pending: RSS %.0f MiB (peak %.0f)", level.pending, level.rss_mib, level.peak_rss_mib)
            for card in cards(slack)[clicked : clicked + clicks]:
                level.clicks_ms.append(await click(client, slack, card))
                log.info("  click on card %d: %.0f ms", clicked + 1, level.clicks_ms[-1])
                clicked += 1
            results.append(level)
    finally:
        await worker.stop()
    return results


async def run(levels: list[int], clicks: int, cache: int | None) -> list[Level]:
    async with contextlib.AsyncExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="countersign-bench-")))
        log.info("starting the Temporal dev server (SQLite in %s)", workdir)
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_binary(),
            dev_server_database_filename=str(workdir / "bench.sqlite"),
            dev_server_extra_args=WAL_PRAGMAS,
            search_attributes=search_attributes.ALL,
            data_converter=DATA_CONVERTER,
        )
        stack.push_async_callback(env.shutdown)
        slack = await FakeSlackWebApi().start()
        stack.push_async_callback(slack.stop)
        return await run_levels(env.client, slack, workdir, levels, clicks, cache)


def report(levels: list[Level], cache: int | None) -> None:
    def mib(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    print(f"worker cache: {cache if cache is not None else 'the setting default'} workflows")
    print(f"{'pending':>8}{'RSS MiB':>9}{'peak MiB':>10}   click on an evicted approval to card update (ms)")
    for level in levels:
        clicks = level.clicks_ms
        summary = f"median {statistics.median(clicks):.0f}, max {max(clicks):.0f}" if clicks else "-"
        print(f"{level.pending:>8}{mib(level.rss_mib):>9}{mib(level.peak_rss_mib):>10}   {summary}")
    first, last = levels[0], levels[-1]
    if first.rss_mib and last.rss_mib and len(levels) > 1:
        ratio = last.rss_mib / first.rss_mib
        print(
            f"RSS ratio ({last.pending} / {first.pending} pending): {ratio:.2f} "
            f"(target at most {RSS_RATIO_TARGET})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker_memory", description=__doc__)
    parser.add_argument("--pending", default="1000,10000", help="pending counts, ascending (1000,10000)")
    parser.add_argument("--clicks", type=int, default=10, help="clicks on evicted approvals per count (10)")
    parser.add_argument("--cache", type=int, help="WORKER_MAX_CACHED_WORKFLOWS (default: the setting's)")
    args = parser.parse_args()
    levels = [int(n) for n in args.pending.split(",")]
    if levels != sorted(levels) or levels[0] < 1 or args.clicks < 0:
        parser.error("--pending must be ascending counts of at least 1, --clicks at least 0")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    report(asyncio.run(run(levels, args.clicks, args.cache)), args.cache)


if __name__ == "__main__":
    main()
