"""Properties of the policy state machine over arbitrary policies and clicks: it approves
only with every applicable stage's approvals and no rejection, and never lets the
requester (or anyone twice, or one person for two stages) decide."""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.models import ApprovalStatus
from domain.policy import Condition, ConditionOp, Policy, Stage
from domain.policy_decisions import decide, refusal
from domain.policy_progress import (
    Chain,
    Progress,
    approvals_of,
    chain_for,
    current_stage,
    deciders,
    escalate,
    needed,
    outcome,
)

AT = datetime(2025, 3, 1, tzinfo=UTC)
REQUESTER = "U0REQUESTER"
PEOPLE = [REQUESTER, "U0A", "U0B", "U0C", "U0D", "U0E"]
GROUPS = ["S0ONE", "S0TWO"]

people = st.lists(st.sampled_from(PEOPLE), max_size=4, unique=True)
conditions = st.lists(
    st.builds(
        Condition,
        arg=st.just("amount"),
        op=st.sampled_from(list(ConditionOp)),
        value=st.one_of(st.integers(0, 20), st.lists(st.integers(0, 20), min_size=1, max_size=3)),
    ).filter(lambda c: (c.op in (ConditionOp.IN, ConditionOp.NOT_IN)) == isinstance(c.value, list)),
    max_size=2,
)
stages = st.builds(
    Stage,
    name=st.sampled_from(["Manager", "Director", "CFO", "Legal"]),
    approvers=people,
    groups=st.lists(st.sampled_from(GROUPS), max_size=2, unique=True),
    needs=st.integers(1, 3),
    needs_all=st.booleans(),
    escalate_to=people,
    when=conditions,
)
policies = st.builds(
    Policy,
    name=st.just("p"),
    stages=st.lists(stages, min_size=1, max_size=3),
    distinct_approvers=st.booleans(),
)
# Clicks and deadlines, in any order: a deadline escalates the stage then waiting.
events = st.lists(
    st.one_of(st.tuples(st.sampled_from(PEOPLE), st.booleans()), st.just("deadline")), max_size=14
)


def play(chain: Chain, script: list) -> tuple[Progress, list[tuple[Progress, str]]]:
    """Runs the clicks the way the workflow will: refused ones change nothing."""
    progress, seen = Progress(), []
    for event in script:
        if event == "deadline":
            progress = escalate(chain, progress)
            continue
        user, approved = event
        seen.append((progress, user))
        if refusal(chain, progress, user) is None:
            progress = decide(chain, progress, user, approved, AT)
    return progress, seen


@settings(max_examples=300, deadline=None)
@given(
    policy=policies,
    amount=st.integers(0, 20),
    members=st.fixed_dictionaries({g: people for g in GROUPS}),
    script=events,
)
def test_approved_only_with_every_applicable_stage_approved_and_no_rejection(policy, amount, members, script):
    chain = chain_for(policy, {"amount": str(amount)}, REQUESTER, members)
    progress, seen = play(chain, script)

    everyone_approved = all(
        len(approvals_of(progress, i)) >= needed(chain, progress, i) for i, a in enumerate(chain.applies) if a
    )
    rejected = any(not d.approved for d in progress.decisions)
    assert (outcome(chain, progress) is ApprovalStatus.APPROVED) == (everyone_approved and not rejected)
    assert (outcome(chain, progress) is ApprovalStatus.REJECTED) == rejected
    assert any(chain.applies)
    for before, user in seen:
        # What the bot will say and what the workflow enforces are one answer.
        assert (refusal(chain, before, user) is None) == deciders(chain, before).includes(user)


@settings(max_examples=300, deadline=None)
@given(
    policy=policies,
    amount=st.integers(0, 20),
    members=st.fixed_dictionaries({g: people for g in GROUPS}),
    script=events,
)
def test_the_requester_never_decides_and_nobody_counts_twice(policy, amount, members, script):
    chain = chain_for(policy, {"amount": str(amount)}, REQUESTER, members)
    progress, seen = play(chain, script)

    assert all(d.user != REQUESTER for d in progress.decisions)
    for before, _ in seen:
        now = deciders(chain, before)
        assert REQUESTER not in now.users and not now.includes(REQUESTER)
    approvals = [(d.user, d.stage) for d in progress.decisions if d.approved]
    assert len(approvals) == len(set(approvals))
    if policy.distinct_approvers:
        users = [user for user, _ in approvals]
        assert len(users) == len(set(users))
    assert all(chain.applies[d.stage] for d in progress.decisions)
    if outcome(chain, progress) is not ApprovalStatus.PENDING:
        assert current_stage(chain, progress) is None
        assert all(refusal(chain, progress, user) for user in PEOPLE)
