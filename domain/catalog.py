"""The action catalog: what the agent may ask to do, who decides, and what runs on approval.

Pure data and a pure check, importable from workflow code: the catalog is loaded from
YAML by `countersign.catalog_file` at worker start and handed to workflows by the
`get_agent_setup` activity, so a running workflow keeps the catalog it started with.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jsonschema import Draft202012Validator

from domain.models import DEFAULT_APPROVAL_TIMEOUT_SECONDS
from domain.policy import Policy, one_stage_policy
from domain.schema_words import rule_of

# Enough for the model to fix its call; more only buries the first problem.
MAX_PROBLEMS = 10
MAX_PROBLEM_LENGTH = 200


class ExecutorKind(StrEnum):
    WEBHOOK = "webhook"
    """POST the arguments as JSON to `url`, signed with WEBHOOK_SIGNING_SECRET."""
    SLACK_POST = "slack_post"
    """chat.postMessage: the `text` argument to `channel` (or the `channel` argument)."""
    SLACK_INVITE = "slack_invite"
    """conversations.invite: the `user` / `users` argument into `channel` (or the argument)."""


@dataclass(frozen=True)
class ExecutorSpec:
    """What runs once an action is approved."""

    kind: ExecutorKind
    url: str | None = None
    """webhook: where to POST."""
    channel: str | None = None
    """slack_post / slack_invite: a fixed channel ID; None means the `channel` argument."""


@dataclass(frozen=True)
class ActionSpec:
    """One action the agent may propose; it becomes one tool the model can call."""

    name: str
    description: str
    """What the model reads to decide when to call it."""
    parameters: dict[str, Any]
    """JSON schema (draft 2020-12) of the arguments, an object schema."""
    executor: ExecutorSpec
    approvers: list[str] = field(default_factory=list)
    """The `approvers:` shorthand: Slack user IDs allowed to decide; empty means anyone but
    the requester. Empty for an action with a `policy:` (what today's one-step approval
    reads until the workflow carries out policies)."""
    timeout_seconds: int = DEFAULT_APPROVAL_TIMEOUT_SECONDS
    """The shorthand's deadline; with a `policy:`, the longest the whole chain can wait."""
    reason_required: bool = False
    policy: Policy | None = None
    """Who decides, in stages. Never None once built: without one (the `approvers:`
    shorthand, and specs from before policies existed) it is the one-stage policy the
    shorthand means, so everything downstream sees one shape."""

    def __post_init__(self) -> None:
        if self.policy is None:
            object.__setattr__(
                self, "policy", one_stage_policy(self.name, self.approvers, self.timeout_seconds)
            )


@dataclass(frozen=True)
class ActionCatalog:
    """Every action, in the catalog file's order."""

    actions: list[ActionSpec] = field(default_factory=list)
    source: str = ""
    """The file it was loaded from, for messages."""

    def get(self, name: str) -> ActionSpec | None:
        return next((a for a in self.actions if a.name == name), None)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.actions]


def validate_arguments(spec: ActionSpec, arguments: Any) -> list[str]:
    """What is wrong with `arguments` for `spec`, as short lines the model can act on.

    Empty when they match the schema. Deterministic (no format checks, which depend on
    optional packages), so workflow code may call it.
    """
    return schema_problems(spec.parameters, arguments)


def schema_problems(schema: dict[str, Any], arguments: Any) -> list[str]:
    """`validate_arguments` for a bare schema: what an approval holds an approver's edit to."""
    if not isinstance(arguments, dict):
        return [f"arguments must be a JSON object, not {type(arguments).__name__}"]
    errors = Draft202012Validator(schema).iter_errors(arguments)
    problems = sorted(_describe(e.absolute_path, e.message) for e in errors)
    # JSON's "\ud800" parses into a lone surrogate: no character at all, which no card can
    # show and no system should receive.
    problems += [f"{path}: not valid Unicode (a lone surrogate)" for path in _invalid_text(arguments, "")]
    if len(problems) > MAX_PROBLEMS:
        problems = [*problems[:MAX_PROBLEMS], f"... and {len(problems) - MAX_PROBLEMS} more problems"]
    return problems


def field_problems(schema: dict[str, Any], arguments: dict[str, Any]) -> dict[str, str]:
    """The first problem of each top-level argument, by name, in the words of the rule it
    breaks ("Must match ^…$"), for a form to show under its field; problems of no one
    argument are under "". Empty when `arguments` match."""
    found: dict[str, str] = {}
    for error in sorted(Draft202012Validator(schema).iter_errors(arguments), key=lambda e: e.message):
        path = list(error.absolute_path)
        if path:
            found.setdefault(str(path[0]), _short(rule_of(error)))
        elif error.validator == "required":
            for name in error.validator_value:
                if name not in arguments:
                    found.setdefault(str(name), "This is required.")
        else:
            found.setdefault("", _short(rule_of(error)))
    for path in _invalid_text(arguments, ""):
        found.setdefault(path.split(".")[0], "Not valid Unicode (a lone surrogate).")
    return found


def _short(message: str) -> str:
    return message if len(message) <= MAX_PROBLEM_LENGTH else message[: MAX_PROBLEM_LENGTH - 1] + "…"


def _invalid_text(value: Any, path: str) -> list[str]:
    if isinstance(value, str):
        return [path or "(value)"] if any(0xD800 <= ord(c) <= 0xDFFF for c in value) else []
    if isinstance(value, dict):
        return [
            p
            for k, v in value.items()
            for p in _invalid_text(k, path) + _invalid_text(v, f"{path}.{k}".strip("."))
        ]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _invalid_text(v, f"{path}.{i}".strip("."))]
    return []


def _describe(path: Any, message: str) -> str:
    where = ".".join(str(p) for p in path)
    line = f"{where}: {message}" if where else message
    return line if len(line) <= MAX_PROBLEM_LENGTH else line[: MAX_PROBLEM_LENGTH - 1] + "…"
