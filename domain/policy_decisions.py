"""Deciding a stage: whether someone may, exactly why not, and recording it when they may.

Pure code over `policy_progress`; the refusals are Slack mrkdwn (mentions of people),
told only to the person who clicked.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.approval_status import ApprovalStatus
from domain.policy import stages_that_apply
from domain.policy_progress import (
    Chain,
    Deciders,
    Progress,
    StageDecision,
    approvals_of,
    current_stage,
    deciders,
    outcome,
    stage_members,
)
from domain.slack_text import mention

REQUESTER_REFUSAL = "You asked for this, so someone else has to decide it."
# A refusal names this many people; a longer list is counted, so it stays readable and
# within Slack's limits without cutting a mention in half.
APPROVERS_NAMED_MAX = 20
ALREADY_DECIDED = {
    ApprovalStatus.APPROVED: "This request is already approved.",
    ApprovalStatus.REJECTED: "This request is already rejected.",
}


def refusal(chain: Chain, progress: Progress, user: str) -> str | None:
    """Why `user` may not decide the request now, or None when they may."""
    if (status := outcome(chain, progress)) is not ApprovalStatus.PENDING:
        return ALREADY_DECIDED[status]
    if user == chain.requester:
        return REQUESTER_REFUSAL
    index = current_stage(chain, progress)
    assert index is not None  # pending
    now = deciders(chain, progress)
    if user in approvals_of(progress, index):
        return f"You already approved {_stage(chain, index, bare=True)}."
    if user in now.excluded and _in_stage(chain, progress, index, user):
        earlier = next(d.stage for d in progress.counted if d.approved and d.user == user)
        return (
            f"You already approved {_stage(chain, earlier)}, and one person's approval counts for "
            "one stage only."
        )
    if now.includes(user):
        return None
    if (later := _later_stage_of(chain, index, user)) is not None:
        return f"You are in {_stage(chain, later)}, which starts after {_stage(chain, index)}."
    if user in chain.policy.stages[index].escalate_to:
        return (
            f"{_stage(chain, index, capital=True)} comes to you only if it reaches its deadline; "
            f"until then only {who_may_decide(now)} can decide it."
        )
    if not now.anyone and not now.users:
        return f"Nobody left can decide {_stage(chain, index)}: it waits for its deadline."
    return f"Only {who_may_decide(now)} can decide {_stage(chain, index)}."


def decide(
    chain: Chain, progress: Progress, user: str, approved: bool, at: datetime, reason: str = ""
) -> Progress:
    """`progress` with `user`'s decision on the current stage. Raises ValueError with the
    refusal when they may not decide it: ask `refusal` first to tell them."""
    if why := refusal(chain, progress, user):
        raise ValueError(why)
    index = current_stage(chain, progress)
    assert index is not None  # refusal() refuses a decided request
    decision = StageDecision(
        user=user, stage=index, approved=approved, decided_at=at, reason=reason, version=progress.version
    )
    return replace(progress, decisions=[*progress.decisions, decision])


def edit(
    chain: Chain, progress: Progress, user: str, arguments: dict[str, Any], at: datetime
) -> tuple[Chain, Progress]:
    """The chain and progress once `user` edited the arguments to `arguments` and approved
    them. The stages that apply are judged again on the edited arguments; approvals given
    before no longer count (they were for other arguments), unless the policy says they
    do (they stay in the record, superseded); the editor's own approval counts for the
    stage they were deciding. Raises
    ValueError with the refusal when they may not decide it, or the policy allows no edit."""
    if why := refusal(chain, progress, user):
        raise ValueError(why)
    if not chain.policy.allow_edit:
        raise ValueError(EDIT_NOT_ALLOWED)
    index = current_stage(chain, progress)
    assert index is not None  # refusal() refuses a decided request
    version = progress.version + 1
    approval = StageDecision(user=user, stage=index, approved=True, decided_at=at, version=version)
    superseded = progress.superseded if chain.policy.edit_keeps_approvals else len(progress.decisions)
    return (
        replace(chain, applies=stages_that_apply(chain.policy, arguments)),
        replace(
            progress,
            decisions=[*progress.decisions, approval],
            version=version,
            superseded=superseded,
        ),
    )


EDIT_NOT_ALLOWED = "This request's policy does not let approvers edit it: approve or reject it as asked."


def who_may_decide(now: Deciders) -> str:
    """'@a, @b', 'anyone but @requester and @c', as Slack mrkdwn."""
    if now.anyone:
        return f"anyone but {_and(now.excluded)}"
    if not now.users:
        return "nobody"
    named = ", ".join(mention(u) for u in now.users[:APPROVERS_NAMED_MAX])
    if len(now.users) > APPROVERS_NAMED_MAX:
        named += f" and {len(now.users) - APPROVERS_NAMED_MAX} more"
    return named


def _and(users: list[str]) -> str:
    shown = [mention(u) for u in users[:APPROVERS_NAMED_MAX]]
    if len(users) > APPROVERS_NAMED_MAX:
        return f"{', '.join(shown)} and {len(users) - APPROVERS_NAMED_MAX} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _in_stage(chain: Chain, progress: Progress, index: int, user: str) -> bool:
    """Whether `user` could decide stage `index` but for having decided before."""
    stage = chain.policy.stages[index]
    escalated = stage.escalate_to if index in progress.escalated else []
    return stage.is_open or user in stage_members(chain, index) or user in escalated


def _later_stage_of(chain: Chain, index: int, user: str) -> int | None:
    return next(
        (
            i
            for i in range(index + 1, len(chain.policy.stages))
            if chain.applies[i] and user in stage_members(chain, i)
        ),
        None,
    )


def _stage(chain: Chain, index: int, *, bare: bool = False, capital: bool = False) -> str:
    """'the Manager stage'; a one-stage policy (the `approvers:` shorthand) has no stages
    to speak of, so it is 'this approval' (or 'this request' in `bare` sentences)."""
    if len(chain.policy.stages) == 1:
        words = "this request" if bare else "this approval"
    else:
        words = f"the {chain.policy.stages[index].name} stage"
    return words[:1].upper() + words[1:] if capital else words
