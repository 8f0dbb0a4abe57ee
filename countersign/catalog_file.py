"""Reading the action catalog YAML (ACTION_CATALOG) at worker start.

Everything that can be wrong with the file is found here, before any approval is asked
for: a CatalogError names the file, the action and the problem, and the worker turns it
into one line and exit code 2. See actions.example.yml for the format.

A correct action whose executor is not configured (a webhook without WEBHOOK_SIGNING_SECRET,
or whose url uses an unset ${WEBHOOK_BASE_URL}) is not a mistake in the file: it is off.
The worker starts, names it in one warning with the settings that turn it on, and the agent
is not offered it, so no card is ever posted for something that cannot run.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from countersign.policy_file import PolicyProblem, read_policies, with_policy
from countersign.settings import Settings, SettingsError
from domain.catalog import ActionCatalog, ActionSpec, ExecutorKind, ExecutorSpec
from domain.models import DEFAULT_APPROVAL_TIMEOUT_SECONDS

# OpenAI's rule for function names: each action becomes a tool of that name.
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_NAME_LINE = re.compile(r"^[\s-]*name:\s*['\"]?([\w-]+)", re.MULTILINE)

_ACTION_KEYS = {
    "name",
    "description",
    "parameters",
    "executor",
    "approvers",
    "timeout_seconds",
    "reason_required",
    "policy",
}
_REQUIRED_ACTION_KEYS = ("name", "description", "parameters", "executor")
_EXECUTOR_KEYS = {
    ExecutorKind.WEBHOOK: {"kind", "url"},
    ExecutorKind.SLACK_POST: {"kind", "channel"},
    ExecutorKind.SLACK_INVITE: {"kind", "channel"},
}


class CatalogError(SettingsError):
    """The action catalog cannot be used. A SettingsError, so entry points report it the
    same way: one line, exit code 2."""


@dataclass(frozen=True)
class LoadedCatalog:
    """A checked catalog file: every action in it, and which of them are off."""

    everything: ActionCatalog
    off: Mapping[str, list[str]] = field(default_factory=dict)
    """Actions whose executor is not configured, each with the settings that turn it on."""

    @property
    def offered(self) -> ActionCatalog:
        """The actions the agent may propose: those whose executor can run."""
        actions = [a for a in self.everything.actions if a.name not in self.off]
        return ActionCatalog(actions=actions, source=self.everything.source)

    def off_warning(self) -> str | None:
        """One line naming the actions that are off and what turns each on; None if none is."""
        if not self.off:
            return None
        each = ", ".join(f"{name} (set {' and '.join(needs)})" for name, needs in self.off.items())
        return (
            f"Actions off in {self.everything.source}, their executor is not configured: {each}. "
            "The agent is not offered them."
        )


def load_catalog(settings: Settings) -> LoadedCatalog:
    """The catalog ACTION_CATALOG names, checked, with the actions its settings leave off."""
    loaded = read_action_catalog(settings.action_catalog, {"WEBHOOK_BASE_URL": settings.webhook_base_url})
    if settings.webhook_signing_secret:
        return loaded
    # Unsigned, a receiver could not tell an approved request from anyone's POST.
    off = dict(loaded.off)
    for action in loaded.everything.actions:
        if action.executor.kind is ExecutorKind.WEBHOOK:
            off[action.name] = [*off.get(action.name, []), "WEBHOOK_SIGNING_SECRET"]
    return replace(loaded, off=off)


def load_action_catalog(settings: Settings) -> ActionCatalog:
    """The actions of ACTION_CATALOG the agent is offered (`load_catalog(settings).offered`)."""
    return load_catalog(settings).offered


def read_action_catalog(path: Path, variables: Mapping[str, str | None]) -> LoadedCatalog:
    """Parses and checks one catalog file; `${NAME}` in webhook URLs comes from `variables`,
    and an action whose url uses one that is unset (None) is off until it is set."""
    source = str(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise CatalogError(f"{source}: cannot read the action catalog ({err.strerror})") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise CatalogError(f"{source}: {_yaml_problem(text, err)}") from None
    if not isinstance(document, dict) or not isinstance(document.get("actions"), list):
        raise CatalogError(f"{source}: expected a mapping with an 'actions' list at the top")
    if extra := set(document) - {"actions", "policies"}:
        raise CatalogError(f"{source}: unknown top-level keys: {', '.join(sorted(map(str, extra)))}")
    try:
        policies = read_policies(document.get("policies"))
    except PolicyProblem as problem:
        raise CatalogError(f"{source}: {problem}") from None
    actions: list[ActionSpec] = []
    off: dict[str, list[str]] = {}
    for index, entry in enumerate(document["actions"], start=1):
        label = _label(entry, index)
        unset: list[str] = []
        try:
            action = with_policy(_action(entry, variables, unset), entry, policies)
        except _Problem as problem:
            raise CatalogError(f"{source}: action {label}: {problem}") from None
        except PolicyProblem as problem:
            raise CatalogError(f"{source}: {problem}") from None
        if action.name in (a.name for a in actions):
            raise CatalogError(f"{source}: action {label}: duplicate name (each action is one tool)")
        actions.append(action)
        if unset:
            off[action.name] = unset
    if not actions:
        raise CatalogError(f"{source}: the 'actions' list is empty")
    return LoadedCatalog(ActionCatalog(actions=actions, source=source), off)


class _Problem(Exception):
    pass


def _yaml_problem(text: str, err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    if mark is None:
        return f"not valid YAML: {' '.join(problem.split())}"
    # The action being written when the file went wrong: the last name above the mistake.
    names = _NAME_LINE.findall("\n".join(text.splitlines()[: mark.line + 1]))
    where = f"action '{names[-1]}': " if names else ""
    return f"{where}not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _label(entry: Any, index: int) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"'{name}'" if isinstance(name, str) and name else f"#{index} (no name)"


def _action(entry: Any, variables: Mapping[str, str | None], unset: list[str]) -> ActionSpec:
    if not isinstance(entry, dict):
        raise _Problem("expected a mapping with name, description, parameters and executor")
    if extra := set(entry) - _ACTION_KEYS:
        # A misspelt `approvers` silently ignored would let anyone approve.
        raise _Problem(f"unknown keys: {', '.join(sorted(map(str, extra)))}")
    if missing := [k for k in _REQUIRED_ACTION_KEYS if k not in entry]:
        raise _Problem(f"missing {', '.join(missing)}")
    name = entry["name"]
    if not isinstance(name, str) or not _TOOL_NAME.match(name):
        raise _Problem("name must be 1 to 64 letters, digits, '_' or '-' (it becomes a tool name)")
    description = entry["description"]
    if not isinstance(description, str) or not description.strip():
        raise _Problem("description must be text: the model reads it to decide when to call the action")
    parameters = _parameters(entry["parameters"])
    return ActionSpec(
        name=name,
        description=" ".join(description.split()),
        parameters=parameters,
        executor=_executor(entry["executor"], parameters, variables, unset),
        approvers=_approvers(entry.get("approvers", [])),
        timeout_seconds=_timeout(entry.get("timeout_seconds", DEFAULT_APPROVAL_TIMEOUT_SECONDS)),
        reason_required=_flag(entry.get("reason_required", False)),
    )


def _parameters(schema: Any) -> dict[str, Any]:
    if not isinstance(schema, dict):
        raise _Problem("parameters must be a JSON schema (a mapping)")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        where = "/".join(str(p) for p in err.absolute_path) or "the top"
        raise _Problem(f"parameters is not a valid JSON schema at {where}: {err.message}") from None
    if schema.get("type") != "object":
        raise _Problem("parameters must be a JSON schema with type: object (tool arguments are an object)")
    return schema


def _approvers(approvers: Any) -> list[str]:
    if not isinstance(approvers, list) or not all(isinstance(a, str) for a in approvers):
        raise _Problem("approvers must be a list of Slack user IDs")
    if bad := [a for a in approvers if not _USER_ID.match(a)]:
        raise _Problem(f"approvers must be Slack user IDs like U0123ABCD, not names (got {bad[0]!r})")
    return approvers


def _timeout(timeout: Any) -> int:
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        raise _Problem(f"timeout_seconds must be a whole number of seconds above 0 (got {timeout!r})")
    return timeout


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Problem(f"reason_required must be true or false (got {value!r})")
    return value


def _executor(
    entry: Any, parameters: dict[str, Any], variables: Mapping[str, str | None], unset: list[str]
) -> ExecutorSpec:
    kinds = ", ".join(k.value for k in ExecutorKind)
    if not isinstance(entry, dict) or "kind" not in entry:
        raise _Problem(f"executor must be a mapping with a kind ({kinds})")
    if entry["kind"] not in [k.value for k in ExecutorKind]:
        raise _Problem(f"unknown executor kind {entry['kind']!r} (known: {kinds})")
    kind = ExecutorKind(entry["kind"])
    if extra := set(entry) - _EXECUTOR_KEYS[kind]:
        raise _Problem(f"unknown keys for a {kind} executor: {', '.join(sorted(map(str, extra)))}")
    if kind is ExecutorKind.WEBHOOK:
        return ExecutorSpec(kind=kind, url=_url(entry.get("url"), variables, unset))
    channel = entry.get("channel")
    if channel is not None and (not isinstance(channel, str) or not _CHANNEL_ID.match(channel)):
        raise _Problem(f"executor channel must be a Slack channel ID like C0123ABCD (got {channel!r})")
    if channel and "channel" in parameters.get("properties", {}):
        # One channel or the other: the approver must see where it goes, and it must go there.
        raise _Problem("the executor's channel is fixed, so parameters must not have a 'channel' property")
    if not channel:
        _require_argument(parameters, "channel", f"a {kind} executor without a fixed channel")
    if kind is ExecutorKind.SLACK_POST:
        _require_argument(parameters, "text", "a slack_post executor posts it")
    elif not any(_is_required(parameters, p) for p in ("user", "users")):
        raise _Problem("parameters must require 'user' or 'users': a slack_invite executor invites them")
    return ExecutorSpec(kind=kind, channel=channel)


def _url(url: Any, variables: Mapping[str, str | None], unset: list[str]) -> str | None:
    """The expanded url; None, with the settings it needs added to `unset`, when one is unset."""
    if not isinstance(url, str) or not url:
        raise _Problem("a webhook executor needs a url")

    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            raise _Problem(f"url uses ${{{name}}}; only {', '.join(f'${{{v}}}' for v in variables)} expand")
        if not (value := variables[name]):
            if name not in unset:
                unset.append(name)
            return ""
        return value.rstrip("/")

    expanded = _VARIABLE.sub(expand, url)
    if unset:
        return None
    if not re.match(r"^https?://[^/\s]+", expanded):
        raise _Problem(f"url must be an http(s) URL (got {expanded!r})")
    return expanded


def _is_required(parameters: dict[str, Any], name: str) -> bool:
    return name in parameters.get("properties", {}) and name in parameters.get("required", [])


def _require_argument(parameters: dict[str, Any], name: str, why: str) -> None:
    if not _is_required(parameters, name):
        raise _Problem(f"parameters must require a '{name}' property ({why})")
