"""Reading one approval's history: what was asked, how it ended, and the clicks it got.

The request is the workflow's input and the outcome its result (or how it closed). The
clicks are what `export` uses for an approval that left no result: exact when every
decision came as an Update, a best reading of the signals otherwise. An accepted
`decide_click` Update whose handler returned None counted (one that returned a refusal did
not; one its validator refused wrote nothing); a `decide` signal counted unless the
approval then told that person why not, which it does with the activity `post_ephemeral`,
once per refused signal. `approve` signals are left to the result: one that counted
ended the approval approved. An accepted `edit_click` that returned None counted too: its
editor's approval of the version it made, which judges the stages again (and the
approvals before it stop counting). An `edit` signal makes it a best reading, like `decide`'s.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter

from countersign.audit.records import Decided
from domain.approval_names import APPROVE, DECIDE, DECIDE_CLICK, EDIT, EDIT_CLICK
from domain.fingerprint import fingerprint
from domain.models import (
    ApprovalRequest,
    ApprovalResult,
    DecisionSubmission,
    Edit,
    EditSubmission,
    EphemeralNotice,
)
from domain.policy_decisions import decide, edit
from domain.policy_progress import Chain, Progress, escalate

# The activity a refused `decide` signal tells its refusal with (named in the history).
REFUSAL_NOTICE = "post_ephemeral"

CLOSES = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "completed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: "cancelled",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "terminated",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "failed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: "timed_out",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "continued_as_new",
}


@dataclass
class ApprovalHistory:
    request: ApprovalRequest
    closed: str | None = None
    """How the execution closed (`CLOSES`), None while it runs."""
    closed_at: datetime | None = None
    result: ApprovalResult | None = None
    clicks: list[Decided] = field(default_factory=list)
    """The decisions the history alone shows counted, in order (see the module's docstring)."""
    edits: list[Edit] = field(default_factory=list)
    """The edits among them (each `edit_click` Update that counted), in order."""
    asked: bool = False
    """Someone sent it a decision (an accepted Update, a signal): without, it has none."""
    signalled: bool = False
    """A decision came as a signal (`decide`, `approve`): `clicks` cannot be sure of it."""
    last_task_at: datetime | None = None
    """When its last workflow task started: no decision was recorded after that."""


@dataclass
class _Signal:
    submission: DecisionSubmission
    at: datetime | None = None
    """The workflow time of the task that saw it: what the approval records as `decided_at`."""
    refused: bool = False


async def read_history(history: WorkflowHistory, converter: DataConverter) -> ApprovalHistory:
    events = history.events
    started = events[0].workflow_execution_started_event_attributes
    (request,) = await converter.decode(started.input.payloads, [ApprovalRequest])
    found = ApprovalHistory(request=request)
    accepted: dict[str, DecisionSubmission | EditSubmission] = {}
    counted_updates: list[tuple[DecisionSubmission | EditSubmission, datetime]] = []
    signals: list[_Signal] = []
    task_at = events[0].event_time.ToDatetime(tzinfo=UTC)
    for event in events:
        at = _moment(event.event_time)
        kind = event.event_type
        if kind in CLOSES:
            found.closed, found.closed_at = CLOSES[kind], at
            if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
                payloads = event.workflow_execution_completed_event_attributes.result.payloads
                (found.result,) = await converter.decode(payloads, [ApprovalResult])
        elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            # workflow.now() inside the task: the time an approval gives what it records.
            task_at = found.last_task_at = at
        elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            for signal in signals:
                signal.at = signal.at or task_at
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            update = event.workflow_execution_update_accepted_event_attributes.accepted_request
            if update.input.name == DECIDE_CLICK:
                (submission,) = await converter.decode(update.input.args.payloads, [DecisionSubmission])
                accepted[update.meta.update_id] = submission
                found.asked = True
            elif update.input.name == EDIT_CLICK:
                (edited,) = await converter.decode(update.input.args.payloads, [EditSubmission])
                accepted[update.meta.update_id] = edited
                found.asked = True
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            attributes = event.workflow_execution_update_completed_event_attributes
            if attributes.meta.update_id in accepted and await _recorded(attributes.outcome, converter):
                counted_updates.append((accepted[attributes.meta.update_id], task_at))
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            attributes = event.workflow_execution_signaled_event_attributes
            if attributes.signal_name in (DECIDE, APPROVE, EDIT):
                found.asked = found.signalled = True
            if attributes.signal_name == DECIDE:
                (submission,) = await converter.decode(attributes.input.payloads, [DecisionSubmission])
                signals.append(_Signal(submission))
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attributes = event.activity_task_scheduled_event_attributes
            if attributes.activity_type.name == REFUSAL_NOTICE:
                (notice,) = await converter.decode(attributes.input.payloads, [EphemeralNotice])
                _mark_refused(signals, notice.user)
    seen = [(s.submission, s.at) for s in signals if s.at is not None and not s.refused]
    found.clicks, found.edits = _with_stages(
        request, sorted([*counted_updates, *seen], key=lambda click: click[1])
    )
    return found


def _moment(timestamp: Timestamp) -> datetime:
    # Converted as the Python SDK converts workflow.now() (nanoseconds, as a float of
    # seconds), so a time read here is the approval's own to the microsecond; protobuf's
    # ToDatetime truncates instead.
    return datetime.fromtimestamp(timestamp.ToNanoseconds() / 1e9, UTC)


async def _recorded(outcome: Any, converter: DataConverter) -> bool:
    """The Update's handler returned None (recorded), not a refusal or a failure."""
    if not outcome.HasField("success"):
        return False
    payloads = outcome.success.payloads
    return not payloads or (await converter.decode(payloads))[0] is None


def _mark_refused(signals: list[_Signal], user: str) -> None:
    # A refusal is told after its signal is seen: the latest seen one of that person's not
    # yet accounted for.
    for signal in reversed(signals):
        if signal.at is not None and not signal.refused and signal.submission.user == user:
            signal.refused = True
            return


def _with_stages(
    request: ApprovalRequest, clicks: list[tuple[DecisionSubmission | EditSubmission, datetime]]
) -> tuple[list[Decided], list[Edit]]:
    """The clicks as decisions, each chained one at the stage the chain's own rules put it,
    and the edits among them. A decision the rules refuse but the approval counted was made
    once its stage had escalated (a timer the history shows only as fired), so it is
    retried escalated. An edit is its editor's approval of the version it made, and judges
    the stages again, as the approval did."""
    chain, progress = request.chain, Progress()
    decided: list[Decided] = []
    edits: list[Edit] = []
    for submission, at in clicks:
        stage = None
        for before in (progress, escalate(chain, progress)) if chain else ():
            try:
                chain, progress = _apply(chain, before, submission, at)
            except ValueError:
                continue
            stage = progress.decisions[-1].stage
            break
        if isinstance(submission, EditSubmission):
            parameters = submission.parameters
            edits.append(
                Edit(submission.user, at, parameters, fingerprint(request.action, parameters), stage)
            )
            decided.append(Decided(submission.user, True, "", at, stage, progress.version))
        else:
            reason = submission.reason.strip()
            version = progress.version
            decided.append(Decided(submission.user, submission.approved, reason, at, stage, version))
    return decided, edits


def _apply(
    chain: Chain, progress: Progress, submission: DecisionSubmission | EditSubmission, at: datetime
) -> tuple[Chain, Progress]:
    if isinstance(submission, EditSubmission):
        return edit(chain, progress, submission.user, submission.parameters, at)
    reason = submission.reason.strip()
    return chain, decide(chain, progress, submission.user, submission.approved, at, reason)
