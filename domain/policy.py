"""Approval policies: the stages a request goes through before it may run.

A policy is data read from the catalog (`countersign.policy_file`) and carried with the
request, so a running approval keeps the policy it started with. Pure code, safe inside
the workflow sandbox: conditions are compared, never evaluated.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from domain.approval_status import DEFAULT_APPROVAL_TIMEOUT_SECONDS

# The name of the one stage an action's `approvers:` shorthand stands for.
SHORTHAND_STAGE = "Approval"


class ConditionOp(StrEnum):
    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"
    NOT_IN = "not_in"


NUMERIC_OPS = frozenset({ConditionOp.GT, ConditionOp.GTE, ConditionOp.LT, ConditionOp.LTE})
LIST_OPS = frozenset({ConditionOp.IN, ConditionOp.NOT_IN})


@dataclass(frozen=True)
class Condition:
    """`{arg: amount, op: gt, value: 10000}`: one test of one top-level argument."""

    arg: str
    op: ConditionOp
    value: Any
    """A number or text; a list of them for in / not_in (as the catalog wrote it)."""


@dataclass(frozen=True)
class Stage:
    """One step of a policy: who may decide it and how many of them must approve."""

    name: str
    approvers: list[str] = field(default_factory=list)
    """Slack user IDs."""
    groups: list[str] = field(default_factory=list)
    """Slack user-group IDs, resolved to their members when the request is made.
    No approvers and no groups: anyone but the requester."""
    needs: int = 1
    """Approvals the stage needs; ignored when `needs_all`."""
    needs_all: bool = False
    """`needs: all`: every member as resolved when the request was made. A flag rather
    than a sentinel count, so no number ever means "everyone"."""
    timeout_seconds: int = DEFAULT_APPROVAL_TIMEOUT_SECONDS
    remind_every_seconds: int | None = None
    """Remind those who have not decided this often; None: no reminders."""
    escalate_to: list[str] = field(default_factory=list)
    """At the deadline these may decide too, and the deadline restarts once."""
    when: list[Condition] = field(default_factory=list)
    """The stage applies only if every condition holds; empty: always."""

    @property
    def is_open(self) -> bool:
        """Anyone but the requester may decide: decided by configuration, never by a
        group that happened to resolve to nobody."""
        return not self.approvers and not self.groups


@dataclass(frozen=True)
class Policy:
    name: str
    stages: list[Stage]
    allow_edit: bool = False
    """Whether the people deciding a stage may edit the arguments, approving their version."""
    distinct_approvers: bool = True
    """One person's approval counts for one stage only."""
    edit_keeps_approvals: bool = False
    """Whether approvals given before an edit still count for the edited version. By
    default they do not: nobody's approval counts for arguments they did not see, so an
    edit sends the edited version back through the stages already approved."""

    @property
    def longest_wait_seconds(self) -> int:
        """How long a request can wait when every stage applies and runs to its deadline
        (an escalating stage's deadline restarts once)."""
        return sum(s.timeout_seconds * (2 if s.escalate_to else 1) for s in self.stages)


def one_stage_policy(
    name: str, approvers: list[str], timeout_seconds: int = DEFAULT_APPROVAL_TIMEOUT_SECONDS
) -> Policy:
    """What an action's `approvers:` / `timeout_seconds:` shorthand means."""
    return Policy(
        name=name,
        stages=[Stage(name=SHORTHAND_STAGE, approvers=list(approvers), timeout_seconds=timeout_seconds)],
    )


def stages_that_apply(policy: Policy, arguments: dict[str, Any]) -> list[bool]:
    """For each stage, whether the request's arguments bring it in.

    A request always needs someone: if no stage applies (the catalog check refuses such a
    policy), the first one does.
    """
    applies = [all(holds(c, arguments) for c in stage.when) for stage in policy.stages]
    if policy.stages and not any(applies):
        applies[0] = True
    return applies


def holds(condition: Condition, arguments: dict[str, Any]) -> bool:
    """Whether `condition` holds for `arguments`.

    Stages only ever add approvals, so a condition that cannot be judged (the argument is
    absent, or not a number under a numeric op) holds: the stage applies, and a value we
    cannot compare asks for more people, never fewer.
    """
    if condition.arg not in arguments:
        return True
    argument = arguments[condition.arg]
    op = condition.op
    if op in NUMERIC_OPS:
        left, right = as_decimal(argument), as_decimal(condition.value)
        if left is None or right is None:
            return True
        return {
            ConditionOp.GT: left > right,
            ConditionOp.GTE: left >= right,
            ConditionOp.LT: left < right,
            ConditionOp.LTE: left <= right,
        }[op]
    # == rather than `is`: the workflow sandbox may hold its own copy of this enum.
    if op in LIST_OPS:
        found = any(same_value(argument, v) for v in condition.value)
        return found if op == ConditionOp.IN else not found
    equal = same_value(argument, condition.value)
    return equal if op == ConditionOp.EQ else not equal


def same_value(argument: Any, value: Any) -> bool:
    """Equal as decimals when the catalog wrote a number ("5000.00" is 5000), else as written."""
    if _is_number(value):
        left = as_decimal(argument)
        return left is not None and left == as_decimal(value)
    return argument == value


def as_decimal(value: Any) -> Decimal | None:
    """A finite decimal from a JSON number or a numeric string, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        # str() of a float is its shortest repr: 0.1 reads as 0.1, not its binary expansion.
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
