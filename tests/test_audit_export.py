"""The audit export on the real dev server: every decision of approvals decided each way,
read back from Temporal alone, and `python -m countersign.audit` as a process."""

import asyncio
import csv
import io
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import Client, WorkflowFailureError

from bot.approvals.deciding import submit_decision, submit_withdrawal
from countersign.audit.export import export
from countersign.audit.records import OPERATOR, AuditRecord
from countersign.settings import Settings
from domain.fingerprint import fingerprint
from domain.models import DecisionSubmission, Withdrawal
from tests.approvals import (
    APPROVER,
    CFO,
    CHANNEL,
    FROM_LIST,
    MANAGER,
    REQUESTER,
    card_recorded,
    chained_request,
    payments_policy,
    start_approval,
    wire_request,
)
from workflows.approval import ApprovalWorkflow

ABOVE_THRESHOLD = {"amount": "50000.00", "currency": "USD", "payee": "ACME", "invoice": "4411"}
FORMULA_REASON = '=HYPERLINK("https://evil.example/","Invoice paid")'


async def decide(client: Client, workflow_id: str, user: str, approved: bool = True, reason: str = ""):
    return await submit_decision(
        client, workflow_id, DecisionSubmission(approved, user, reason=reason, origin=FROM_LIST)
    )


async def stage_decided(handle, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not (await handle.query(ApprovalWorkflow.get_status)).progress.decisions:
        if time.monotonic() > deadline:
            raise AssertionError(f"{handle.id} never recorded its stage decision")
        await asyncio.sleep(0.05)


def ours(records: list[AuditRecord], workflow_id: str) -> list[tuple[str, str, str, str]]:
    return [(r.stage, r.decider, r.decision, r.outcome) for r in records if r.workflow_id == workflow_id]


async def test_the_export_has_every_decision_of_every_kind_of_approval(
    client: Client, settings: Settings, slack, worker
):
    since = datetime.now(UTC) - timedelta(seconds=1)
    queue = settings.temporal_task_queue
    approved = await start_approval(client, queue)
    rejected = await start_approval(client, queue)
    two_stages = chained_request(payments_policy(), parameters=ABOVE_THRESHOLD)
    chain = await start_approval(client, queue, two_stages)
    by_cli = await start_approval(client, queue)
    expired = await start_approval(client, queue, wire_request(timeout_seconds=1))
    pending = await start_approval(client, queue, two_stages)
    cancelled = await start_approval(client, queue)
    withdrawn = await start_approval(client, queue)
    for handle in (chain, pending):
        await card_recorded(handle)

    assert await decide(client, approved.id, APPROVER) is None
    assert await decide(client, rejected.id, APPROVER, approved=False, reason="Invoice 4411 was paid") is None
    assert await decide(client, chain.id, CFO) is not None  # too early: refused, not a decision
    assert await decide(client, chain.id, MANAGER) is None
    await card_recorded(chain)
    assert await decide(client, chain.id, CFO) is None
    await by_cli.signal(ApprovalWorkflow.approve, True)
    # A signal (the bot's fallback) is not answered in the history: the approval is asked.
    await pending.signal(ApprovalWorkflow.decide, DecisionSubmission(True, MANAGER, origin=FROM_LIST))
    await stage_decided(pending)
    await card_recorded(cancelled)
    await cancelled.cancel()
    assert await submit_withdrawal(client, withdrawn.id, Withdrawal(REQUESTER, origin=FROM_LIST)) is None
    for handle in (approved, rejected, chain, by_cli, expired, withdrawn):
        await handle.result()
    with pytest.raises(WorkflowFailureError):
        await cancelled.result()

    done = await export(client, since, lambda total: None, lambda: None)

    records = done.records
    assert ours(records, approved.id) == [("", APPROVER, "approved", "approved")]
    assert ours(records, rejected.id) == [("", APPROVER, "rejected", "rejected")]
    assert ours(records, chain.id) == [
        ("Manager", MANAGER, "approved", "approved"),
        ("CFO", CFO, "approved", "approved"),
    ]
    assert ours(records, by_cli.id) == [("", OPERATOR, "approved", "approved")]
    assert ours(records, expired.id) == [("", "", "expired", "expired")]
    assert ours(records, pending.id) == [("Manager", MANAGER, "approved", "pending")]
    assert ours(records, cancelled.id) == [("", "", "cancelled", "cancelled")]
    # The requester's taking it back is the approval's end, not a rejection.
    assert ours(records, withdrawn.id) == [("", REQUESTER, "withdrawn", "withdrawn")]

    (rejection,) = [r for r in records if r.workflow_id == rejected.id]
    request = wire_request()
    assert rejection.reason == "Invoice 4411 was paid"
    assert (rejection.action, rejection.summary, rejection.requester, rejection.channel) == (
        request.action,
        request.summary,
        REQUESTER,
        CHANNEL,
    )
    assert rejection.fingerprint == fingerprint(request.action, request.parameters)
    assert rejection.time.endswith("Z") and datetime.fromisoformat(rejection.time) >= since
    stages = [r for r in records if r.workflow_id == chain.id]
    assert stages[0].time < stages[1].time
    assert records == sorted(records, key=lambda r: (r.time, r.workflow_id))

    # --since: nothing decided after now is in it.
    later = await export(client, datetime.now(UTC), lambda total: None, lambda: None)
    ids = {h.id for h in (approved, rejected, chain, by_cli, expired, pending, cancelled, withdrawn)}
    assert not [r for r in later.records if r.workflow_id in ids]
    await pending.terminate()


async def test_the_module_run_as_a_process_prints_the_records(
    client: Client, settings: Settings, slack, worker
):
    # From now: approvals other tests left waiting, on task queues nobody polls, had their
    # last decisions before it, so they are not asked (nor is anyone told about them).
    since = datetime.now(UTC).isoformat()
    handle = await start_approval(client, settings.temporal_task_queue)
    assert await decide(client, handle.id, APPROVER, approved=False, reason=FORMULA_REASON) is None
    await handle.result()
    # The process reads the same settings as the others: here, only where Temporal is.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEMPORAL_"))}

    async def audit(
        *args: str, temporal: str = settings.temporal_address, stderr: int = asyncio.subprocess.PIPE
    ) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "countersign.audit",
            *args,
            env={**env, "PYTHONPATH": os.getcwd(), "TEMPORAL_ADDRESS": temporal},
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        return process.returncode, out.decode(), (err or b"").decode()

    # Not a terminal: stderr stays empty (no progress), stdout has the records.
    code, out, err = await audit("--since", since, "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    (row,) = [r for r in rows if r["workflow_id"] == handle.id]
    assert row["decision"] == "rejected" and row["decider"] == APPROVER
    # A spreadsheet shows the reason as text: it never runs as a formula.
    assert row["reason"] == "'" + FORMULA_REASON

    code, out, err = await audit("--since", since)
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    (line,) = [r for r in lines if r["workflow_id"] == handle.id]
    assert line["reason"] == FORMULA_REASON
    assert list(line) == [
        "workflow_id",
        "action",
        "summary",
        "requester",
        "channel",
        "stage",
        "decider",
        "decision",
        "reason",
        "time",
        "fingerprint",
        "outcome",
        "arguments",
    ]
    assert json.loads(line["arguments"]) == wire_request().parameters

    # On a terminal, progress; the records are the same.
    terminal, stderr_end = os.openpty()
    try:
        code, out_on_terminal, _ = await audit("--since", since, stderr=stderr_end)
        shown = os.read(terminal, 65536).decode()
    finally:
        os.close(terminal)
        os.close(stderr_end)
    assert code == 0 and out_on_terminal == out
    assert "countersign audit: [" in shown and "approvals" in shown

    code, out, err = await audit("--since", "yesterday")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and "--since" in err

    code, out, err = await audit("--since", "1h", temporal="127.0.0.1:1")
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and "cannot reach Temporal at 127.0.0.1:1" in err
