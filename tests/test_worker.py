"""The worker: killed with SIGKILL and started again (as `python -m workflows.worker` runs in
production), it applies a click on a card posted before the crash; with more approvals
waiting than it keeps in memory, it replays the one clicked."""

import dataclasses
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from temporalio.client import Client

from bench.child_process import ChildProcess
from bot.approvals.deciding import submit_decision
from countersign.settings import Settings
from domain.models import ApprovalStatus, DecisionSubmission
from tests.approvals import (
    APPROVER,
    CFO,
    FROM_LIST,
    MANAGER,
    card_recorded,
    chained_request,
    payments_policy,
    start_approval,
    waiting_on_its_card,
)
from tests.conftest import WEBHOOK_SECRET
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.approval import ApprovalWorkflow
from workflows.worker import build_worker

# Generous for a loaded 2-core machine (it takes about 1 s; bench.worker_crash measures it),
# yet short of the 10 s Temporal waits on the dead worker's sticky queue by default, so
# losing the worker's sticky_queue_schedule_to_start_timeout fails here.
CLICK_AFTER_CRASH_DEADLINE = 8


@pytest.fixture
async def worker_process(settings: Settings, tmp_path: Path) -> AsyncIterator[Callable]:
    """Starts `python -m workflows.worker` and returns once it polls; stops what is left."""
    env = {
        "PATH": os.environ["PATH"],
        "SLACK_BOT_TOKEN": settings.slack_bot_token,
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
        "SLACK_API_URL": settings.slack_api_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "WEBHOOK_SIGNING_SECRET": WEBHOOK_SECRET,
        "WEBHOOK_BASE_URL": settings.webhook_base_url or "",
        "APPROVAL_SIGNING_KEY": settings.approval_signing_key or "",
    }
    started: list[ChildProcess] = []

    async def start() -> ChildProcess:
        worker = ChildProcess(f"worker {len(started) + 1}", "workflows.worker", env, tmp_path)
        started.append(worker)
        await worker.start()
        await worker.logged("Worker ready")
        return worker

    yield start
    for worker in started:
        await worker.stop()


async def test_a_stopped_worker_exits_at_once_and_quietly(worker_process: Callable):
    worker = await worker_process()

    await worker.stop()

    assert worker.returncode == 0
    assert "Worker stopped" in worker.last_lines()
    for alarming in ("Traceback", "Fatal Python error"):
        assert alarming not in worker.last_lines(), worker.last_lines()


async def test_a_click_after_the_worker_was_killed_is_applied_by_the_next_one(
    client: Client, slack: FakeSlackWebApi, settings: Settings, worker_process: Callable
):
    crashed = await worker_process()
    approval = await start_approval(client, settings.temporal_task_queue)
    await waiting_on_its_card(approval)
    await crashed.kill()
    await worker_process()

    await approval.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST)
    )
    update = await slack.wait_for_call("chat.update", timeout=CLICK_AFTER_CRASH_DEADLINE)

    result = await approval.result()
    assert (result.status, result.decision.decided_by) == (ApprovalStatus.APPROVED, APPROVER)
    assert update.args["ts"] == result.message_ts


async def test_a_chain_keeps_its_progress_through_a_kill_of_the_worker_between_stages(
    client: Client, slack: FakeSlackWebApi, settings: Settings, worker_process: Callable
):
    above_threshold = {"amount": "50000.00", "currency": "USD", "payee": "ACME", "invoice": "4411"}
    request = chained_request(payments_policy(), parameters=above_threshold)
    crashed = await worker_process()
    approval = await start_approval(client, settings.temporal_task_queue, request)
    await card_recorded(approval)
    manager = DecisionSubmission(approved=True, user=MANAGER, origin=FROM_LIST)
    assert await submit_decision(client, approval.id, manager) is None
    await slack.wait_for(
        lambda: any("Manager ✓" in str(c.args.get("blocks")) for c in slack.calls_to("chat.update")),
        what="the Manager stage approved on the card",
    )
    await crashed.kill()
    await worker_process()

    cfo = DecisionSubmission(approved=True, user=CFO, origin=FROM_LIST)
    assert await submit_decision(client, approval.id, cfo) is None
    result = await approval.result()

    assert result.status is ApprovalStatus.APPROVED
    assert [(d.user, d.stage) for d in result.progress.decisions] == [(MANAGER, 0), (CFO, 1)]


async def test_a_click_on_an_approval_the_worker_no_longer_keeps_in_memory_is_applied(
    client: Client, slack: FakeSlackWebApi, settings: Settings
):
    small_cache = dataclasses.replace(settings, worker_max_cached_workflows=2)
    async with build_worker(client, small_cache):
        approvals = [await start_approval(client, settings.temporal_task_queue) for _ in range(4)]
        for approval in approvals:
            await waiting_on_its_card(approval)
        # The oldest: three approvals ran after it, so a cache of two evicted it.
        oldest = approvals[0]
        await oldest.signal(
            ApprovalWorkflow.decide, DecisionSubmission(approved=False, user=APPROVER, origin=FROM_LIST)
        )
        result = await oldest.result()
        update = await slack.wait_for_call("chat.update")

    assert (result.status, result.decision.decided_by) == (ApprovalStatus.REJECTED, APPROVER)
    assert update.args["ts"] == result.message_ts
