"""The catalog's policies: the example's load as written, the shorthand is a one-stage
policy, and every mistake stops the worker with one line naming the file, the policy, the
stage and the problem."""

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from countersign.catalog_file import CatalogError, load_action_catalog, read_action_catalog
from countersign.settings import load_settings
from countersign.temporal_client import DATA_CONVERTER
from domain.catalog import ActionCatalog, ActionSpec
from domain.policy import SHORTHAND_STAGE, Condition, ConditionOp
from tests.test_catalog_file import ANNOUNCE, BASE, NO_FILE, PAY, changed, write

MANAGER = {"name": "Manager", "approvers": ["U0MANAGER"]}
CFO = {"name": "CFO", "approvers": ["U0CFO"], "when": [{"arg": "amount", "op": "gt", "value": 10000}]}
PAYMENTS = {"stages": [MANAGER, CFO]}


def catalog(policies: dict[str, Any], *actions: dict[str, Any]) -> dict[str, Any]:
    return {"policies": policies, "actions": list(actions) or [changed(PAY, policy="payments")]}


def stage(**changes: Any) -> dict[str, Any]:
    return {"policies": {"payments": {"stages": [changed(MANAGER, **changes)]}}, "actions": [PAY]}


def test_the_example_catalog_has_its_policies():
    example = load_action_catalog(load_settings({}, NO_FILE))

    wire = example.get("wire_transfer").policy
    assert [s.name for s in wire.stages] == ["Manager", "CFO"]
    assert wire.stages[1].when == [Condition(arg="amount", op=ConditionOp.GT, value=10000)]
    security = example.get("grant_channel_access").policy.stages[0]
    assert (security.groups, security.needs) == (["S0SECURITY"], 2)
    assert example.get("company_announcement").policy.stages[0].escalate_to == ["U03ALANTUR"]
    # Approvers may edit a wire before approving it, and an edit goes back to the stages before.
    assert (wire.allow_edit, wire.edit_keeps_approvals) == (True, False)
    assert not example.get("grant_channel_access").policy.allow_edit
    # Until the workflow carries out stages: one step, anyone but the requester, as before.
    assert all(a.approvers == [] for a in example.actions)
    assert example.get("wire_transfer").timeout_seconds == 2 * 86400


def test_the_shorthand_is_a_policy_of_one_stage(tmp_path):
    path = write(tmp_path, {"actions": [changed(PAY, approvers=["U0CFO"], timeout_seconds=60)]})

    (pay,) = read_action_catalog(path, BASE).everything.actions

    assert [(s.name, s.approvers, s.timeout_seconds) for s in pay.policy.stages] == [
        (SHORTHAND_STAGE, ["U0CFO"], 60)
    ]
    assert (pay.approvers, pay.timeout_seconds) == (["U0CFO"], 60)


def test_policies_round_trip_through_temporal_payloads(tmp_path):
    path = write(tmp_path, catalog({"payments": PAYMENTS | {"distinct_approvers": False}}))
    loaded = read_action_catalog(path, BASE).everything

    (back,) = DATA_CONVERTER.payload_converter.from_payloads(
        DATA_CONVERTER.payload_converter.to_payloads([loaded]), [ActionCatalog]
    )

    assert back == loaded and back.actions[0].policy.stages[1].when[0].op is ConditionOp.GT


def test_a_spec_recorded_before_policies_reads_as_its_shorthand():
    recorded = {
        "name": "pay",
        "description": "Pay.",
        "parameters": {"type": "object"},
        "executor": {"kind": "webhook", "url": "https://example.com"},
        "approvers": ["U0CFO"],
        "timeout_seconds": 60,
    }
    payload = DATA_CONVERTER.payload_converter.to_payloads([recorded])
    payload[0].data = json.dumps(recorded).encode()

    (spec,) = DATA_CONVERTER.payload_converter.from_payloads(payload, [ActionSpec])

    assert spec.policy.stages[0].approvers == ["U0CFO"] and spec.policy.stages[0].timeout_seconds == 60


def test_needs_all_is_read(tmp_path):
    path = write(tmp_path, catalog({"payments": {"stages": [changed(MANAGER, needs="all")]}}))

    assert read_action_catalog(path, BASE).everything.actions[0].policy.stages[0].needs_all


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (
            catalog({"payments": PAYMENTS}, changed(PAY, policy="payment")),
            "action 'pay': unknown policy 'payment'",
        ),
        (
            catalog({"payments": PAYMENTS}, changed(PAY, policy="payments", approvers=["U0CFO"])),
            "action 'pay': has both policy and approvers",
        ),
        (
            catalog({"payments": PAYMENTS}, changed(PAY, policy="payments", timeout_seconds=60)),
            "action 'pay': has both policy and timeout_seconds",
        ),
        (
            catalog(
                {"payments": PAYMENTS}, changed(PAY, policy="payments"), changed(ANNOUNCE, policy="payments")
            ),
            "policy 'payments': stage 'CFO': condition on 'amount', an argument action 'announce' does not",
        ),
        (
            catalog(
                {
                    "payments": {
                        "stages": [MANAGER, changed(CFO, when=[{"arg": "amount", "op": "over", "value": 1}])]
                    }
                }
            ),
            "policy 'payments': stage 'CFO': unknown op 'over' (known: eq, ne, gt, gte, lt, lte, in, not_in)",
        ),
        (
            catalog(
                {
                    "payments": {
                        "stages": [
                            MANAGER,
                            changed(CFO, when=[{"arg": "amount", "op": "gt", "value": "lots"}]),
                        ]
                    }
                }
            ),
            "policy 'payments': stage 'CFO': gt on 'amount' needs a number (got 'lots')",
        ),
        (
            catalog(
                {
                    "payments": {
                        "stages": [MANAGER, changed(CFO, when=[{"arg": "amount", "op": "in", "value": 5}])]
                    }
                }
            ),
            "policy 'payments': stage 'CFO': in on 'amount' needs a list of values",
        ),
        (
            catalog({"payments": {"stages": [MANAGER, changed(CFO, when=[{"arg": "amount", "op": "gt"}])]}}),
            "policy 'payments': stage 'CFO': a condition must have exactly arg, op and value",
        ),
        (
            stage(needs=2),
            "policy 'payments': stage 'Manager': needs 2 approvals, more than the 1 person it names",
        ),
        (
            stage(needs=0),
            "policy 'payments': stage 'Manager': needs must be a whole number from 1, or all (got 0)",
        ),
        (
            stage(needs="most"),
            "policy 'payments': stage 'Manager': needs must be a whole number from 1, or all",
        ),
        (
            stage(approvers=None, needs="all"),
            "policy 'payments': stage 'Manager': needs: all needs approvers or groups",
        ),
        (stage(approver=["U0CFO"]), "policy 'payments': stage 'Manager': unknown keys: approver"),
        (stage(approvers=["grace"]), "policy 'payments': stage 'Manager': approvers must be Slack user IDs"),
        (stage(groups=["U0CFO"]), "policy 'payments': stage 'Manager': groups must be Slack user-group IDs"),
        (stage(escalate_to="U0BOSS"), "policy 'payments': stage 'Manager': escalate_to must be a list"),
        (
            stage(timeout_seconds=0),
            "policy 'payments': stage 'Manager': timeout_seconds must be a whole number",
        ),
        (
            stage(timeout_seconds=60, remind_every_seconds=60),
            "stage 'Manager': remind_every_seconds (60) must be shorter than timeout_seconds (60)",
        ),
        (stage(name=None), "policy 'payments': stage #1 (no name): name must be one line of text"),
        (
            catalog({"payments": {"stages": [MANAGER, MANAGER]}}),
            "policy 'payments': stage 'Manager': duplicate name",
        ),
        (catalog({"payments": {"stages": [CFO]}}), "policy 'payments': every stage has a when"),
        (
            catalog({"payments": {"stages": []}}),
            "policy 'payments': stages must be a list of at least one stage",
        ),
        (catalog({"payments": PAYMENTS | {"owner": "finance"}}), "policy 'payments': unknown keys: owner"),
        (
            catalog({"payments": PAYMENTS | {"distinct_approvers": "no"}}),
            "policy 'payments': distinct_approvers must be true or false",
        ),
        (
            catalog({"payments": PAYMENTS | {"edit_keeps_approvals": True}}),
            "policy 'payments': edit_keeps_approvals is about edits, which need allow_edit: true",
        ),
        (catalog({"pay ments": PAYMENTS}), "policy 'pay ments': name must be 1 to 64 letters"),
        (
            {"policies": ["payments"], "actions": [PAY]},
            "policies must be a mapping of policy names to policies",
        ),
    ],
)
def test_a_policy_mistake_names_the_file_the_policy_the_stage_and_the_problem(tmp_path, document, problem):
    path = write(tmp_path, document)

    with pytest.raises(CatalogError) as error:
        read_action_catalog(path, BASE)

    assert str(error.value).startswith(f"{path}: ")
    assert problem in str(error.value)
    assert "\n" not in str(error.value)


def test_a_numeric_condition_on_an_argument_that_is_not_a_number(tmp_path):
    flagged = changed(
        PAY,
        policy="payments",
        parameters={"type": "object", "properties": {"amount": {"type": "boolean"}}},
    )
    path = write(tmp_path, catalog({"payments": PAYMENTS}, flagged))

    with pytest.raises(CatalogError) as error:
        read_action_catalog(path, BASE)

    assert str(error.value) == (
        f"{path}: policy 'payments': stage 'CFO': condition on 'amount': gt compares numbers, "
        "and in action 'pay' it is boolean"
    )


def test_the_worker_stops_at_start_with_one_line_naming_the_policy_problem(tmp_path):
    path = write(tmp_path, catalog({"payments": {"stages": [changed(MANAGER, needs=3)]}}))
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
        f"countersign worker: {path}: policy 'payments': stage 'Manager': needs 3 approvals, "
        "more than the 1 person it names (and it has no groups)"
    ]
