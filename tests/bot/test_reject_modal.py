"""Reject: the click opens a modal asking why; its submission rejects with that reason."""

import json

import pytest
from temporalio.client import Client

from blocks.reject_modal import (
    REASON_ACTION_ID,
    REASON_BLOCK_ID,
    REASON_REQUIRED_ERROR,
    REJECT_REASON_CALLBACK_ID,
    RejectTarget,
    build_reject_modal,
    submitted_reason,
)
from domain.models import ApprovalStatus, DecisionSubmission
from tests.approvals import APPROVER, FROM_LIST, OTHER_APPROVER, pending_state, start_approval, wire_request
from tests.bot.cards import buttons, click, ephemerals_to, shown
from tests.fakes.block_text import reading
from tests.fakes.slack_payloads import view_submission
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.approval import ApprovalWorkflow

TRIGGER_ID = "5021412341.98765.abcdef"


def typed(reason: str | None) -> dict:
    return {REASON_BLOCK_ID: {REASON_ACTION_ID: {"type": "plain_text_input", "value": reason}}}


async def open_reject_modal(bot: SlackRequests, slack: FakeSlackWebApi, user: str = APPROVER) -> dict:
    card = await slack.wait_for_call("chat.postMessage")
    await bot.interaction(click(card, user, approve=False, trigger_id=TRIGGER_ID))
    opened = await slack.wait_for_call("views.open")
    assert opened.args["trigger_id"] == TRIGGER_ID
    view = opened.args["view"]
    return json.loads(view) if isinstance(view, str) else view


async def test_reject_asks_why_and_the_reason_lands_in_the_decision_and_on_the_card(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker
):
    approval = await start_approval(client, settings.temporal_task_queue)
    view = await open_reject_modal(bot, slack)
    assert view["callback_id"] == REJECT_REASON_CALLBACK_ID
    assert RejectTarget.from_metadata(view["private_metadata"]).workflow_id == approval.id
    assert "Wire $5,000 to ACME" in str(view["blocks"])

    response = await bot.interaction(
        view_submission(view=view, user=APPROVER, values=typed("  Invoice 4411 was paid last week  "))
    )

    assert (response.status, response.text) == (200, "")
    result = await approval.result()
    assert result.status is ApprovalStatus.REJECTED
    assert (result.decision.decided_by, result.decision.reason) == (
        APPROVER,
        "Invoice 4411 was paid last week",
    )
    update = await slack.wait_for_call("chat.update")
    assert f"Rejected by <@{APPROVER}>" in shown(update) and "Invoice 4411 was paid last week" in shown(
        update
    )
    assert buttons(update) == []


async def test_an_optional_reason_may_be_left_empty(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker
):
    approval = await start_approval(client, settings.temporal_task_queue)
    view = await open_reject_modal(bot, slack)

    await bot.interaction(view_submission(view=view, user=APPROVER, values=typed(None)))

    result = await approval.result()
    assert result.status is ApprovalStatus.REJECTED and result.decision.reason == ""


@pytest.mark.parametrize("reason", [None, "   \n "])
async def test_a_required_reason_left_empty_shows_a_field_error_and_decides_nothing(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker, reason: str | None
):
    approval = await start_approval(client, settings.temporal_task_queue, wire_request(reason_required=True))
    view = await open_reject_modal(bot, slack)
    (field,) = [b for b in view["blocks"] if b.get("block_id") == REASON_BLOCK_ID]
    assert field["optional"] is False

    response = await bot.interaction(view_submission(view=view, user=APPROVER, values=typed(reason)))

    assert response.status == 200
    assert response.json() == {
        "response_action": "errors",
        "errors": {REASON_BLOCK_ID: REASON_REQUIRED_ERROR},
    }
    state = await approval.query(ApprovalWorkflow.get_status)
    assert state.status is ApprovalStatus.PENDING

    # Corrected, the same modal goes through.
    await bot.interaction(view_submission(view=view, user=APPROVER, values=typed("Duplicate of 4410")))
    assert (await approval.result()).decision.reason == "Duplicate of 4410"


async def test_a_reason_submitted_after_someone_else_decided_is_told_so(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker
):
    approval = await start_approval(client, settings.temporal_task_queue)
    view = await open_reject_modal(bot, slack, user=OTHER_APPROVER)
    # While the modal is open, another approver approves from the card.
    await approval.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST)
    )
    await approval.result()

    response = await bot.interaction(
        view_submission(view=view, user=OTHER_APPROVER, values=typed("too risky"))
    )

    assert (response.status, response.text) == (200, "")
    (told,) = await slack.wait_for(
        lambda: ephemerals_to(slack, OTHER_APPROVER), what="the late rejecter told"
    )
    assert told.startswith(f"Already approved by <@{APPROVER}>")
    assert (await approval.result()).status is ApprovalStatus.APPROVED


def test_the_modal_fits_slacks_limits_and_round_trips_its_target():
    target = RejectTarget(
        workflow_id="approval-" + "x" * 200, channel="C1", thread_ts="1.2", reason_required=True
    )

    view = build_reject_modal(target, pending_state(wire_request(summary="Pay " + "ACME " * 2000)))

    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    assert len(view["private_metadata"]) <= 3000
    assert all(len(b["text"]["text"]) <= 3000 for b in view["blocks"] if b["type"] == "section")
    assert "Pay " + "ACME " * 1999 + "ACME" in reading(view["blocks"]), "the rejecter sees all of it"
    assert RejectTarget.from_metadata(view["private_metadata"]) == target
    assert submitted_reason({"state": {"values": typed(" why ")}}) == "why"
    assert submitted_reason({"state": {"values": {}}}) == ""
