"""The catalog's `policies:` and each action's `policy:`, read and checked at worker start.

A mistake here would decide who may approve a wire, so nothing is guessed: an unknown key,
op or policy, a condition on an argument an action does not have, a quorum the named
people cannot reach, each stops the worker with one line naming the file, the policy, the
stage and the problem (`countersign.catalog_file` adds the file).
"""

import re
from dataclasses import replace
from typing import Any

from domain.catalog import ActionSpec
from domain.models import DEFAULT_APPROVAL_TIMEOUT_SECONDS
from domain.policy import LIST_OPS, NUMERIC_OPS, Condition, ConditionOp, Policy, Stage, as_decimal

_POLICY_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_STAGE_NAME_MAX = 40

_POLICY_KEYS = {"stages", "allow_edit", "distinct_approvers", "edit_keeps_approvals"}
_STAGE_KEYS = {
    "name",
    "approvers",
    "groups",
    "needs",
    "timeout_seconds",
    "remind_every_seconds",
    "escalate_to",
    "when",
}
_CONDITION_KEYS = {"arg", "op", "value"}
# With a policy, who decides and for how long is the policy's to say.
_SHORTHAND_KEYS = ("approvers", "timeout_seconds")


class PolicyProblem(Exception):
    """What is wrong, starting with the policy (and stage) or action it is about."""


class _Problem(Exception):
    pass


def read_policies(document: Any) -> dict[str, Policy]:
    """The top-level `policies:` mapping (absent: none), each policy checked on its own."""
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise PolicyProblem("policies must be a mapping of policy names to policies")
    policies = {}
    for name, entry in document.items():
        if not isinstance(name, str) or not _POLICY_NAME.match(name):
            raise PolicyProblem(f"policy {name!r}: name must be 1 to 64 letters, digits, '_' or '-'")
        policies[name] = _policy(name, entry)
    return policies


def with_policy(action: ActionSpec, entry: dict[str, Any], policies: dict[str, Policy]) -> ActionSpec:
    """`action` with the policy its catalog entry names; unchanged for the shorthand (its
    one-stage policy is already built). Checks every condition against its arguments."""
    if "policy" not in entry:
        return action
    where = f"action '{action.name}'"
    name = entry["policy"]
    if both := [k for k in _SHORTHAND_KEYS if k in entry]:
        raise PolicyProblem(
            f"{where}: has both policy and {' and '.join(both)} (with a policy, its stages say "
            "who decides and for how long)"
        )
    if not isinstance(name, str) or name not in policies:
        known = ", ".join(sorted(policies)) or "none: add a top-level policies mapping"
        raise PolicyProblem(f"{where}: unknown policy {name!r} (known: {known})")
    policy = policies[name]
    arguments = action.parameters.get("properties", {})
    for stage in policy.stages:
        for condition in stage.when:
            at = f"policy '{name}': stage '{stage.name}': condition on '{condition.arg}'"
            if condition.arg not in arguments:
                raise PolicyProblem(
                    f"{at}, an argument {where} does not have (it has: {', '.join(arguments) or 'none'})"
                )
            kind = (
                arguments[condition.arg].get("type") if isinstance(arguments[condition.arg], dict) else None
            )
            if condition.op in NUMERIC_OPS and kind not in (None, "number", "integer", "string"):
                raise PolicyProblem(f"{at}: {condition.op} compares numbers, and in {where} it is {kind}")
    # The one-step approval of today waits for the chain's longest wait, not one stage's.
    return replace(action, approvers=[], timeout_seconds=policy.longest_wait_seconds, policy=policy)


def _policy(name: str, entry: Any) -> Policy:
    where = f"policy '{name}'"
    if not isinstance(entry, dict):
        raise PolicyProblem(f"{where}: expected a mapping with a stages list")
    if extra := set(entry) - _POLICY_KEYS:
        raise PolicyProblem(f"{where}: unknown keys: {', '.join(sorted(map(str, extra)))}")
    raw_stages = entry.get("stages")
    if not isinstance(raw_stages, list) or not raw_stages:
        raise PolicyProblem(f"{where}: stages must be a list of at least one stage")
    stages: list[Stage] = []
    for index, raw in enumerate(raw_stages, start=1):
        label = _stage_label(raw, index)
        try:
            stage = _stage(raw)
        except _Problem as problem:
            raise PolicyProblem(f"{where}: stage {label}: {problem}") from None
        if stage.name in (s.name for s in stages):
            raise PolicyProblem(f"{where}: stage {label}: duplicate name (the card names each stage)")
        stages.append(stage)
    if all(s.when for s in stages):
        # A request none of them applies to would need nobody's approval.
        raise PolicyProblem(f"{where}: every stage has a when; at least one must apply to every request")
    try:
        if _flag(entry, "edit_keeps_approvals", False) and not _flag(entry, "allow_edit", False):
            raise _Problem("edit_keeps_approvals is about edits, which need allow_edit: true")
        return Policy(
            name=name,
            stages=stages,
            allow_edit=_flag(entry, "allow_edit", False),
            distinct_approvers=_flag(entry, "distinct_approvers", True),
            edit_keeps_approvals=_flag(entry, "edit_keeps_approvals", False),
        )
    except _Problem as problem:
        raise PolicyProblem(f"{where}: {problem}") from None


def _stage_label(entry: Any, index: int) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"'{name}'" if isinstance(name, str) and name.strip() else f"#{index} (no name)"


def _stage(entry: Any) -> Stage:
    if not isinstance(entry, dict):
        raise _Problem("expected a mapping with a name and who decides")
    if extra := set(entry) - _STAGE_KEYS:
        # A misspelt `approvers` silently ignored would open the stage to anyone.
        raise _Problem(f"unknown keys: {', '.join(sorted(map(str, extra)))}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > _STAGE_NAME_MAX or "\n" in name:
        raise _Problem(f"name must be one line of text, at most {_STAGE_NAME_MAX} characters")
    approvers = _ids(entry, "approvers", _USER_ID, "Slack user IDs like U0123ABCD")
    groups = _ids(entry, "groups", _GROUP_ID, "Slack user-group IDs like S0123ABCD")
    needs, needs_all = _needs(entry.get("needs", 1), approvers, groups)
    timeout = _seconds(entry, "timeout_seconds", DEFAULT_APPROVAL_TIMEOUT_SECONDS)
    remind = _seconds(entry, "remind_every_seconds", None)
    if remind is not None and remind >= timeout:
        raise _Problem(f"remind_every_seconds ({remind}) must be shorter than timeout_seconds ({timeout})")
    return Stage(
        name=name.strip(),
        approvers=approvers,
        groups=groups,
        needs=needs,
        needs_all=needs_all,
        timeout_seconds=timeout,
        remind_every_seconds=remind,
        escalate_to=_ids(entry, "escalate_to", _USER_ID, "Slack user IDs like U0123ABCD"),
        when=_conditions(entry.get("when", [])),
    )


def _ids(entry: dict[str, Any], key: str, shape: re.Pattern[str], what: str) -> list[str]:
    ids = entry.get(key, [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _Problem(f"{key} must be a list of {what}")
    if bad := [i for i in ids if not shape.match(i)]:
        raise _Problem(f"{key} must be {what}, not names (got {bad[0]!r})")
    return list(dict.fromkeys(ids))


def _needs(needs: Any, approvers: list[str], groups: list[str]) -> tuple[int, bool]:
    if needs == "all":
        if not approvers and not groups:
            raise _Problem("needs: all needs approvers or groups (with neither, anyone may decide)")
        return 1, True
    if isinstance(needs, bool) or not isinstance(needs, int) or needs < 1:
        raise _Problem(f"needs must be a whole number from 1, or all (got {needs!r})")
    if approvers and not groups and needs > len(approvers):
        people = "1 person" if len(approvers) == 1 else f"{len(approvers)} people"
        raise _Problem(f"needs {needs} approvals, more than the {people} it names (and it has no groups)")
    return needs, False


def _seconds(entry: dict[str, Any], key: str, default: int | None) -> int | None:
    value = entry.get(key, default)
    if value is default:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _Problem(f"{key} must be a whole number of seconds above 0 (got {value!r})")
    return value


def _conditions(entries: Any) -> list[Condition]:
    if not isinstance(entries, list):
        raise _Problem("when must be a list of conditions like {arg: amount, op: gt, value: 10000}")
    return [_condition(entry) for entry in entries]


def _condition(entry: Any) -> Condition:
    if not isinstance(entry, dict) or set(entry) != _CONDITION_KEYS:
        raise _Problem(f"a condition must have exactly arg, op and value (got {entry!r})")
    arg, op, value = entry["arg"], entry["op"], entry["value"]
    if not isinstance(arg, str) or not arg:
        raise _Problem(f"a condition's arg must name an argument (got {arg!r})")
    if op not in [o.value for o in ConditionOp]:
        raise _Problem(f"unknown op {op!r} (known: {', '.join(o.value for o in ConditionOp)})")
    op = ConditionOp(op)
    if op in LIST_OPS:
        if not isinstance(value, list) or not value or not all(_is_scalar(v) for v in value):
            raise _Problem(f"{op} on '{arg}' needs a list of values (got {value!r})")
    elif op in NUMERIC_OPS:
        if as_decimal(value) is None:
            raise _Problem(f"{op} on '{arg}' needs a number (got {value!r})")
    elif not _is_scalar(value):
        raise _Problem(f"{op} on '{arg}' needs one number or text (got {value!r})")
    return Condition(arg=arg, op=op, value=value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _flag(entry: dict[str, Any], key: str, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise _Problem(f"{key} must be true or false (got {value!r})")
    return value
