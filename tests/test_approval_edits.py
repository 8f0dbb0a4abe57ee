"""Editing before approving, without a server: the modal typed from a schema and read back,
the card's pieces for both versions, and what an edit does to a chain."""

from datetime import UTC, datetime, timedelta

import pytest

from blocks.approval_card import build_approval_card, version_clicked
from blocks.edit_modal import EditTarget, FieldKind, build_edit_modal, edit_fields, submitted_arguments
from blocks.request_view import ADDED, ASKED, CHANGED, REMOVED, request_pieces
from domain.approval_edits import EDITED_SEE_CARD, UNCHANGED, edit_refusal, version_refusal
from domain.approval_status import ApprovalStatus
from domain.catalog import field_problems
from domain.fingerprint import fingerprint
from domain.models import ClickOrigin, DecisionSubmission, Edit, EditSubmission
from domain.policy import Policy
from tests.approvals import CFO, MANAGER, chained_request, payments_policy, pending_state
from tests.fakes.block_text import reading
from workflows.approval_stages import ChainRun

PURCHASE_SCHEMA = {
    "type": "object",
    "properties": {
        "item": {"type": "string", "minLength": 1, "maxLength": 200},
        "quantity": {"type": "integer", "minimum": 1},
        "unit_price": {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$", "description": "Like 129.00."},
        "currency": {"type": "string", "enum": ["USD", "EUR", "GBP"]},
        "rush": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "note": {"type": "string", "maxLength": 1000},
    },
    "required": ["item", "quantity", "unit_price", "currency"],
    "additionalProperties": False,
}
PURCHASE = {"item": "Laptop", "quantity": 2, "unit_price": "1299.00", "currency": "EUR", "rush": False}
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def editable_state(parameters=None, policy: Policy | None = None):
    policy = policy or Policy(name="payments", stages=payments_policy().stages, allow_edit=True)
    request = chained_request(policy, parameters=parameters or dict(PURCHASE))
    request.parameters_schema = PURCHASE_SCHEMA
    return pending_state(request)


def submitted(view, changes):
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, name = block["element"], block["block_id"].removeprefix("edit_")
        if element["type"] == "static_select":
            chosen = changes.get(name, (element.get("initial_option") or {}).get("value"))
            option = next((o for o in element["options"] if o["value"] == chosen), None)
            values[block["block_id"]] = {"value": {"type": "static_select", "selected_option": option}}
        else:
            value = changes.get(name, element.get("initial_value"))
            values[block["block_id"]] = {"value": {"type": element["type"], "value": value}}
    return {"state": {"values": values}}


def test_each_argument_gets_the_input_its_schema_asks_for_holding_its_value():
    state = editable_state()
    view = build_edit_modal(EditTarget(workflow_id="approval-1", channel="C1"), state)

    inputs = {b["label"]["text"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == ["item", "quantity", "unit_price", "currency", "rush", "tags", "note"]
    quantity = inputs["quantity"]["element"]
    assert (quantity["type"], quantity["is_decimal_allowed"], quantity["min_value"]) == (
        "number_input",
        False,
        "1",
    )
    assert quantity["initial_value"] == "2"
    assert inputs["currency"]["element"]["initial_option"]["value"] == "EUR"
    assert [o["value"] for o in inputs["rush"]["element"]["options"]] == ["true", "false"]
    assert inputs["rush"]["element"]["initial_option"]["value"] == "false"
    assert inputs["unit_price"]["hint"]["text"] == "Like 129.00. Must match ^[0-9]+\\.[0-9]{2}$"
    assert inputs["tags"]["hint"]["text"] == "Written as JSON." and inputs["tags"]["optional"]
    assert inputs["note"]["element"]["multiline"] and inputs["note"]["optional"]
    assert not inputs["item"]["optional"] and inputs["item"]["element"]["min_length"] == 1
    # Required, and "" does not fit its pattern: Slack asks for it, on one line.
    assert not inputs["unit_price"]["optional"] and "multiline" not in inputs["unit_price"]["element"]
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24


def test_a_submission_reads_back_typed_and_what_was_left_empty_is_left_out():
    state = editable_state()
    view = build_edit_modal(EditTarget(workflow_id="approval-1", channel="C1"), state)

    arguments, errors = submitted_arguments(
        submitted(view, {"quantity": "3", "rush": "true", "tags": '["q1", "it"]'}), PURCHASE_SCHEMA, PURCHASE
    )

    assert errors == {}
    assert arguments == PURCHASE | {"quantity": 3, "rush": True, "tags": ["q1", "it"]}


@pytest.mark.parametrize(
    ("changes", "block", "error"),
    [
        ({"quantity": "2.5"}, "edit_quantity", "Enter a whole number."),
        ({"quantity": "two"}, "edit_quantity", "Enter a number."),
        ({"tags": "[q1"}, "edit_tags", "Not valid JSON"),
    ],
)
def test_what_cannot_be_read_as_its_type_is_a_field_error(changes, block, error):
    view = build_edit_modal(EditTarget(workflow_id="approval-1", channel="C1"), editable_state())

    _, errors = submitted_arguments(submitted(view, changes), PURCHASE_SCHEMA, PURCHASE)

    assert list(errors) == [block] and errors[block].startswith(error)


def test_a_value_too_long_for_a_slack_input_is_kept_as_it_is_not_cut():
    long_note = "x" * 3001
    current = PURCHASE | {"note": long_note}

    (note,) = [f for f in edit_fields(PURCHASE_SCHEMA, current) if f.name == "note"]
    arguments, _ = submitted_arguments({"state": {"values": {}}}, PURCHASE_SCHEMA, current)

    assert note.kind == FieldKind.FIXED and arguments["note"] == long_note


def test_the_card_of_an_edited_request_shows_what_runs_and_what_was_asked_and_both_fingerprints():
    state = editable_state()
    edited = PURCHASE | {"quantity": 3, "tags": ["q1"]}
    del edited["rush"]
    state.edits = [Edit(MANAGER, NOW, edited, fingerprint(state.request.action, edited), stage=0)]
    state.fingerprint = state.edits[0].fingerprint

    pieces = request_pieces("", edited, asked=state.request.parameters)
    card = build_approval_card(state)

    assert [(p.label, p.change) for p in pieces] == [
        ("item", ""),
        ("quantity", CHANGED),
        ("quantity", ASKED),
        ("unit_price", ""),
        ("currency", ""),
        ("tags", ADDED),
        ("rush", REMOVED),
    ]
    text = reading(card["blocks"])
    assert "quantity · edited" in text and "quantity · as asked" in text
    assert "rush · as asked, removed by an edit" in text and "tags · added by an edit" in text
    asked = fingerprint(state.request.action, state.request.parameters)
    assert f"`{state.fingerprint}` (edited; as asked `{asked}`)" in str(card["blocks"])
    (actions,) = [b for b in card["blocks"] if b["type"] == "actions"]
    assert version_clicked(actions["block_id"]) == 1
    assert "Edit & approve" in [b["text"]["text"] for b in actions["elements"]]


def test_an_edit_at_the_first_stage_judges_the_stages_again_on_the_edited_arguments():
    run = ChainRun(editable_state().request.chain, NOW)  # 2 × 1299.00: the CFO stage does not apply

    stage, status = run.edit(MANAGER, PURCHASE | {"amount": "25000.00"}, NOW + timedelta(minutes=1))

    assert (stage, status) == (0, ApprovalStatus.PENDING)
    assert run.stage_index == 1 and run.deciders.users == [CFO]


def test_an_edit_goes_back_to_the_stages_before_unless_the_policy_keeps_their_approvals():
    above = PURCHASE | {"amount": "50000.00"}
    for keeps, expected in ((False, ApprovalStatus.PENDING), (True, ApprovalStatus.APPROVED)):
        policy = Policy(
            name="payments", stages=payments_policy().stages, allow_edit=True, edit_keeps_approvals=keeps
        )
        run = ChainRun(editable_state(above, policy).request.chain, NOW)
        run.record(MANAGER, True, NOW)

        _, status = run.edit(CFO, above | {"amount": "45000.00"}, NOW + timedelta(hours=1))

        assert status is expected
        if not keeps:
            assert run.stage_index == 0 and run.deadline == NOW + timedelta(hours=2), (
                "the manager's clock restarts"
            )
            assert [d.user for d in run.progress.counted] == [CFO]
            assert [d.user for d in run.progress.decisions] == [MANAGER, CFO], "kept for the record"


def test_an_edit_is_refused_when_unchanged_stale_or_outside_the_schema_or_the_policy():
    state = editable_state()
    as_is = EditSubmission(user=MANAGER, parameters=dict(PURCHASE))
    assert edit_refusal(state, as_is) == UNCHANGED
    bad = EditSubmission(user=MANAGER, parameters=PURCHASE | {"quantity": 0})
    assert "0 is less than the minimum of 1" in edit_refusal(state, bad)
    stale = EditSubmission(user=MANAGER, parameters=PURCHASE | {"quantity": 3}, version=1)
    assert "edited this request since you saw it" in edit_refusal(state, stale)
    not_allowed = editable_state(policy=payments_policy())
    assert "does not let approvers edit it" in edit_refusal(not_allowed, bad)
    assert "someone else has to decide" in edit_refusal(
        state, EditSubmission(user=state.request.requester, parameters={})
    )


def test_an_approval_counts_only_for_the_version_its_approver_saw():
    state = editable_state()
    edited = PURCHASE | {"quantity": 3}
    state.edits = [Edit(MANAGER, NOW, edited, fingerprint(state.request.action, edited), stage=0)]

    on_the_old_card = DecisionSubmission(approved=True, user=CFO, version=0)
    in_a_list = DecisionSubmission(approved=True, user=CFO, origin=ClickOrigin(from_list=True))

    assert "edited this request since you saw it" in version_refusal(state, on_the_old_card)
    assert version_refusal(state, in_a_list) == EDITED_SEE_CARD
    assert version_refusal(state, DecisionSubmission(approved=True, user=CFO, version=1)) is None
    assert version_refusal(state, DecisionSubmission(approved=False, user=CFO, version=0)) is None


def test_field_errors_say_the_rule_each_field_breaks():
    problems = field_problems(
        PURCHASE_SCHEMA,
        {"item": "", "quantity": 0, "unit_price": "12", "currency": "CHF", "rush": "yes", "note": "n" * 1001},
    )

    assert problems == {
        "item": "Cannot be empty.",
        "quantity": "At least 1.",
        "unit_price": "Must match ^[0-9]+\\.[0-9]{2}$",
        "currency": 'One of "USD", "EUR", "GBP".',
        "rush": "Must be true or false.",
        "note": "At most 1000 characters.",
    }
    assert field_problems(PURCHASE_SCHEMA, {"item": "Laptop"}) == {
        "quantity": "This is required.",
        "unit_price": "This is required.",
        "currency": "This is required.",
    }
