"""Benchmark: N approvals started, decided and completed, against a bare Temporal baseline.

`python -m bench.approvals [--count N]` from the repo root. Everything runs on loopback: a
throwaway dev server (the embedded default's binary, SQLite with WAL, search attributes
registered), the fake Slack Web API, and each phase's worker in its own process so its
peak RSS is its own. Progress goes to stderr; the figures go to stdout, the last line
being our decisions/s divided by the baseline's.
"""

import argparse
import asyncio
import contextlib
import logging
import math
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from bench.baseline import BareApprovalWorkflow
from bench.child_process import ChildProcess
from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes
from domain.models import ApprovalRequest, ClickOrigin, DecisionSubmission
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.approval import ApprovalWorkflow

log = logging.getLogger("bench")

REQUESTER = "U0REQUESTER"
APPROVER = "U0APPROVER"
WAL_PRAGMAS = ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]


@dataclass
class PhaseResult:
    starts_per_s: float
    decisions_per_s: float
    worker_peak_rss_mib: float | None
    latencies_s: list[float] | None = None
    """Signal sent to card updated, per approval; None for the baseline (it has no card)."""


class Progress:
    """Logs `<phase>: <verb> k/N` about five times per step, so long runs show life."""

    def __init__(self, phase: str, verb: str, total: int) -> None:
        self._label = f"{phase}: {verb}"
        self._total = total
        self._every = max(1, total // 5)
        self._done = 0

    def tick(self) -> None:
        self._done += 1
        if self._done % self._every == 0 or self._done == self._total:
            log.info("%s %d/%d", self._label, self._done, self._total)


class CardWatch:
    """When each approval's card was posted and updated, keyed by its (unique) channel.

    Timestamps are taken when the bench sees the fake's record, a moment after the
    request arrived; it sees them only while a `wait` is running.
    """

    def __init__(self, slack: FakeSlackWebApi) -> None:
        self._slack = slack
        self._seen = 0
        self.posted: dict[str, float] = {}
        self.updated: dict[str, float] = {}

    async def wait(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        def check() -> bool:
            self._record_new_calls()
            return condition()

        try:
            await self._slack.wait_for(check, timeout=timeout, what=what)
        except AssertionError:
            # The fake's own message lists every call made: thousands of them here.
            raise RuntimeError(
                f"timed out after {timeout:.0f}s waiting for {what} "
                f"({len(self.posted)} posted, {len(self.updated)} updated)"
            ) from None

    def _record_new_calls(self) -> None:
        now = time.monotonic()
        for call in self._slack.calls[self._seen :]:
            if call.method == "chat.postMessage":
                self.posted.setdefault(call.args["channel"], now)
            elif call.method == "chat.update":
                self.updated.setdefault(call.args["channel"], now)
        self._seen = len(self._slack.calls)


async def start_all(
    phase: str, count: int, concurrency: int, start: Callable[[int], Awaitable[WorkflowHandle]]
) -> tuple[list[WorkflowHandle], float]:
    """Starts `count` workflows, `concurrency` at a time; returns them and starts/s."""
    slots = asyncio.Semaphore(concurrency)
    progress = Progress(phase, "started", count)

    async def start_one(index: int) -> WorkflowHandle:
        async with slots:
            handle = await start(index)
        progress.tick()
        return handle

    began = time.monotonic()
    handles = await asyncio.gather(*(start_one(i) for i in range(count)))
    return handles, count / (time.monotonic() - began)


async def settle(
    phase: str, handles: Sequence[WorkflowHandle], concurrency: int, query: Callable[..., Any]
) -> None:
    """Returns once every workflow has answered a query. A query waits for the workflow's
    pending task, so each one is then (nearly) idle, waiting for its decision as a real
    approval is when a person clicks minutes later, and its start-up work stays out of
    the decision timing."""
    slots = asyncio.Semaphore(concurrency)
    progress = Progress(phase, "waiting", len(handles))

    async def settle_one(handle: WorkflowHandle) -> None:
        async with slots:
            await handle.query(query)
        progress.tick()

    await asyncio.gather(*(settle_one(h) for h in handles))


async def decide_all(
    phase: str,
    handles: Sequence[WorkflowHandle],
    concurrency: int,
    send: Callable[[WorkflowHandle], Awaitable[None]],
) -> tuple[list[float], float]:
    """Signals every workflow and waits for each to complete.

    Returns when each signal was sent, and decisions/s: N over the time from the first
    signal until the last workflow completed. Signals and result waits have separate
    slots, so waiting for results never holds back the signals.
    """
    signal_slots = asyncio.Semaphore(concurrency)
    result_slots = asyncio.Semaphore(concurrency)
    sent_at = [math.inf] * len(handles)
    signalled = Progress(phase, "signalled", len(handles))
    completed = Progress(phase, "completed", len(handles))

    async def decide_one(index: int, handle: WorkflowHandle) -> None:
        async with signal_slots:
            sent_at[index] = time.monotonic()
            await send(handle)
        signalled.tick()
        async with result_slots:
            await handle.result()
        completed.tick()

    await asyncio.gather(*(decide_one(i, h) for i, h in enumerate(handles)))
    return sent_at, len(handles) / (time.monotonic() - min(sent_at))


def bench_request(index: int) -> ApprovalRequest:
    # A channel per approval lets the bench tell whose card a chat.update redraws.
    return ApprovalRequest(
        action="wire_transfer",
        summary=f"Wire $5,000 to ACME for invoice {4000 + index}",
        parameters={"amount": "5000.00", "currency": "USD", "payee": "ACME", "invoice": index},
        requester=REQUESTER,
        channel=f"CBENCH{index:06d}",
        thread_ts="1700000000.000001",
        approvers=[APPROVER],
        timeout_seconds=3600,
    )


def worker_env(temporal_address: str, task_queue: str, slack_api_url: str) -> dict[str, str]:
    # Every setting the worker reads that could point it elsewhere is set here (empty
    # counts as unset); the worker also runs outside the repo, so no .env is read.
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench",
        "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": slack_api_url,
        "TEMPORAL_ADDRESS": temporal_address,
        "TEMPORAL_NAMESPACE": "default",
        "TEMPORAL_TASK_QUEUE": task_queue,
        "TEMPORAL_TLS": "false",
        "TEMPORAL_TLS_CERT": "",
        "TEMPORAL_TLS_KEY": "",
        "TEMPORAL_API_KEY": "",
        "ACTION_CATALOG": "",
        # The example catalog's webhook actions need these to load; none runs here.
        "WEBHOOK_BASE_URL": "http://127.0.0.1:9/webhooks",
        "WEBHOOK_SIGNING_SECRET": "bench",
    }


async def run_ours(
    client: Client,
    slack: FakeSlackWebApi,
    workdir: Path,
    count: int,
    concurrency: int,
    timeout: float,
) -> PhaseResult:
    phase = "ours"
    task_queue = f"bench-{uuid.uuid4()}"
    address = client.service_client.config.target_host
    # The project's real worker entry point (build_worker: workflows, activities, plugin).
    worker = ChildProcess(
        "countersign worker", "workflows.worker", worker_env(address, task_queue, slack.api_url), workdir
    )
    watch = CardWatch(slack)
    try:
        await worker.start()
        await worker.logged("Worker ready", timeout=60)
        handles, starts_per_s = await start_all(
            phase,
            count,
            concurrency,
            lambda i: client.start_workflow(
                ApprovalWorkflow.run,
                bench_request(i),
                id=f"approval-{uuid.uuid4()}",
                task_queue=task_queue,
            ),
        )
        await watch.wait(lambda: len(watch.posted) >= count, timeout, f"{count} cards posted")
        log.info("%s: every card posted", phase)
        await settle(phase, handles, concurrency, ApprovalWorkflow.get_status)

        decision = DecisionSubmission(approved=True, user=APPROVER, origin=ClickOrigin(from_list=True))
        cards_updated = asyncio.create_task(
            watch.wait(lambda: len(watch.updated) >= count, timeout, f"{count} cards updated")
        )
        try:
            sent_at, decisions_per_s = await decide_all(
                phase,
                handles,
                concurrency,
                lambda handle: handle.signal(ApprovalWorkflow.decide, decision),
            )
            await cards_updated
        finally:
            cards_updated.cancel()
        latencies = [watch.updated[bench_request(i).channel] - sent_at[i] for i in range(count)]
        return PhaseResult(starts_per_s, decisions_per_s, worker.peak_rss_mib(), latencies)
    finally:
        await worker.stop()


async def run_baseline(client: Client, workdir: Path, count: int, concurrency: int) -> PhaseResult:
    phase = "baseline"
    task_queue = f"bench-bare-{uuid.uuid4()}"
    address = client.service_client.config.target_host
    worker = ChildProcess(
        "baseline worker", "bench.baseline", os.environ, workdir, args=[address, task_queue]
    )
    try:
        await worker.start()
        await worker.logged("Worker ready", timeout=60)
        handles, starts_per_s = await start_all(
            phase,
            count,
            concurrency,
            lambda i: client.start_workflow(
                BareApprovalWorkflow.run, id=f"bare-{uuid.uuid4()}", task_queue=task_queue
            ),
        )
        await settle(phase, handles, concurrency, BareApprovalWorkflow.get_status)
        _, decisions_per_s = await decide_all(
            phase,
            handles,
            concurrency,
            lambda handle: handle.signal(BareApprovalWorkflow.approve, True),
        )
        return PhaseResult(starts_per_s, decisions_per_s, worker.peak_rss_mib())
    finally:
        await worker.stop()


async def run(count: int, concurrency: int) -> tuple[PhaseResult, PhaseResult]:
    # Generous, but a stuck run still ends with an error rather than hanging.
    timeout = 120 + count * 0.5
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

        async with asyncio.timeout(timeout * 4):
            ours = await run_ours(env.client, slack, workdir, count, concurrency, timeout)
            baseline = await run_baseline(env.client, workdir, count, concurrency)
        return ours, baseline


class OtherLoad:
    """How busy the machine was with processes other than this run's (Linux only).

    The bench shares its CPUs with whatever else runs (a test suite, another bench);
    a high figure here means the rates below are low for reasons not their own.
    """

    def __init__(self) -> None:
        self._began = (time.monotonic(), _machine_busy_seconds(), _own_cpu_seconds())

    def share(self) -> float | None:
        """Their CPU time over the machine's capacity since construction, after our
        children (server, workers) have exited, so that theirs is counted as ours."""
        wall0, busy0, own0 = self._began
        busy = _machine_busy_seconds()
        if busy is None or busy0 is None:
            return None
        others = (busy - busy0) - (_own_cpu_seconds() - own0)
        return max(0.0, others / ((time.monotonic() - wall0) * (os.cpu_count() or 1)))


def _machine_busy_seconds() -> float | None:
    try:
        first_line = Path("/proc/stat").read_text().split("\n", 1)[0]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = map(int, first_line.split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    # Children count once reaped: the dev server and both workers are, by then.
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def report(
    count: int,
    concurrency: int,
    ours: PhaseResult,
    baseline: PhaseResult,
    other_load: float | None,
) -> None:
    def number(value: float | None, digits: int = 1) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    latencies = ours.latencies_s or []
    rows = [
        ("starts/s", number(ours.starts_per_s), number(baseline.starts_per_s)),
        ("decisions/s", number(ours.decisions_per_s), number(baseline.decisions_per_s)),
        ("click-to-card-update p50 (ms)", number(percentile(latencies, 0.5) * 1000), "-"),
        ("click-to-card-update p95 (ms)", number(percentile(latencies, 0.95) * 1000), "-"),
        (
            "worker peak RSS (MiB)",
            number(ours.worker_peak_rss_mib),
            number(baseline.worker_peak_rss_mib),
        ),
    ]
    print(f"{count} workflows per phase, {concurrency} requests in flight, one worker process each")
    if other_load is not None:
        print(f"other processes used {other_load:.0%} of the machine's CPU during the run")
    print(f"{'':32}{'ours':>10}{'baseline':>10}")
    for label, ours_value, baseline_value in rows:
        print(f"{label:32}{ours_value:>10}{baseline_value:>10}")
    ratio = ours.decisions_per_s / baseline.decisions_per_s
    print(f"decisions/s ratio (ours / baseline): {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.approvals", description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="workflows per phase (1000)")
    parser.add_argument(
        "--concurrency", type=int, default=50, help="starts, signals and waits in flight (50)"
    )
    args = parser.parse_args()
    if args.count < 1 or args.concurrency < 1:
        parser.error("--count and --concurrency must be at least 1")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    other_load = OtherLoad()
    ours, baseline = asyncio.run(run(args.count, args.concurrency))
    report(args.count, args.concurrency, ours, baseline, other_load.share())


if __name__ == "__main__":
    main()
