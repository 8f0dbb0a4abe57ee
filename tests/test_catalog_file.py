"""The action catalog file: the example loads; every mistake names the file, the action and
the problem, and stops the worker at start with one line; an action whose executor is not
configured is off, named with the settings that turn it on, and not offered."""

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from countersign.catalog_file import CatalogError, load_action_catalog, load_catalog, read_action_catalog
from countersign.settings import EXAMPLE_ACTION_CATALOG, SettingsError, load_settings
from countersign.temporal_client import DATA_CONVERTER
from domain.catalog import ActionCatalog, ExecutorKind

NO_FILE = "/nonexistent/.env"
BASE = {"WEBHOOK_BASE_URL": "https://hooks.example.com/countersign"}
REAL_SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}

PAY = {
    "name": "pay",
    "description": "Pay an invoice.",
    "parameters": {
        "type": "object",
        "properties": {"amount": {"type": "string"}},
        "required": ["amount"],
    },
    "executor": {"kind": "webhook", "url": "${WEBHOOK_BASE_URL}/pay"},
}
ANNOUNCE = {
    "name": "announce",
    "description": "Post an announcement.",
    "parameters": {
        "type": "object",
        "properties": {"channel": {"type": "string"}, "text": {"type": "string"}},
        "required": ["channel", "text"],
    },
    "executor": {"kind": "slack_post"},
}


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "actions.yml"
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document))
    return path


def changed(action: dict[str, Any], **changes: Any) -> dict[str, Any]:
    action = copy.deepcopy(action)
    for key, value in changes.items():
        if value is None:
            action.pop(key, None)
        else:
            action[key] = value
    return action


def test_the_example_catalog_loads_with_an_executor_for_each_action():
    catalog = load_action_catalog(load_settings(REAL_SLACK | BASE | {"WEBHOOK_SIGNING_SECRET": "x"}, NO_FILE))

    assert catalog.source == str(EXAMPLE_ACTION_CATALOG)
    assert {a.name: a.executor.kind for a in catalog.actions} == {
        "wire_transfer": ExecutorKind.WEBHOOK,
        "grant_channel_access": ExecutorKind.SLACK_INVITE,
        "company_announcement": ExecutorKind.SLACK_POST,
        "purchase_request": ExecutorKind.WEBHOOK,
    }
    assert catalog.get("wire_transfer").executor.url == "https://hooks.example.com/countersign/wire-transfer"
    assert catalog.get("wire_transfer").reason_required
    assert all(a.description and a.parameters["type"] == "object" for a in catalog.actions)


def test_with_no_settings_at_all_the_example_catalog_works_with_the_sandbox():
    catalog = load_action_catalog(load_settings({}, NO_FILE))

    assert catalog.get("purchase_request").executor.url == "http://127.0.0.1:3100/webhooks/purchase-request"


def test_a_catalog_survives_the_trip_through_temporal_payloads():
    catalog = load_action_catalog(load_settings({}, NO_FILE))

    payloads = DATA_CONVERTER.payload_converter.to_payloads([catalog])
    (back,) = DATA_CONVERTER.payload_converter.from_payloads(payloads, [ActionCatalog])

    assert back == catalog and back.actions[0].executor.kind is ExecutorKind.WEBHOOK


def test_without_a_signing_secret_outside_the_sandbox_webhook_actions_are_off():
    loaded = load_catalog(load_settings(REAL_SLACK | BASE, NO_FILE))

    assert dict(loaded.off) == {
        "wire_transfer": ["WEBHOOK_SIGNING_SECRET"],
        "purchase_request": ["WEBHOOK_SIGNING_SECRET"],
    }
    assert loaded.offered.names == ["grant_channel_access", "company_announcement"]
    assert loaded.offered.source == loaded.everything.source


def test_with_only_the_readme_settings_for_real_slack_the_webhook_actions_are_off_and_named():
    loaded = load_catalog(load_settings(REAL_SLACK, NO_FILE))

    assert load_action_catalog(load_settings(REAL_SLACK, NO_FILE)) == loaded.offered
    assert loaded.offered.names == ["grant_channel_access", "company_announcement"]
    assert loaded.off_warning() == (
        f"Actions off in {EXAMPLE_ACTION_CATALOG}, their executor is not configured: "
        "wire_transfer (set WEBHOOK_BASE_URL and WEBHOOK_SIGNING_SECRET), "
        "purchase_request (set WEBHOOK_BASE_URL and WEBHOOK_SIGNING_SECRET). "
        "The agent is not offered them."
    )


def test_with_every_executor_configured_nothing_is_off():
    loaded = load_catalog(load_settings(REAL_SLACK | BASE | {"WEBHOOK_SIGNING_SECRET": "x"}, NO_FILE))

    assert (dict(loaded.off), loaded.off_warning()) == ({}, None)
    assert loaded.offered == loaded.everything


def test_a_catalog_without_webhooks_needs_no_secret(tmp_path):
    path = write(tmp_path, {"actions": [ANNOUNCE]})

    catalog = load_action_catalog(load_settings(REAL_SLACK | {"ACTION_CATALOG": str(path)}, NO_FILE))

    assert catalog.names == ["announce"]


def test_action_catalog_must_name_a_readable_file():
    with pytest.raises(SettingsError) as error:
        load_settings({"ACTION_CATALOG": "/nonexistent/actions.yml"}, NO_FILE)

    assert "ACTION_CATALOG must name a readable file" in str(error.value)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ("actions:\n  - name: pay\n   description: [", "action 'pay': not valid YAML at line 3, column 4"),
        ("- pay\n", "expected a mapping with an 'actions' list at the top"),
        ({"actions": []}, "the 'actions' list is empty"),
        ({"actions": [PAY], "action": []}, "unknown top-level keys: action"),
        (
            {"actions": [changed(PAY, executor={"kind": "email", "to": "cfo@example.com"})]},
            "action 'pay': unknown executor kind 'email' (known: webhook, slack_post, slack_invite)",
        ),
        (
            {
                "actions": [
                    changed(PAY, parameters={"type": "object", "properties": {"amount": {"type": "money"}}})
                ]
            },
            "action 'pay': parameters is not a valid JSON schema at properties/amount/type",
        ),
        (
            {"actions": [changed(PAY, parameters={"type": "string"})]},
            "action 'pay': parameters must be a JSON schema with type: object",
        ),
        ({"actions": [changed(PAY, description=None)]}, "action 'pay': missing description"),
        ({"actions": [PAY, changed(PAY, name=None)]}, "action #2 (no name): missing name"),
        ({"actions": [PAY, ANNOUNCE, PAY]}, "action 'pay': duplicate name"),
        ({"actions": [changed(PAY, approver=["U0CFO"])]}, "action 'pay': unknown keys: approver"),
        (
            {"actions": [changed(PAY, approvers=["alice"])]},
            "action 'pay': approvers must be Slack user IDs like U0123ABCD, not names (got 'alice')",
        ),
        (
            {"actions": [changed(PAY, timeout_seconds=0)]},
            "action 'pay': timeout_seconds must be a whole number",
        ),
        ({"actions": [changed(PAY, name="pay money")]}, "action 'pay money': name must be 1 to 64 letters"),
        (
            {"actions": [changed(PAY, executor={"kind": "webhook"})]},
            "action 'pay': a webhook executor needs a url",
        ),
        (
            {"actions": [changed(PAY, executor={"kind": "webhook", "url": "${PAYMENTS_HOST}/pay"})]},
            "action 'pay': url uses ${PAYMENTS_HOST}; only ${WEBHOOK_BASE_URL} expand",
        ),
        (
            {"actions": [changed(PAY, executor={"kind": "webhook", "url": "ftp://files/pay"})]},
            "action 'pay': url must be an http(s) URL",
        ),
        (
            {"actions": [changed(ANNOUNCE, parameters={"type": "object", "required": ["channel"]})]},
            "action 'announce': parameters must require a 'channel' property",
        ),
        (
            {
                "actions": [
                    changed(
                        ANNOUNCE,
                        parameters={"type": "object", "properties": {"channel": {}}, "required": ["channel"]},
                    )
                ]
            },
            "action 'announce': parameters must require a 'text' property (a slack_post executor posts it)",
        ),
        (
            {"actions": [changed(ANNOUNCE, executor={"kind": "slack_post", "channel": "C0GENERAL"})]},
            "action 'announce': the executor's channel is fixed, so parameters must not have a 'channel'",
        ),
        (
            {"actions": [changed(ANNOUNCE, executor={"kind": "slack_post", "channel": "#general"})]},
            "action 'announce': executor channel must be a Slack channel ID",
        ),
        (
            {"actions": [changed(ANNOUNCE, executor={"kind": "slack_invite"})]},
            "action 'announce': parameters must require 'user' or 'users'",
        ),
        (
            {"actions": [changed(ANNOUNCE, executor={"kind": "slack_post", "url": "https://x"})]},
            "action 'announce': unknown keys for a slack_post executor: url",
        ),
    ],
)
def test_a_catalog_mistake_names_the_file_the_action_and_the_problem(tmp_path, document, problem):
    path = write(tmp_path, document)

    with pytest.raises(CatalogError) as error:
        read_action_catalog(path, BASE)

    assert str(error.value).startswith(f"{path}: ")
    assert problem in str(error.value)
    assert "\n" not in str(error.value)


def test_a_webhook_whose_url_uses_an_unset_base_url_is_off_until_it_is_set(tmp_path):
    path = write(tmp_path, {"actions": [PAY, ANNOUNCE]})

    loaded = read_action_catalog(path, {"WEBHOOK_BASE_URL": None})

    assert dict(loaded.off) == {"pay": ["WEBHOOK_BASE_URL"]}
    assert loaded.offered.names == ["announce"]


def test_an_action_that_is_off_is_still_checked(tmp_path):
    # Turning it on later must not be the moment its mistake shows.
    path = write(tmp_path, {"actions": [changed(PAY, approvers=["alice"])]})

    with pytest.raises(CatalogError) as error:
        read_action_catalog(path, {"WEBHOOK_BASE_URL": None})

    assert "action 'pay': approvers must be Slack user IDs" in str(error.value)


def test_a_missing_catalog_file_is_named(tmp_path):
    with pytest.raises(CatalogError) as error:
        read_action_catalog(tmp_path / "gone.yml", BASE)

    assert str(error.value).startswith(f"{tmp_path / 'gone.yml'}: cannot read the action catalog")


def test_the_worker_stops_at_start_with_one_line_naming_the_catalog_problem(tmp_path):
    path = write(tmp_path, {"actions": [changed(PAY, executor={"kind": "email"})]})
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEMPORAL_", "WEBHOOK_"))}
    run = subprocess.run(
        [sys.executable, "-m", "workflows.worker"],
        env=environ | {"ACTION_CATALOG": str(path)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"countersign worker: {path}: action 'pay': unknown executor kind 'email' "
        "(known: webhook, slack_post, slack_invite)"
    ]


def test_the_tests_wire_schema_is_the_example_catalogs():
    from tests.approvals import WIRE_SCHEMA

    example = read_action_catalog(Path("actions.example.yml"), {"WEBHOOK_BASE_URL": "http://127.0.0.1:1"})
    parameters = example.everything.get("wire_transfer").parameters
    assert WIRE_SCHEMA == {
        **parameters,
        "properties": {
            name: {k: v for k, v in prop.items() if k != "description"}
            for name, prop in parameters["properties"].items()
        },
    }
