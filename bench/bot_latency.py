"""Benchmark: how fast the bot acks Slack, beside a bare durable Bolt app, and `/approvals` at 10,000.

`python -m bench.bot_latency [--requests N] [--concurrency C] [--rounds R] [--pending P] [--shared-cpus]`
from the repo root. All on loopback, each part in a process of its own: a throwaway
Temporal dev server (SQLite with WAL, search attributes registered), the fake Slack Web
API, the worker, our bot (`python -m bot.http.server`) and the bare durable app
(`bench.bare_bolt`: the same one Temporal call before each ack, nothing else). This
process only sends Slack's signed requests and times them. Unless --shared-cpus, the bots
and this process run on half the CPUs and the rest on the other half
(bench.cpu_placement). Progress goes to stderr, figures to stdout; the last line is our
ack p99 over the bare durable app's.
"""

import argparse
import asyncio
import logging
import math
import os
import socket
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import ClientSession, TCPConnector
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from bench.approvals_list_timing import ListTimings, time_approvals_list
from bench.child_process import ChildProcess
from bench.cpu_placement import run_here_on, split_cpus
from bench.other_load import OtherProcessesLoad
from bench.pending_approvals import (
    start_click_targets,
    start_idle_pending,
    wait_until_closed,
    wait_until_visible,
)
from bench.signed_load import (
    APPROVER,
    CHANNEL,
    SIGNING_SECRET,
    PostedCard,
    SignedRequest,
    click_requests,
    mention_requests,
    send_all,
)
from bench.slack_server import FakeSlackProcess
from bot.http.server import EVENTS_PATH, HEALTH_PATH
from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes as sa

log = logging.getLogger("bench")

TASK_QUEUE = "bench-bot"
WAL_PRAGMAS = ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]

# Timed in this order, one bot at a time, each once the work the last one started is done.
BOTS = ("bare", "ours")
# Mentions of each bot get ts of their own: the same ts twice is one request to the workflow.
FIRST_MENTION = {"bare": 0, "ours": 100_000_000}
WARM_UP_MENTION = 1_000_000


@dataclass
class AckTimings:
    by_bot: dict[str, list[float]] = field(default_factory=lambda: {bot: [] for bot in BOTS})
    """Milliseconds from sending a request to its HTTP answer, one per request, per bot."""
    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BOTS, 0))
    """Per bot, requests that did what they are for: a card posted, an approval decided."""
    others: dict[str, list[float]] = field(default_factory=lambda: {bot: [] for bot in BOTS})
    """Per bot and round, the CPU share processes outside the run used while it was timed."""

    def p99_ratio(self) -> float:
        return percentile(self.by_bot["ours"], 0.99) / percentile(self.by_bot["bare"], 0.99)

    def add(self, bot: str, timings: list[float], done: int, others: float | None) -> None:
        self.by_bot[bot] += timings
        self.done[bot] += done
        if others is not None:
            self.others[bot].append(others)


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def child_environment(slack_api_url: str, temporal_address: str) -> dict[str, str]:
    """The settings every part runs with; none of the caller's Slack or model settings."""
    ours = ("SLACK_", "TEMPORAL_", "OPENAI_", "WEBHOOK_", "ACTION_", "AGENT_", "PORT", "LOG_LEVEL")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return inherited | {
        "SLACK_BOT_TOKEN": "xoxb-bench-countersign",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "TEMPORAL_ADDRESS": temporal_address,
        "TEMPORAL_TASK_QUEUE": TASK_QUEUE,
        # The example catalog has webhook actions; nothing here runs them.
        "WEBHOOK_SIGNING_SECRET": "bench-webhook-secret",
        "WEBHOOK_BASE_URL": "http://127.0.0.1:9",
    }


async def measure_acks(
    session: ClientSession,
    client: Client,
    slack: FakeSlackProcess,
    urls: dict[str, str],
    requests: int,
    concurrency: int,
    rounds: int,
) -> dict[str, AckTimings]:
    """Mentions, then clicks, each bot in turn; the work a bot's requests started (agent
    workflows, cards posted and updated) is let finish before the next bot is timed."""

    async def timed(
        bot: str, sent: list[SignedRequest], settled: Callable[[], Awaitable[int]]
    ) -> tuple[list[float], int, float | None]:
        """The requests' timings, how many did what they are for once `settled` says the
        work they started is done, and the other processes' CPU share meanwhile."""
        others = OtherProcessesLoad()
        timings = await send_all(session, urls[bot], sent, concurrency)
        others_share = others.share()
        return timings, await settled(), others_share

    async def cards_posted(count: int) -> Callable[[], Awaitable[int]]:
        before, told = await slack.count("chat.postMessage"), await slack.count("chat.postEphemeral")

        async def settled() -> int:
            # Every mention's workflow posts its card, or tells the requester it failed.
            await slack.wait_for(before + told + count, "chat.postMessage", "chat.postEphemeral")
            return await slack.count("chat.postMessage") - before

        return settled

    def decided(clicked: list[PostedCard]) -> Callable[[], Awaitable[int]]:
        # Not counted from the card updates: a click that fell back to the signal updates
        # its card twice.
        return lambda: wait_until_closed(client, [card.workflow_id for card in clicked])

    log.info("Starting approvals for the clicks: %d per bot, and %d to warm up", requests, concurrency)
    cards = {
        bot: await start_click_targets(client, slack, requests + concurrency, TASK_QUEUE, f"{bot}-click")
        for bot in BOTS
    }
    log.info("Warming up every bot")
    for bot in BOTS:
        first = WARM_UP_MENTION + FIRST_MENTION[bot]
        await timed(bot, mention_requests(first, concurrency), await cards_posted(concurrency))
        warm_up = cards[bot][requests:]
        await timed(bot, click_requests(warm_up), decided(warm_up))

    # In rounds, the bots taking turns to go first: the backend's state changes as the run
    # goes on (more pending approvals with every mention, fewer with every click), and each
    # bot must meet it as often early as late.
    per_round = requests // rounds
    mentions, clicks = AckTimings(), AckTimings()
    log.info("Mentions: %d per bot in %d rounds, %d at a time", per_round * rounds, rounds, concurrency)
    for round_ in range(rounds):
        for bot in BOTS if round_ % 2 == 0 else BOTS[::-1]:
            first = FIRST_MENTION[bot] + round_ * per_round
            sent = mention_requests(first, per_round)
            mentions.add(bot, *await timed(bot, sent, await cards_posted(per_round)))
        log.info("  round %d: sent, and every card posted", round_ + 1)
    log.info("Clicks: %d per bot in %d rounds, %d at a time", per_round * rounds, rounds, concurrency)
    for round_ in range(rounds):
        for bot in BOTS if round_ % 2 == 0 else BOTS[::-1]:
            clicked = cards[bot][round_ * per_round : (round_ + 1) * per_round]
            clicks.add(bot, *await timed(bot, click_requests(clicked), decided(clicked)))
        log.info("  round %d: sent, and every approval decided", round_ + 1)
    both = AckTimings()
    for timing in (mentions, clicks):
        for bot in BOTS:
            both.add(bot, timing.by_bot[bot], timing.done[bot], None)
    return {"mentions": mentions, "clicks": clicks, "both": both}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value at least `fraction` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def report(
    acks: dict[str, AckTimings],
    lists: ListTimings,
    errors: dict[str, list[str]],
    worker_warnings: list[str],
    fallbacks: int,
    requests: int,
    concurrency: int,
) -> None:
    print(f"Ack latency, ms: {requests} signed requests per kind and bot, {concurrency} at a time")
    print(
        f"  {'':10}{'ours p50':>10}{'ours p99':>10}{'bare p50':>10}{'bare p99':>10}{'p99 ratio':>11}"
        f"{'ours done':>11}{'bare done':>11}"
    )
    for kind, timing in acks.items():
        figures = [percentile(timing.by_bot[bot], q) for bot in ("ours", "bare") for q in (0.5, 0.99)]
        count = len(timing.by_bot["ours"])
        print(
            f"  {kind:10}"
            + "".join(f"{f:10.1f}" for f in figures)
            + f"{timing.p99_ratio():11.2f}"
            + "".join(f"{timing.done[bot]:>7}/{count:<3}" for bot in ("ours", "bare"))
        )
    print(
        "  (bare: a Bolt app served by Bolt's own aiohttp server whose listeners make the same one "
        "Temporal call before acking: the mention's signal-with-start, the click's decide_click Update)"
    )
    print("  (done: mentions whose card was posted, clicks whose approval was decided)")
    for kind in ("mentions", "clicks"):
        shares = {bot: sum(each) / len(each) for bot, each in acks[kind].others.items() if each}
        if len(shares) == len(BOTS):
            print(
                f"Other processes used {shares['ours']:.0%} of the machine's CPU while our {kind} "
                f"were timed, {shares['bare']:.0%} while the bare app's were"
            )
    for bot, logged in errors.items():
        if logged:
            print(f"The {bot} bot logged {len(logged)} errors; the first: {logged[0][:300]}")
    if fallbacks:
        print(
            f"Our bot fell back to the signal for {fallbacks} clicks: no worker answered their "
            "Update within 1.5 s"
        )
    if worker_warnings:
        # Workflow tasks over 5 s, tasks timed out: the backend was short of CPU.
        print(
            f"The worker's Temporal core warned {len(worker_warnings)} times; "
            f"the first: {worker_warnings[0][:300]}"
        )
    print(
        f"/approvals with {lists.pending:,} pending approvals ({lists.matching:,} the caller may decide), "
        "ms from the command sent to its answer posted:"
    )
    for what, runs in lists.runs.items():
        print(f"  {what:22} p50 {percentile(runs, 0.5):7.1f}   max {max(runs):7.1f}   ({len(runs)} runs)")
    print("Targets: ack p99 < 100 ms, p99 ratio <= 1.2, /approvals < 1000 ms")
    # The worse kind, not the pooled figure: pooled, one kind's slowness can hide the other's.
    worst = max(acks["mentions"].p99_ratio(), acks["clicks"].p99_ratio())
    print(f"p99 ratio (ours / bare durable): {worst:.2f}")


async def run(requests: int, concurrency: int, rounds: int, pending: int, shared_cpus: bool) -> None:
    # Anything else running (a test suite, another bench) shows in the figures: say so.
    load_before = os.getloadavg()[0]
    placement = None if shared_cpus else split_cpus()
    bots_cpus, backend_cpus = placement or (None, None)
    if placement:
        log.info("CPUs %s for the bots and this load generator, %s for the rest", *map(sorted, placement))
    # Before Temporal's client starts its threads, so that they and the server go there too.
    run_here_on(backend_cpus)
    with tempfile.TemporaryDirectory(prefix="countersign-bench-") as workdir:
        log.info("Starting a throwaway Temporal dev server")
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_binary(),
            dev_server_database_filename=str(Path(workdir) / "bench.sqlite"),
            dev_server_extra_args=WAL_PRAGMAS,
            search_attributes=sa.ALL,
            data_converter=DATA_CONVERTER,
        )
        children: list[ChildProcess] = []
        try:
            async with ClientSession(connector=TCPConnector(limit=concurrency * 2)) as session:
                slack = FakeSlackProcess("fake Slack", "bench.slack_server", dict(os.environ), Path(workdir))
                children.append(slack)
                await slack.begin(session)
                environ = child_environment(slack.api_url, env.client.service_client.config.target_host)
                worker = ChildProcess("worker", "workflows.worker", environ, Path(workdir))
                ports = {bot: free_port() for bot in BOTS}
                modules = {"ours": "bot.http.server", "bare": "bench.bare_bolt"}
                bots = {
                    bot: ChildProcess(
                        f"{bot} bot", modules[bot], environ | {"PORT": ports[bot]}, Path(workdir)
                    )
                    for bot in BOTS
                }
                children += [worker, *bots.values()]
                fallbacks = bots["ours"].count_logged("Deciding by signal")
                await worker.start()
                run_here_on(bots_cpus)
                for child in bots.values():
                    await child.start()
                await worker.logged("Worker ready")
                for bot, child in bots.items():
                    await child.healthy(f"http://127.0.0.1:{ports[bot]}{HEALTH_PATH}")
                urls = {name: f"http://127.0.0.1:{port}{EVENTS_PATH}" for name, port in ports.items()}
                acks = await measure_acks(session, env.client, slack, urls, requests, concurrency, rounds)

                log.info("/approvals: starting %d idle pending approvals", pending)
                began = time.monotonic()
                await start_idle_pending(env.client, pending)
                log.info("  started in %.0fs; waiting for visibility", time.monotonic() - began)
                await wait_until_visible(env.client, f"{sa.APPROVAL_STATUS.name} = 'pending'", pending)
                lists = await time_approvals_list(session, urls["ours"], SIGNING_SECRET, APPROVER, CHANNEL)
            load_after = os.getloadavg()[0]
            print(
                f"Machine load (1-min average): {load_before:.2f} before the run, {load_after:.2f} at its end"
            )
            if placement:
                bots_on, rest_on = map(sorted, placement)
                print(f"CPUs: {bots_on} for the bots and the load generator, {rest_on} for the rest")
            else:
                print("CPUs: shared by every process (--shared-cpus)")
            errors = {bot: child.errors for bot, child in bots.items()}
            report(acks, lists, errors, worker.core_warnings, fallbacks(), requests, concurrency)
        finally:
            for child in reversed(children):
                await child.stop()
            await env.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per kind and bot (default 500)")
    parser.add_argument("--concurrency", type=int, default=20, help="requests in flight (default 20)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds the requests are sent in, bots taking turns (default 5)"
    )
    parser.add_argument("--pending", type=int, default=10_000, help="pending approvals for /approvals")
    parser.add_argument(
        "--shared-cpus",
        action="store_true",
        help="let every process run on every CPU, Temporal and the worker beside the bots",
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.requests % args.rounds:
        parser.error("--requests must be a multiple of --rounds")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    asyncio.run(run(args.requests, args.concurrency, args.rounds, args.pending, args.shared_cpus))


if __name__ == "__main__":
    main()
