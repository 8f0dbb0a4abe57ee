"""The audit export's pure parts: --since, the CSV and JSONL writers, and reading the
committed histories (tests/histories/) without a server."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from countersign.audit.formats import COLUMNS, inert_cell, write_csv, write_jsonl
from countersign.audit.history import read_history
from countersign.audit.records import AuditRecord, recorded_decisions
from countersign.audit.since import parse_since
from countersign.temporal_client import DATA_CONVERTER
from domain.models import ApprovalStatus

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
# Read at collection, so the tests themselves read no files.
HISTORIES = [
    pytest.param(
        WorkflowHistory.from_json(p.stem, p.read_text()), id=f"{p.parent.parent.name}/{p.parent.name}"
    )
    for p in sorted(Path(__file__).parent.glob("histories/*/*/approval-*.json"))
]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30m", NOW - timedelta(minutes=30)),
        ("12h", NOW - timedelta(hours=12)),
        ("7d", NOW - timedelta(days=7)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-12-01T08:30:00Z", datetime(2026, 12, 1, 8, 30, tzinfo=UTC)),
        ("2026-12-01T09:30:00+01:00", datetime(2026, 12, 1, 8, 30, tzinfo=UTC)),
    ],
)
def test_since_reads_spans_and_iso_dates_as_utc(text: str, expected: datetime):
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "7", "0d", "7 days", "3x", "yesterday", "2026-13-01"])
def test_since_refuses_anything_else_saying_what_it_takes(text: str):
    with pytest.raises(ValueError, match="must be a span"):
        parse_since(text, NOW)


def record(**changes) -> AuditRecord:
    values = dict(
        workflow_id="approval-1",
        action="wire_transfer",
        summary="Wire $5,000 to ACME",
        requester="U0REQUESTER",
        channel="C0FINANCE",
        stage="",
        decider="U0APPROVER",
        decision="rejected",
        reason="",
        time="2026-12-03T15:38:44.217Z",
        fingerprint="eda59371a3fc",
        outcome="rejected",
    )
    return AuditRecord(**{**values, **changes})


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_evaluate_gets_a_leading_quote(start: str):
    assert inert_cell(f"{start}1+2") == f"'{start}1+2"


def test_other_cells_are_left_as_they_are():
    assert inert_cell("Paid: =1+2") == "Paid: =1+2"
    assert inert_cell("") == ""


def test_csv_has_a_header_and_a_row_per_record_with_formulas_made_inert():
    out = io.StringIO()
    write_csv(
        [record(reason='=HYPERLINK("https://evil.example/","x")'), record(summary="@everyone pay")], out
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == COLUMNS
    assert rows[1][COLUMNS.index("reason")] == '\'=HYPERLINK("https://evil.example/","x")'
    assert rows[2][COLUMNS.index("summary")] == "'@everyone pay"
    assert len(rows) == 3


def test_jsonl_is_one_object_a_line_in_the_records_order_and_unchanged():
    out = io.StringIO()
    write_jsonl([record(reason="=1+2\nsecond line"), record(summary="Überweisung")], out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert list(first) == COLUMNS
    assert first["reason"] == "=1+2\nsecond line" and second["summary"] == "Überweisung"


@pytest.mark.parametrize("recorded_history", HISTORIES)
async def test_the_history_alone_agrees_with_what_the_approval_recorded(recorded_history: WorkflowHistory):
    """What the export falls back on when an approval can neither show a result nor be
    asked: its clicks, read from the history, are the decisions its result recorded."""
    history = await read_history(recorded_history, DATA_CONVERTER)
    result = history.result
    assert result is not None or history.closed == "cancelled"
    recorded = (
        recorded_decisions(history.request, result.decision, result.progress, result.status) if result else []
    )
    # An operator's `approve` is not a click: only the approval's result can tell it counted.
    by_people = [(d.user, d.approved, d.reason, d.stage, d.at) for d in recorded if d.user]
    assert [(d.user, d.approved, d.reason, d.stage, d.at) for d in history.clicks] == by_people
    assert [(d.version, d.stage) for d in history.clicks] == [
        (d.version, d.stage) for d in recorded if d.user
    ]
    edits = result.edits if result else []
    assert [(e.user, e.edited_at, e.parameters, e.stage) for e in history.edits] == [
        (e.user, e.edited_at, e.parameters, e.stage) for e in edits
    ]


def test_an_edited_approval_exports_each_version_with_the_decisions_made_on_it():
    from countersign.audit.records import records_of
    from domain.fingerprint import fingerprint
    from domain.models import Edit
    from domain.policy import Policy
    from tests.approvals import CFO, MANAGER, chained_request, payments_policy
    from workflows.approval_stages import ChainRun

    policy = Policy(name="payments", stages=payments_policy().stages, allow_edit=True)
    asked = {"amount": "50000.00", "payee": "ACME"}
    edited = asked | {"amount": "45000.00"}
    request = chained_request(policy, parameters=asked)
    run = ChainRun(request.chain, NOW)
    run.record(MANAGER, True, NOW + timedelta(minutes=1))
    run.edit(CFO, edited, NOW + timedelta(minutes=2))
    run.record(MANAGER, True, NOW + timedelta(minutes=3))
    edit = Edit(CFO, NOW + timedelta(minutes=2), edited, fingerprint("wire_transfer", edited), stage=1)

    decided = recorded_decisions(request, None, run.progress, ApprovalStatus.APPROVED)
    records = records_of("approval-1", request, decided, "approved", NOW, [edit])

    lines = [(r.decider, r.stage, r.decision, json.loads(r.arguments)["amount"]) for r in records]
    assert lines == [
        (MANAGER, "Manager", "approved", "50000.00"),
        (CFO, "CFO", "edited", "45000.00"),
        (CFO, "CFO", "approved", "45000.00"),
        (MANAGER, "Manager", "approved", "45000.00"),
    ]
    assert records[0].fingerprint == fingerprint("wire_transfer", asked)
    assert {r.fingerprint for r in records[1:]} == {edit.fingerprint}
