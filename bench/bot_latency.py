"""Benchmark: how fast the bot acks Slack, beside a bare Bolt app, and `/approvals` at 10,000.

`python -m bench.bot_latency [--requests N] [--concurrency C] [--pending P] [--shared-cpus]`
from the repo root. All on loopback, each part in a process of its own: a throwaway
Temporal dev server (SQLite with WAL, search attributes registered), the fake Slack Web
API, the worker, our bot (`python -m bot.http.server`) and two bare apps (`bench.bare_bolt`).
This process only sends Slack's signed requests and times them. Unless --shared-cpus, the
bots and this process run on half the CPUs and the rest on the other half
(bench.cpu_placement). Progress goes to stderr, figures to stdout; the last line is our
ack p99 over the bare Bolt app's.
"""

import argparse
import asyncio
import logging
import math
import os
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import ClientSession, TCPConnector
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from bench.approvals_list_timing import ListTimings, time_approvals_list
from bench.child_process import ChildProcess
from bench.cpu_placement import run_here_on, split_cpus
from bench.pending_approvals import start_click_targets, start_idle_pending, wait_until_visible
from bench.signed_load import APPROVER, CHANNEL, SIGNING_SECRET, click_requests, mention_requests, send_all
from bench.slack_server import FakeSlackProcess
from bot.http.server import EVENTS_PATH, HEALTH_PATH
from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes as sa

log = logging.getLogger("bench")

TASK_QUEUE = "bench-bot"
WAL_PRAGMAS = ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]


# The baselines, timed before ours on an idle system; see bench.bare_bolt.
BASELINES = {"bare": "bolt", "front": "front"}


@dataclass
class AckTimings:
    by_bot: dict[str, list[float]]
    """Milliseconds from sending a request to its HTTP answer, one per request, per bot."""
    done: int = 0
    """Our requests that did what they are for: a card posted, an approval decided."""

    def p99_ratio(self, baseline: str = "bare") -> float:
        return percentile(self.by_bot["ours"], 0.99) / percentile(self.by_bot[baseline], 0.99)


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
) -> dict[str, AckTimings]:
    """Mentions, then clicks: the baselines first, then ours, then our background work
    (workflows started, cards posted and updated) is let finish before the next step."""
    log.info("Warming up every bot")
    cards = await slack.count("chat.postMessage")
    for url in urls.values():
        await send_all(session, url, mention_requests(1_000_000, concurrency * 2), concurrency)
        await send_all(
            session, url, click_requests([f"approval-warm-up-{i}" for i in range(concurrency)]), concurrency
        )
    await slack.wait_for(cards + concurrency * 2, "chat.postMessage")

    timings: dict[str, AckTimings] = {}
    log.info("Mentions: %d per bot, %d at a time", requests, concurrency)
    mentions = {
        bot: await send_all(session, urls[bot], mention_requests(0, requests), concurrency)
        for bot in BASELINES
    }
    cards, told = await slack.count("chat.postMessage"), await slack.count("chat.postEphemeral")
    mentions["ours"] = await send_all(session, urls["ours"], mention_requests(0, requests), concurrency)
    log.info("  sent; each mention's workflow posts a card, or the requester is told it failed")
    await slack.wait_for(cards + told + requests, "chat.postMessage", "chat.postEphemeral")
    timings["mentions"] = AckTimings(mentions, done=await slack.count("chat.postMessage") - cards)

    log.info("Clicks: starting %d approvals for our bot to decide", requests)
    targets = await start_click_targets(client, slack, requests, TASK_QUEUE)
    log.info("Clicks: %d per bot, %d at a time", requests, concurrency)
    clicks = {
        bot: await send_all(session, urls[bot], click_requests(targets), concurrency) for bot in BASELINES
    }
    updates, told = await slack.count("chat.update"), await slack.count("chat.postEphemeral")
    clicks["ours"] = await send_all(session, urls["ours"], click_requests(targets), concurrency)
    log.info("  sent; each click's approval updates its card, or the clicker is told why not")
    await slack.wait_for(updates + told + requests, "chat.update", "chat.postEphemeral")
    timings["clicks"] = AckTimings(clicks, done=await slack.count("chat.update") - updates)
    timings["both"] = AckTimings(
        {bot: mentions[bot] + clicks[bot] for bot in mentions},
        done=timings["mentions"].done + timings["clicks"].done,
    )
    return timings


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value at least `fraction` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def report(
    acks: dict[str, AckTimings], lists: ListTimings, errors: list[str], requests: int, concurrency: int
) -> None:
    print(f"Ack latency, ms: {requests} signed requests per kind and bot, {concurrency} at a time")
    print(
        f"  {'':10}{'ours p50':>10}{'ours p99':>10}{'bare p50':>10}{'bare p99':>10}{'p99 ratio':>11}"
        f"{'ours done':>11}"
    )
    for kind, timing in acks.items():
        figures = [percentile(timing.by_bot[bot], q) for bot in ("ours", "bare") for q in (0.5, 0.99)]
        print(
            f"  {kind:10}"
            + "".join(f"{f:10.1f}" for f in figures)
            + f"{timing.p99_ratio():11.2f}{timing.done:>7}/{len(timing.by_bot['ours'])}"
        )
    print("  (bare: a Bolt app whose listeners only ack, served by Bolt's own aiohttp server)")
    print("  (done: mentions whose card was posted, clicks whose approval was decided)")
    print("Stricter reference: the same bare listeners behind the bot's own web server, Bolt in-process")
    print(f"  {'':10}{'p50':>10}{'p99':>10}{'ours p99 / its p99':>20}")
    for kind, timing in acks.items():
        front = timing.by_bot["front"]
        print(
            f"  {kind:10}{percentile(front, 0.5):10.1f}{percentile(front, 0.99):10.1f}"
            f"{timing.p99_ratio('front'):20.2f}"
        )
    if errors:
        print(f"Our bot logged {len(errors)} errors; the first: {errors[0][:300]}")
    print(
        f"/approvals with {lists.pending:,} pending approvals ({lists.matching:,} the caller may decide), "
        "ms from the command sent to its answer posted:"
    )
    for what, runs in lists.runs.items():
        print(f"  {what:22} p50 {percentile(runs, 0.5):7.1f}   max {max(runs):7.1f}   ({len(runs)} runs)")
    print("Targets: ack p99 < 100 ms, p99 ratio <= 1.2, /approvals < 1000 ms")
    # The worse kind, not the pooled figure: pooled, one kind's slowness can hide the other's.
    worst = max(acks["mentions"].p99_ratio(), acks["clicks"].p99_ratio())
    print(f"p99 ratio (ours / bare): {worst:.2f}")


async def run(requests: int, concurrency: int, pending: int, shared_cpus: bool) -> None:
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
                ports = {bot: free_port() for bot in ("ours", *BASELINES)}
                ours = ChildProcess(
                    "our bot", "bot.http.server", environ | {"PORT": ports["ours"]}, Path(workdir)
                )
                bots = {"ours": ours} | {
                    bot: ChildProcess(
                        f"{bot} bot",
                        "bench.bare_bolt",
                        environ | {"PORT": ports[bot], "BARE_SERVER": served_by},
                        Path(workdir),
                    )
                    for bot, served_by in BASELINES.items()
                }
                children += [worker, *bots.values()]
                await worker.start()
                run_here_on(bots_cpus)
                for child in bots.values():
                    await child.start()
                await worker.logged("Worker ready")
                for bot, child in bots.items():
                    await child.healthy(f"http://127.0.0.1:{ports[bot]}{HEALTH_PATH}")
                urls = {name: f"http://127.0.0.1:{port}{EVENTS_PATH}" for name, port in ports.items()}
                acks = await measure_acks(session, env.client, slack, urls, requests, concurrency)

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
            report(acks, lists, ours.errors, requests, concurrency)
        finally:
            for child in reversed(children):
                await child.stop()
            await env.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per kind and bot (default 500)")
    parser.add_argument("--concurrency", type=int, default=20, help="requests in flight (default 20)")
    parser.add_argument("--pending", type=int, default=10_000, help="pending approvals for /approvals")
    parser.add_argument(
        "--shared-cpus",
        action="store_true",
        help="let every process run on every CPU, Temporal and the worker beside the bots",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    asyncio.run(run(args.requests, args.concurrency, args.pending, args.shared_cpus))


if __name__ == "__main__":
    main()
