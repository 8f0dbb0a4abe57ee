"""A policy carried out for one request: which stage waits, who may decide it, the outcome.

Pure functions over two records: the `Chain` (the policy as it applies to the request,
fixed when the request is made) and its `Progress` (each decision, each escalation). The
workflow keeps both; the bot can ask the same questions to answer a click at once.
What to tell someone who may not decide, and recording a decision: `policy_decisions`.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domain.approval_status import ApprovalStatus
from domain.policy import Policy, Stage, stages_that_apply


@dataclass(frozen=True)
class Chain:
    """A policy as it applies to one request. Everything here is settled when the request
    is made, so what the card shows is what the workflow enforces, however long it waits."""

    policy: Policy
    requester: str
    """Slack user ID of the person who asked: never one of the deciders."""
    applies: list[bool]
    """For each of the policy's stages, whether its `when` held for the arguments."""
    group_members: dict[str, list[str]] = field(default_factory=dict)
    """Each user group the policy names, as resolved when the request was made."""


@dataclass(frozen=True)
class StageDecision:
    user: str
    stage: int
    """Index into the policy's stages."""
    approved: bool
    decided_at: datetime
    reason: str = ""
    version: int = 0
    """How many edits the arguments had when this was decided: which version it was for."""


@dataclass(frozen=True)
class Progress:
    decisions: list[StageDecision] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    """Stages whose deadline passed once: their `escalate_to` may decide them too."""
    version: int = 0
    """Approvers' edits so far (policy_decisions.edit)."""
    superseded: int = 0
    """Decisions before this index were for arguments since edited: kept for the record
    (the audit, the card's history), they count no longer."""

    @property
    def counted(self) -> list[StageDecision]:
        """The decisions that count: all but those an edit superseded."""
        return self.decisions[self.superseded :]


@dataclass(frozen=True)
class Deciders:
    """Who may decide the current stage now."""

    users: list[str] = field(default_factory=list)
    """The named people (members, escalation), in the catalog's order."""
    anyone: bool = False
    """An open stage: anyone may decide, but those in `excluded`."""
    excluded: list[str] = field(default_factory=list)
    """Who may not, though they might think so: the requester, those who already approved."""

    def includes(self, user: str) -> bool:
        if user in self.excluded:
            return False
        return self.anyone or user in self.users


def chain_for(
    policy: Policy, arguments: dict[str, Any], requester: str, group_members: dict[str, list[str]]
) -> Chain:
    """The chain for a request, with its groups as `usergroups.users.list` answered."""
    named = {g for stage in policy.stages for g in stage.groups}
    return Chain(
        policy=policy,
        requester=requester,
        applies=stages_that_apply(policy, arguments),
        group_members={g: list(group_members.get(g, [])) for g in sorted(named)},
    )


def groups_to_resolve(policy: Policy) -> list[str]:
    """The user groups whose members the request must record, each once."""
    return sorted({g for stage in policy.stages for g in stage.groups})


def stage_members(chain: Chain, index: int) -> list[str]:
    """The stage's named approvers and its groups' members, each once, in catalog order."""
    stage = chain.policy.stages[index]
    members = [*stage.approvers, *(u for g in stage.groups for u in chain.group_members.get(g, []))]
    return list(dict.fromkeys(members))


def approvals_of(progress: Progress, index: int) -> list[str]:
    """Who approved stage `index`, each once, in the order they did."""
    return list(dict.fromkeys(d.user for d in progress.counted if d.stage == index and d.approved))


def needed(chain: Chain, progress: Progress, index: int) -> int:
    """Approvals stage `index` needs. `needs: all` counts the members who can approve it:
    not the requester, nor (with distinct approvers) those who counted for another stage."""
    stage = chain.policy.stages[index]
    if not stage.needs_all:
        return stage.needs
    barred = _counted_elsewhere(chain, progress, index) | {chain.requester}
    return max(1, len([u for u in stage_members(chain, index) if u not in barred]))


def rejection(progress: Progress) -> StageDecision | None:
    return next((d for d in progress.counted if not d.approved), None)


def current_stage(chain: Chain, progress: Progress) -> int | None:
    """The stage waiting for decisions; None once the request is approved or rejected."""
    if rejection(progress):
        return None
    return next(
        (
            i
            for i, applies in enumerate(chain.applies)
            if applies and len(approvals_of(progress, i)) < needed(chain, progress, i)
        ),
        None,
    )


def outcome(chain: Chain, progress: Progress) -> ApprovalStatus:
    """Rejected by any rejection; approved once every applicable stage has its approvals.
    Expiry and withdrawal are the workflow's: they are about time and people, not votes."""
    if rejection(progress):
        return ApprovalStatus.REJECTED
    if current_stage(chain, progress) is None:
        return ApprovalStatus.APPROVED
    return ApprovalStatus.PENDING


def deciders(chain: Chain, progress: Progress) -> Deciders:
    """Who may decide now: the current stage's members, its escalation once escalated,
    never the requester, nobody twice, and (with distinct approvers) nobody who already
    counted for another stage. Empty once the request is decided."""
    index = current_stage(chain, progress)
    if index is None:
        return Deciders()
    stage = chain.policy.stages[index]
    excluded = [
        chain.requester,
        *approvals_of(progress, index),
        *sorted(_counted_elsewhere(chain, progress, index)),
    ]
    excluded = list(dict.fromkeys(excluded))
    named = stage_members(chain, index)
    if index in progress.escalated:
        named = list(dict.fromkeys([*named, *stage.escalate_to]))
    return Deciders(
        users=[u for u in named if u not in excluded],
        anyone=stage.is_open,
        excluded=excluded,
    )


def escalate(chain: Chain, progress: Progress) -> Progress:
    """The current stage reached its deadline: its `escalate_to` may decide it too.
    Once per stage; unchanged when there is no one to escalate to."""
    index = current_stage(chain, progress)
    if index is None or index in progress.escalated or not chain.policy.stages[index].escalate_to:
        return progress
    return replace(progress, escalated=[*progress.escalated, index])


def current(chain: Chain, progress: Progress) -> Stage | None:
    index = current_stage(chain, progress)
    return None if index is None else chain.policy.stages[index]


def _counted_elsewhere(chain: Chain, progress: Progress, index: int) -> set[str]:
    if not chain.policy.distinct_approvers:
        return set()
    return {d.user for d in progress.counted if d.approved and d.stage != index}
