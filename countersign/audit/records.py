"""The audit record, and the records of one approval from its own account of what counted.

Pure code: the approval's request, the decisions it recorded (its result's or its
`get_status` answer's `decision` and `progress`) and how it ended go in; records come out.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import rfc8785

from domain.fingerprint import fingerprint
from domain.models import ApprovalRequest, ApprovalStatus, Decision, Edit
from domain.policy_progress import Progress, current_stage

OPERATOR = "Temporal (operator)"
"""The decider of an `approve` signal (`temporal workflow signal --name approve`): whoever can
signal through Temporal is trusted, and Temporal does not say who that was."""
PENDING = "pending"


@dataclass(frozen=True)
class AuditRecord:
    """One line of the export. The field order is the JSONL key order and the CSV columns."""

    workflow_id: str
    action: str
    summary: str
    requester: str
    channel: str
    stage: str
    """The policy stage decided; empty for one-step approvals and one-stage policies."""
    decider: str
    """Slack user ID, or OPERATOR; empty for an outcome nobody decided (expiry)."""
    decision: str
    """approved / rejected, edited (an approver changed the arguments and approved their
    version), or how the approval ended without one (expired, cancelled, …)."""
    reason: str
    time: str
    """ISO 8601, UTC, to the millisecond."""
    fingerprint: str
    """Of the arguments this line is about: as asked, or the version an edit made."""
    outcome: str
    """How the approval ended (its result's status), or pending while it runs."""
    arguments: str = ""
    """Those arguments, as RFC 8785 canonical JSON: with edits, the export has each version."""


@dataclass(frozen=True)
class Decided:
    """A decision that counted: who (None: through Temporal), what, why, when, at which stage."""

    user: str | None
    approved: bool
    reason: str
    at: datetime
    stage: int | None = None
    version: int = 0
    """Which version of the arguments it was for: 0 as asked, n after the n-th edit."""


# What an approval's end is called when it is neither a decision nor still waiting.
DECIDED_OUTCOMES = frozenset({"approved", "rejected", PENDING})


def recorded_decisions(
    request: ApprovalRequest, decision: Decision | None, progress: Progress | None, status: ApprovalStatus
) -> list[Decided]:
    """The decisions the approval itself recorded: each stage decision of a chain, and the
    one decision of a one-step approval or of an operator who settled a chain at once.
    A withdrawal is the requester's, recorded as a decision but no approver's: it is the
    approval's end (`records_of`), not a rejection."""
    if status is ApprovalStatus.WITHDRAWN:
        decision = None
    stage_decisions = progress.decisions if progress else []
    decided = [
        Decided(d.user, d.approved, d.reason, d.decided_at, d.stage, d.version) for d in stage_decisions
    ]
    # A chain's deciding click is in its progress already; an operator's `approve` is not.
    if decision is not None and (request.chain is None or progress is None or decision.decided_by is None):
        stage = current_stage(request.chain, progress) if request.chain and progress else None
        version = progress.version if progress else 0
        decided.append(
            Decided(
                decision.decided_by, decision.approved, decision.reason, decision.decided_at, stage, version
            )
        )
    return decided


def records_of(
    workflow_id: str,
    request: ApprovalRequest,
    decided: list[Decided],
    outcome: str,
    closed_at: datetime | None,
    edits: list[Edit] | None = None,
) -> list[AuditRecord]:
    """A record per decision and per edit, in time order, each with the version of the
    arguments it was about; and one for an end that was not a decision (expired, cancelled,
    terminated, …) at the time the approval closed."""
    versions = [request.parameters, *(e.parameters for e in edits or [])]

    def record(
        stage: int | None, decider: str, decision: str, reason: str, at: datetime, version: int = 0
    ) -> AuditRecord:
        arguments = versions[min(version, len(versions) - 1)]
        return AuditRecord(
            workflow_id=workflow_id,
            action=request.action,
            summary=request.summary,
            requester=request.requester,
            channel=request.channel,
            stage=stage_name(request, stage),
            decider=decider,
            decision=decision,
            reason=reason,
            time=iso_utc(at),
            fingerprint=fingerprint(request.action, arguments),
            outcome=outcome,
            arguments=rfc8785.dumps(arguments).decode(),
        )

    records = [
        record(
            d.stage, d.user or OPERATOR, "approved" if d.approved else "rejected", d.reason, d.at, d.version
        )
        for d in decided
    ]
    # An edit is its editor's approval of the new version (in `decided` already), and this.
    records += [record(e.stage, e.user, "edited", "", e.edited_at, n) for n, e in enumerate(edits or [], 1)]
    records.sort(key=lambda r: (r.time, r.decision != "edited"))
    if outcome not in DECIDED_OUTCOMES and closed_at is not None:
        ended_by = request.requester if outcome == ApprovalStatus.WITHDRAWN.value else ""
        records.append(record(None, ended_by, outcome, "", closed_at))
    return records


def stage_name(request: ApprovalRequest, index: int | None) -> str:
    # A one-stage policy (the `approvers:` shorthand) has no stages to speak of, as on its card.
    if request.chain is None or index is None or len(request.chain.policy.stages) < 2:
        return ""
    return request.chain.policy.stages[index].name


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
