"""The policy state machine: stages in order, skipped by their conditions, quorum, who may
decide and exactly why not, the outcome, and the chain line the card will show."""

from datetime import UTC, datetime

import pytest

from domain import approval_rules
from domain.models import ApprovalStatus
from domain.policy import Condition, ConditionOp, Policy, Stage, holds, one_stage_policy, stages_that_apply
from domain.policy_chain_line import StageState, chain_plain, chain_progress, chain_text
from domain.policy_decisions import REQUESTER_REFUSAL, decide, refusal, who_may_decide
from domain.policy_progress import Chain, Progress, chain_for, current_stage, deciders, escalate, outcome

AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
ADA, GRACE, ALAN, EDSGER, BARBARA, CFO = (
    "U01ADALOVE",
    "U02GRACEHO",
    "U03ALANTUR",
    "U04EDSGER",
    "U05BARBARA",
    "U0CFO",
)
ABOVE_10K = Condition(arg="amount", op=ConditionOp.GT, value=10000)
PAYMENTS = Policy(
    name="payments",
    stages=[
        Stage(name="Manager", approvers=[GRACE], escalate_to=[EDSGER]),
        Stage(name="CFO", approvers=[CFO], when=[ABOVE_10K]),
    ],
)
SECURITY = Policy(name="security", stages=[Stage(name="Security", groups=["S0SECURITY"], needs=2)])
SECURITY_GROUP = {"S0SECURITY": [GRACE, ALAN, EDSGER]}


def chain(policy: Policy, amount: str = "5000.00", groups: dict[str, list[str]] | None = None) -> Chain:
    return chain_for(policy, {"amount": amount}, ADA, groups or {})


def run(c: Chain, *decisions: tuple[str, bool]) -> Progress:
    progress = Progress()
    for user, approved in decisions:
        progress = decide(c, progress, user, approved, AT, "" if approved else "no")
    return progress


@pytest.mark.parametrize(
    ("op", "value", "argument", "expected"),
    [
        (ConditionOp.GT, 10000, "10000.01", True),
        (ConditionOp.GT, 10000, "10000.00", False),
        (ConditionOp.GTE, 10000, "10000.00", True),
        (ConditionOp.LT, "99.5", 99, True),
        (ConditionOp.LTE, 0.1, "0.10", True),
        (ConditionOp.EQ, 5000, "5000.00", True),
        (ConditionOp.EQ, "USD", "USD", True),
        (ConditionOp.NE, "USD", "EUR", True),
        (ConditionOp.EQ, 5000, "five thousand", False),
        (ConditionOp.IN, ["C0PRIVATE", "G0SECRET"], "G0SECRET", True),
        (ConditionOp.NOT_IN, ["C0PRIVATE"], "C0PUBLIC", True),
        (ConditionOp.IN, [1, 2], "2.0", True),
        # Cannot be judged: the stage applies, asking for more people, never fewer.
        (ConditionOp.GT, 10000, "a lot", True),
        (ConditionOp.LT, 10000, "NaN", True),
        (ConditionOp.GT, 10000, True, True),
    ],
)
def test_a_condition_compares_numbers_as_decimals(op, value, argument, expected):
    assert holds(Condition(arg="amount", op=op, value=value), {"amount": argument}) is expected


def test_a_condition_on_an_absent_argument_holds():
    assert holds(ABOVE_10K, {}) is True


def test_the_cfo_stage_is_skipped_below_the_threshold_and_required_above():
    small, large = chain(PAYMENTS, "5000.00"), chain(PAYMENTS, "25000.00")

    assert small.applies == [True, False] and large.applies == [True, True]
    assert outcome(small, run(small, (GRACE, True))) is ApprovalStatus.APPROVED
    after_manager = run(large, (GRACE, True))
    assert outcome(large, after_manager) is ApprovalStatus.PENDING
    assert current_stage(large, after_manager) == 1
    assert deciders(large, after_manager).users == [CFO]
    assert outcome(large, run(large, (GRACE, True), (CFO, True))) is ApprovalStatus.APPROVED


def test_a_policy_whose_every_stage_is_conditional_still_needs_someone():
    policy = Policy(name="p", stages=[Stage(name="CFO", approvers=[CFO], when=[ABOVE_10K])])

    assert stages_that_apply(policy, {"amount": "1.00"}) == [True]


def test_the_cfo_is_told_their_stage_starts_after_the_managers():
    c = chain(PAYMENTS, "25000.00")

    assert refusal(c, Progress(), CFO) == "You are in the CFO stage, which starts after the Manager stage."
    assert refusal(c, Progress(), ALAN) == "Only <@U02GRACEHO> can decide the Manager stage."


def test_two_of_three_from_a_group():
    c = chain(SECURITY, groups=SECURITY_GROUP)

    one = run(c, (GRACE, True))
    assert outcome(c, one) is ApprovalStatus.PENDING
    assert deciders(c, one).users == [ALAN, EDSGER]
    assert refusal(c, one, GRACE) == "You already approved this request."
    assert outcome(c, run(c, (GRACE, True), (EDSGER, True))) is ApprovalStatus.APPROVED
    assert chain_text(chain_progress(c, one)) == "Security 1/2"


def test_a_group_that_resolved_to_nobody_is_not_anyone():
    c = chain(SECURITY, groups={"S0SECURITY": []})

    now = deciders(c, Progress())
    assert not now.anyone and now.users == []
    assert refusal(c, Progress(), GRACE) == "Nobody left can decide this approval: it waits for its deadline."


def test_a_rejection_at_stage_two_rejects_the_whole_request():
    c = chain(PAYMENTS, "25000.00")

    progress = run(c, (GRACE, True), (CFO, False))

    assert outcome(c, progress) is ApprovalStatus.REJECTED
    assert current_stage(c, progress) is None
    assert deciders(c, progress).users == []
    assert refusal(c, progress, CFO) == "This request is already rejected."
    assert chain_text(chain_progress(c, progress)) == "Manager ✓ <@U02GRACEHO> · CFO ✗ <@U0CFO>"


def test_one_person_counts_for_one_stage_only_with_distinct_approvers():
    both = Policy(
        name="p",
        stages=[Stage(name="Manager", approvers=[GRACE]), Stage(name="Director", approvers=[GRACE, ALAN])],
    )
    c = chain(both)

    progress = run(c, (GRACE, True))

    assert deciders(c, progress).users == [ALAN]
    assert refusal(c, progress, GRACE) == (
        "You already approved the Manager stage, and one person's approval counts for one stage only."
    )
    with pytest.raises(ValueError, match="one stage only"):
        decide(c, progress, GRACE, True, AT)


def test_without_distinct_approvers_one_person_may_decide_each_stage():
    both = Policy(
        name="p",
        stages=[Stage(name="Manager", approvers=[GRACE]), Stage(name="Director", approvers=[GRACE, ALAN])],
        distinct_approvers=False,
    )
    c = chain(both)

    progress = run(c, (GRACE, True), (GRACE, True))

    assert outcome(c, progress) is ApprovalStatus.APPROVED


def test_the_requester_never_decides_even_when_named():
    policy = Policy(name="p", stages=[Stage(name="Manager", approvers=[ADA, GRACE])])
    c = chain(policy)

    assert refusal(c, Progress(), ADA) == REQUESTER_REFUSAL
    assert ADA not in deciders(c, Progress()).users
    assert approval_rules.REQUESTER_REFUSAL is REQUESTER_REFUSAL  # one wording for both


def test_needs_all_is_every_member_but_the_requester():
    policy = Policy(name="p", stages=[Stage(name="Legal", groups=["S0LEGAL"], needs_all=True)])
    c = chain(policy, groups={"S0LEGAL": [ADA, GRACE, ALAN]})

    assert outcome(c, run(c, (GRACE, True))) is ApprovalStatus.PENDING
    assert outcome(c, run(c, (GRACE, True), (ALAN, True))) is ApprovalStatus.APPROVED


def test_needs_all_after_a_shared_member_counted_for_an_earlier_stage():
    policy = Policy(
        name="p",
        stages=[
            Stage(name="Manager", approvers=[GRACE]),
            Stage(name="Legal", groups=["S0LEGAL"], needs_all=True),
        ],
    )
    c = chain(policy, groups={"S0LEGAL": [GRACE, ALAN, BARBARA]})

    assert outcome(c, run(c, (GRACE, True), (ALAN, True), (BARBARA, True))) is ApprovalStatus.APPROVED


def test_escalation_widens_who_may_decide_once():
    c = chain(PAYMENTS)

    assert refusal(c, Progress(), EDSGER) == (
        "The Manager stage comes to you only if it reaches its deadline; "
        "until then only <@U02GRACEHO> can decide it."
    )
    escalated = escalate(c, Progress())
    assert deciders(c, escalated).users == [GRACE, EDSGER]
    assert escalate(c, escalated) == escalated
    assert outcome(c, run_from(c, escalated, (EDSGER, True))) is ApprovalStatus.APPROVED


def test_escalation_without_anyone_to_escalate_to_changes_nothing():
    c = chain(SECURITY, groups=SECURITY_GROUP)

    assert escalate(c, Progress()) == Progress()


def test_the_shorthand_is_one_open_stage_with_todays_wording():
    c = chain(one_stage_policy("pay", []))

    assert deciders(c, Progress()).anyone
    assert refusal(c, Progress(), GRACE) is None
    after = run(c, (GRACE, True))
    assert outcome(c, after) is ApprovalStatus.APPROVED
    named = chain(one_stage_policy("pay", [GRACE]))
    assert refusal(named, Progress(), ALAN) == "Only <@U02GRACEHO> can decide this approval."


def test_an_open_stage_needing_two_names_who_cannot():
    policy = Policy(name="p", stages=[Stage(name="Peers", needs=2)])
    c = chain(policy)

    one = run(c, (GRACE, True))

    assert who_may_decide(deciders(c, one)) == "anyone but <@U01ADALOVE> and <@U02GRACEHO>"
    assert refusal(c, one, ALAN) is None


def test_the_chain_line_shows_each_stage_where_it_stands():
    three = Policy(
        name="p",
        stages=[
            Stage(name="Manager", approvers=[GRACE]),
            Stage(name="Director", approvers=[ALAN, EDSGER, BARBARA], needs=2),
            Stage(name="CFO", approvers=[CFO]),
            Stage(name="Board", approvers=[CFO], when=[ABOVE_10K]),
        ],
    )
    c = chain(three)
    progress = run(c, (GRACE, True), (ALAN, True))
    lines = chain_progress(c, progress)

    assert [line.state for line in lines] == [
        StageState.APPROVED,
        StageState.DECIDING,
        StageState.WAITING,
        StageState.SKIPPED,
    ]
    assert chain_text(lines) == "Manager ✓ <@U02GRACEHO> · Director 1/2 · CFO waiting · Board skipped"
    assert chain_plain(lines, {GRACE: "ana"}) == "Manager ✓ @ana · Director 1/2 · CFO waiting · Board skipped"


def test_stages_after_a_rejection_were_not_reached():
    c = chain(PAYMENTS, "25000.00")

    lines = chain_progress(c, run(c, (GRACE, False)))

    assert chain_plain(lines, {GRACE: "grace"}) == "Manager ✗ @grace · CFO not reached"


def test_a_stage_name_is_escaped_in_mrkdwn():
    c = chain(Policy(name="p", stages=[Stage(name="R&D <leads>", approvers=[GRACE])]))

    assert chain_text(chain_progress(c, Progress())) == "R&amp;D &lt;leads&gt; 0/1"


def run_from(c: Chain, progress: Progress, *decisions: tuple[str, bool]) -> Progress:
    for user, approved in decisions:
        progress = decide(c, progress, user, approved, AT)
    return progress
