"""A request's chain carried out over time: decisions, each stage's clock, reminders, escalation.

Workflow-safe and free of Temporal calls: every moment comes in as an argument (the
workflow passes `workflow.now()`), so ApprovalWorkflow replays it exactly and a test can
drive it without a server. The workflow does the waiting and the telling.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.approval_status import ApprovalStatus
from domain.policy import Stage
from domain.policy_decisions import decide, edit
from domain.policy_progress import (
    Chain,
    Deciders,
    Progress,
    current,
    current_stage,
    deciders,
    escalate,
    outcome,
)
from domain.stage_notice import NoticeKind


class Wake(StrEnum):
    """What the current stage's clock did when it fired."""

    REMINDED = "reminded"
    ESCALATED = "escalated"
    EXPIRED = "expired"


@dataclass
class Telling:
    """Who to send which notice, for which stage."""

    kind: NoticeKind
    users: list[str]
    stage: Stage


class ChainRun:
    """The chain, its progress and the current stage's clock: its deadline (restarted once
    when the stage escalates) and its next reminder."""

    def __init__(self, chain: Chain, started: datetime) -> None:
        self.chain = chain
        self.progress = Progress()
        self.reminded_at: datetime | None = None
        self.changes = 0
        """Bumped by every decision, escalation and reminder: what the card must redraw."""
        self.deadline = started
        self._next_reminder: datetime | None = None
        self._start_clock(started)

    @property
    def stage_index(self) -> int | None:
        return current_stage(self.chain, self.progress)

    @property
    def deciders(self) -> Deciders:
        return deciders(self.chain, self.progress)

    def record(self, user: str, approved: bool, at: datetime, reason: str = "") -> ApprovalStatus:
        """Records a decision (raises ValueError with the refusal when `user` may not decide)
        and returns the request's outcome; a stage that follows starts its clock now."""
        before = self.stage_index
        self.progress = decide(self.chain, self.progress, user, approved, at, reason)
        return self._changed(before, at)

    def edit(self, user: str, arguments: dict[str, Any], at: datetime) -> tuple[int, ApprovalStatus]:
        """Records `user`'s edit and their approval of it (raises ValueError with the refusal
        when they may not) and returns the stage it counted for and the request's outcome.
        Stages approved before are asked again (policy_decisions.edit): the stage that now
        waits starts its clock anew."""
        index = self.stage_index
        assert index is not None  # edit() refuses a decided request
        self.chain, self.progress = edit(self.chain, self.progress, user, arguments, at)
        return index, self._changed(index, at)

    def _changed(self, before: int | None, at: datetime) -> ApprovalStatus:
        """After a decision or an edit at `at`: the card redraws, a stage that now waits
        (a later one, or an earlier one again) starts its clock, and the outcome."""
        self.changes += 1
        if self.stage_index is not None and self.stage_index != before:
            self._start_clock(at)
        return outcome(self.chain, self.progress)

    def next_wake(self) -> datetime:
        """When the clock fires next: a reminder, else the deadline."""
        if self._next_reminder is not None and self._next_reminder < self.deadline:
            return self._next_reminder
        return self.deadline

    def fire(self, now: datetime) -> Wake:
        """The clock fired at `now`: the deadline escalates the stage (once) or expires the
        request; before it, a reminder is due."""
        stage = current(self.chain, self.progress)
        assert stage is not None  # the clock runs only while the request is pending
        if now >= self.deadline:
            escalated = escalate(self.chain, self.progress)
            if escalated is self.progress:
                return Wake.EXPIRED
            self.progress = escalated
            self.changes += 1
            # The restart the policy promises: the escalation gets a full deadline of its own.
            self._start_clock(now)
            return Wake.ESCALATED
        self.reminded_at = now
        self.changes += 1
        every = timedelta(seconds=stage.remind_every_seconds or 0)
        self._next_reminder = now + every if every else None
        return Wake.REMINDED

    def telling(self, kind: NoticeKind) -> Telling | None:
        """Who hears of `kind` now: the named people who may decide the stage and have not
        (an open stage names nobody); for an escalation, those it escalated to."""
        stage = current(self.chain, self.progress)
        if stage is None:
            return None
        users = self.deciders.users
        if kind is NoticeKind.ESCALATED:
            users = [u for u in users if u in stage.escalate_to]
        return Telling(kind, users, stage) if users else None

    def _start_clock(self, at: datetime) -> None:
        stage = current(self.chain, self.progress)
        if stage is None:
            return
        self.deadline = at + timedelta(seconds=stage.timeout_seconds)
        every = stage.remind_every_seconds
        self._next_reminder = at + timedelta(seconds=every) if every else None
        self.reminded_at = None
