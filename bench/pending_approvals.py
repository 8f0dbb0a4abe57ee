"""Approvals for the benchmark to act on: real ones whose cards are posted, and idle
pending ones that only fill visibility."""

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from bench.signed_load import APPROVER, CHANNEL, REQUESTER, PostedCard
from bench.slack_server import FakeSlackProcess
from domain import approval_memo
from domain import search_attributes as sa
from domain.models import ApprovalRequest, ApprovalStatus
from workflows.approval import ApprovalWorkflow

log = logging.getLogger("bench")

# No worker polls it: approvals started there stay pending, costing visibility rows only.
IDLE_QUEUE = "bench-idle"


async def start_many(count: int, start: Callable[[int], Awaitable[object]], what: str) -> None:
    """Starts `count` workflows, 64 at a time, logging progress about ten times."""
    slots = asyncio.Semaphore(64)
    done = 0

    async def start_one(index: int) -> None:
        nonlocal done
        async with slots:
            await start(index)
        done += 1
        if done % max(1, count // 10) == 0:
            log.info("  %s: %d/%d started", what, done, count)

    await asyncio.gather(*(start_one(i) for i in range(count)))


def approval_request(summary: str) -> ApprovalRequest:
    return ApprovalRequest(
        action="wire_transfer",
        summary=summary,
        parameters={"amount": "5000.00", "currency": "USD", "payee": "ACME"},
        requester=REQUESTER,
        channel=CHANNEL,
        approvers=[APPROVER],
    )


async def start_click_targets(
    client: Client, slack: FakeSlackProcess, count: int, task_queue: str, name: str = "click"
) -> list[PostedCard]:
    """`count` real approvals, each waiting on its posted card, for a bot's clicks to decide."""
    ids = [f"approval-bench-{name}-{uuid.uuid4()}" for _ in range(count)]
    cards_before = await slack.count("chat.postMessage")

    async def start(index: int) -> None:
        await client.start_workflow(
            ApprovalWorkflow.run,
            approval_request(f"Bench {name} {index}"),
            id=ids[index],
            task_queue=task_queue,
        )

    await start_many(count, start, f"approvals to {name}")
    await slack.wait_for(cards_before + count, "chat.postMessage")
    # A click counts only from the approval's own card: it must carry the card's ts,
    # which the approval keeps in its memo once the post returned.
    slots = asyncio.Semaphore(64)

    async def posted(workflow_id: str) -> PostedCard:
        async with slots:
            handle = client.get_workflow_handle(workflow_id)
            deadline = time.monotonic() + 60
            while not (ts := (await (await handle.describe()).memo()).get(approval_memo.MESSAGE_TS)):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{workflow_id} never recorded its card's ts")
                await asyncio.sleep(0.1)
            return PostedCard(workflow_id, ts)

    return list(await asyncio.gather(*(posted(i) for i in ids)))


async def wait_until_closed(client: Client, workflow_ids: list[str], timeout: float = 600) -> int:
    """Waits until every one of `workflow_ids` has closed (a clicked approval, decided);
    returns how many did, fewer only when `timeout` ran out first."""
    open_ids = set(workflow_ids)
    deadline = time.monotonic() + timeout
    last_logged = time.monotonic()
    slots = asyncio.Semaphore(64)

    async def closed(workflow_id: str) -> bool:
        async with slots:
            description = await client.get_workflow_handle(workflow_id).describe()
            return description.status is not WorkflowExecutionStatus.RUNNING

    while open_ids and time.monotonic() < deadline:
        ids = sorted(open_ids)
        finished = await asyncio.gather(*map(closed, ids))
        open_ids -= {workflow_id for workflow_id, done in zip(ids, finished, strict=True) if done}
        if open_ids and time.monotonic() - last_logged > 5:
            log.info(
                "  waiting for the worker to decide: %d of %d still open", len(open_ids), len(workflow_ids)
            )
            last_logged = time.monotonic()
        await asyncio.sleep(0.2)
    if open_ids:
        log.warning("  %d approvals still open after %.0fs", len(open_ids), timeout)
    return len(workflow_ids) - len(open_ids)


async def start_idle_pending(client: Client, count: int) -> None:
    """`count` pending approvals as visibility sees a real one once its card is posted:
    the same search attributes and memo, set at start; no worker ever runs them."""
    expires_at = datetime.now(UTC) + timedelta(days=7)

    async def start(index: int) -> None:
        channel = f"C0BENCH{index % 20:02d}"
        await client.start_workflow(
            ApprovalWorkflow.run,
            approval_request(f"Pending approval {index}"),
            id=f"approval-bench-pending-{uuid.uuid4()}",
            task_queue=IDLE_QUEUE,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa.APPROVAL_STATUS, ApprovalStatus.PENDING.value),
                    SearchAttributePair(sa.APPROVAL_ACTION, "wire_transfer"),
                    SearchAttributePair(sa.APPROVAL_REQUESTER, REQUESTER),
                    SearchAttributePair(sa.APPROVAL_APPROVERS, [APPROVER, "U0BENCHAPP2"]),
                    SearchAttributePair(sa.APPROVAL_CHANNEL, channel),
                    SearchAttributePair(sa.APPROVAL_EXPIRES_AT, expires_at),
                ]
            ),
            memo={
                approval_memo.SUMMARY: f"Pending approval {index}",
                approval_memo.MESSAGE_TS: f"{1_800_000_000 + index}.000200",
            },
        )

    await start_many(count, start, "idle pending approvals")


async def wait_until_visible(client: Client, query: str, count: int, timeout: float = 300) -> int:
    """Visibility is eventually consistent: waits until `query` counts at least `count`."""
    deadline = time.monotonic() + timeout
    while (seen := (await client.count_workflows(query)).count) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"visibility counts {seen} of {count} after {timeout:.0f}s")
        await asyncio.sleep(0.5)
    return seen
