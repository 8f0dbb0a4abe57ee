"""slack_manifest.yml against Slack's manifest schema (v1) and what the bot needs."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures/slack"
CONSTRAINTS: dict[str, dict[str, Any]] = json.loads(
    (FIXTURES / "manifest_schema_v1_constraints.json").read_text()
)["constraints"]
# JSON Schema's own key, which Slack's examples carry and the extraction left out.
META_KEYS = {"$schema"}
PY_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int}


def schema_problems(value: Any, path: str = "(root)") -> list[str]:
    """Every way `value` (at `path`, e.g. `features.slash_commands[]`) breaks the schema."""
    rules = CONSTRAINTS.get(path, {})
    problems = []
    expected = rules.get("type")
    if expected and not (
        isinstance(value, PY_TYPES[expected]) and not (expected == "integer" and value is True)
    ):
        return [f"{path}: expected {expected}, got {type(value).__name__}"]
    if isinstance(value, str | list):
        if len(value) < rules.get("minLength", rules.get("minItems", 0)):
            problems.append(f"{path}: too short")
        if len(value) > rules.get("maxLength", rules.get("maxItems", len(value))):
            problems.append(f"{path}: too long")
    if isinstance(value, str):
        if "pattern" in rules and not re.search(rules["pattern"], value):
            problems.append(f"{path}: does not match {rules['pattern']}")
        if "enum" in rules and value not in rules["enum"]:
            problems.append(f"{path}: not one of {rules['enum']}")
    if isinstance(value, dict):
        prefix = "" if path == "(root)" else f"{path}."
        problems += [f"{path}: missing {key}" for key in rules.get("required", []) if key not in value]
        for key, child in value.items():
            child_path = prefix + key
            if child_path not in CONSTRAINTS:
                if rules.get("additionalProperties") is False and not (path == "(root)" and key in META_KEYS):
                    problems.append(f"{path}: unknown key {key}")
                continue
            problems += schema_problems(child, child_path)
    if isinstance(value, list):
        for item in value:
            problems += schema_problems(item, f"{path}[]")
    return problems


def test_the_validator_accepts_slacks_valid_example_and_refuses_its_invalid_one():
    assert schema_problems(json.loads((FIXTURES / "manifest_valid_official.json").read_text())) == []
    assert schema_problems(json.loads((FIXTURES / "manifest_invalid_official.json").read_text())) == [
        "settings: unknown key bad_param"
    ]


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "slack_manifest.yml").read_text())


def test_the_manifest_is_valid_against_slacks_schema(manifest):
    assert schema_problems(manifest) == []


def test_the_manifest_asks_for_exactly_the_scopes_the_bot_uses(manifest):
    # app_mention events, chat.postMessage/update/postEphemeral, /approvals, reactions.add,
    # users.info, usergroups.users.list.
    # views.open and chat.getPermalink need no scope.
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "app_mentions:read",
        "chat:write",
        "commands",
        "reactions:write",
        "usergroups:read",
        "users:read",
    ]
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_the_manifest_wires_mentions_clicks_and_approvals_to_one_request_url(manifest):
    settings = manifest["settings"]
    features = manifest["features"]
    assert features["bot_user"]["display_name"]
    assert settings["event_subscriptions"]["bot_events"] == ["app_mention"]
    assert settings["interactivity"]["is_enabled"] is True
    assert [c["command"] for c in features["slash_commands"]] == ["/approvals"]
    assert settings["socket_mode_enabled"] is False, (
        "HTTP mode by default; Socket Mode is the documented switch"
    )
    urls = {
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in features["slash_commands"]),
    }
    assert urls == {"https://YOUR-HOST/slack/events"}


def test_the_manifest_documents_the_socket_mode_switch():
    text = (ROOT / "slack_manifest.yml").read_text()
    assert "socket_mode_enabled: true" in text and "SLACK_APP_TOKEN" in text and "connections:write" in text
