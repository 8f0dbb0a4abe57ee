""" "Edit & approve" through the real Bolt app over signed HTTP: the modal typed from the
action's schema, field errors, both versions on the card and in the thread, exactly the
edited version run, and an edit at a later stage sent back through the earlier ones."""

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

from temporalio.client import Client

from blocks.approval_card import APPROVE_ACTION_ID, EDIT_ACTION_ID, REJECT_ACTION_ID
from blocks.edit_modal import EDIT_CALLBACK_ID
from countersign.receipts.claims import arguments_sha256
from domain import approval_memo
from domain.fingerprint import fingerprint
from domain.models import AgentRequest, ApprovalStatus
from domain.policy import Policy
from tests.agents import send_message, wait_for_answers
from tests.approvals import (
    CFO,
    CHANNEL,
    MANAGER,
    REQUESTER,
    WIRE_SCHEMA,
    chained_request,
    editable_wire,
    payments_policy,
    start_approval,
)
from tests.bot.cards import buttons, click, edit, edit_values, ephemerals_to, said, shown, thread_replies
from tests.bot.test_approvals_command import approvals_command
from tests.fakes.openai_server import FakeOpenAI, message, tool_call
from tests.fakes.slack_payloads import view_submission
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from workflows.approval import ApprovalWorkflow

WIRE = {
    "amount": "5000.00",
    "currency": "USD",
    "payee": "ACME Corp",
    "account": "DE89370400440532013000",
    "reference": "4411",
}
EDITED = WIRE | {"amount": "4500.00", "reference": "4411-B"}
TRIGGER_ID = "5021412341.98765.editing"
EXAMPLE_CATALOG = Path(__file__).parents[2] / "actions.example.yml"


def mention(text: str) -> AgentRequest:
    ts = f"{1_700_000_000 + uuid.uuid4().int % 10**8}.000100"
    return AgentRequest(team="T0", channel=CHANNEL, user=REQUESTER, text=text, event_ts=ts, thread_ts=ts)


def editable(policy: Policy) -> Policy:
    return Policy(name=policy.name, stages=policy.stages, allow_edit=True)


async def open_editor(bot: SlackRequests, slack: FakeSlackWebApi, card: SlackCall, user: str) -> dict:
    opened_before = len(slack.calls_to("views.open"))
    response = await bot.interaction(edit(card, user, trigger_id=TRIGGER_ID))
    assert (response.status, response.text) == (200, "")
    await slack.wait_for(lambda: len(slack.calls_to("views.open")) > opened_before, what="the edit modal")
    opened = slack.calls_to("views.open")[-1]
    assert opened.args["trigger_id"] == TRIGGER_ID
    view = opened.args["view"]
    return json.loads(view) if isinstance(view, str) else view


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["label"]["text"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


async def test_an_edited_amount_and_reference_run_exactly_as_edited_and_both_versions_are_shown(
    bot: SlackRequests,
    client: Client,
    settings,
    slack: FakeSlackWebApi,
    model: FakeOpenAI,
    webhooks: FakeWebhookReceiver,
    agent_worker,
):
    model.then(tool_call("wire_transfer", WIRE), message("Sent 4,500.00 USD to ACME Corp for 4411-B."))
    request = mention("wire $5,000 to ACME Corp, DE89370400440532013000, for invoice 4411")
    agent = await send_message(client, settings.temporal_task_queue, request, f"agent-{uuid.uuid4()}")
    card = await slack.wait_for_call("chat.postMessage")
    assert [b["text"]["text"] for b in buttons(card)][:3] == ["Approve", "Edit & approve", "Reject"]

    view = await open_editor(bot, slack, card, MANAGER)

    assert view["callback_id"] == EDIT_CALLBACK_ID
    fields = inputs(view)
    assert list(fields) == ["amount", "currency", "payee", "account", "reference"]
    assert (fields["amount"]["type"], fields["amount"]["initial_value"]) == ("plain_text_input", "5000.00")
    assert fields["currency"]["type"] == "static_select"
    assert [o["value"] for o in fields["currency"]["options"]] == ["USD", "EUR", "GBP"]
    assert fields["currency"]["initial_option"]["value"] == "USD"
    assert fields["payee"]["max_length"] == 140 and fields["payee"]["min_length"] == 1

    response = await bot.interaction(
        view_submission(
            view=view, user=MANAGER, values=edit_values(view, {"amount": "4500.00", "reference": "4411-B"})
        )
    )

    assert (response.status, response.text) == (200, ""), "the modal closes once Temporal has it"
    (answer,) = await wait_for_answers(agent, slack)
    result = answer.approvals[0]
    assert result.status is ApprovalStatus.APPROVED and result.decision.decided_by == MANAGER
    # Exactly the edited version ran, once, and its receipt says what was asked and who edited.
    (delivery,) = webhooks.accepted
    assert delivery.json == EDITED
    assert delivery.receipt["fingerprint"] == fingerprint("wire_transfer", EDITED)
    assert delivery.receipt["arguments_sha256"] == arguments_sha256(EDITED)
    edited = delivery.receipt["edited"]
    assert edited["asked_arguments_sha256"] == arguments_sha256(WIRE)
    assert [(e["user"], e["stage"]) for e in edited["edits"]] == [(MANAGER, "Manager")]
    # The card shows what runs, what was asked beside it, and both fingerprints.
    final = slack.calls_to("chat.update")[-1]
    card_text = said(final)
    assert "4500.00" in card_text and "5000.00" in card_text and "4411-B" in card_text
    assert "amount · edited" in card_text and "amount · as asked" in card_text
    assert "reference · edited" in card_text and "payee · edited" not in card_text
    new, old = fingerprint("wire_transfer", EDITED), fingerprint("wire_transfer", WIRE)
    assert f"`{new}` (edited; as asked `{old}`)" in shown(final)
    assert "Edited before approving" in shown(final) and buttons(final) == []
    # The thread's record and the model both hear what was changed, and by whom.
    (reply,) = thread_replies(slack)
    record = said(reply)
    assert "Changed before approving" in record
    assert '"5000.00" → "4500.00"' in record and '"4411" → "4411-B"' in record
    told = model.requests[-1].tool_outputs[-1]
    assert f"Slack user {MANAGER} edited the arguments" in told
    assert 'amount: "5000.00" -> "4500.00"' in told and 'reference: "4411" -> "4411-B"' in told


async def test_arguments_the_schema_refuses_come_back_as_field_errors_and_nothing_counts(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker
):
    approval = await start_approval(
        client, settings.temporal_task_queue, editable_wire(parameters=dict(WIRE))
    )
    card = await slack.wait_for_call("chat.postMessage")
    view = await open_editor(bot, slack, card, MANAGER)

    response = await bot.interaction(
        view_submission(
            view=view, user=MANAGER, values=edit_values(view, {"amount": "4,500", "account": "not an iban"})
        )
    )

    assert response.status == 200
    answer = json.loads(response.text)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"edit_amount", "edit_account"}
    # In the words of the rule the field breaks, not of the value.
    assert answer["errors"] == {
        "edit_amount": "Must match ^[0-9]+\\.[0-9]{2}$",
        "edit_account": "Must match ^[A-Z0-9 ]{8,34}$",
    }
    state = await approval.query(ApprovalWorkflow.get_status)
    assert state.status is ApprovalStatus.PENDING and state.edits == []
    assert state.progress.decisions == []


async def test_a_policy_without_allow_edit_offers_no_edit_and_refuses_a_forged_one(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker
):
    request = chained_request(payments_policy(), parameters=dict(WIRE))
    request.parameters_schema = WIRE_SCHEMA
    approval = await start_approval(client, settings.temporal_task_queue, request)
    card = await slack.wait_for_call("chat.postMessage")
    assert EDIT_ACTION_ID not in [b["action_id"] for b in buttons(card)]

    # A click Slack could only send if the button were there: told why, no modal.
    forged = click(card, MANAGER, approve=True)
    forged["actions"][0]["action_id"] = EDIT_ACTION_ID
    await bot.interaction(forged)

    await slack.wait_for(lambda: ephemerals_to(slack, MANAGER), what="the manager told")
    assert "does not let approvers edit it" in ephemerals_to(slack, MANAGER)[0]
    assert slack.calls_to("views.open") == []
    state = await approval.query(ApprovalWorkflow.get_status)
    assert state.status is ApprovalStatus.PENDING and state.progress.decisions == []


async def test_an_edit_at_the_cfo_stage_goes_back_to_the_manager_whose_old_click_no_longer_counts(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker
):
    above = WIRE | {"amount": "50000.00"}
    approval = await start_approval(client, settings.temporal_task_queue, editable_wire(parameters=above))
    card = await slack.wait_for_call("chat.postMessage")
    await bot.interaction(click(card, MANAGER, approve=True))
    await slack.wait_for(lambda: _dms_to(slack, CFO), what="the CFO told it is their turn")
    cfo_card = slack.calls_to("chat.update")[-1]

    view = await open_editor(bot, slack, cfo_card, CFO)
    assert "Those who approved already are asked again" in str(view["blocks"])
    response = await bot.interaction(
        view_submission(view=view, user=CFO, values=edit_values(view, {"amount": "45000.00"}))
    )

    assert (response.status, response.text) == (200, "")
    state = await approval.query(ApprovalWorkflow.get_status)
    assert state.status is ApprovalStatus.PENDING
    assert state.parameters["amount"] == "45000.00" and state.request.parameters["amount"] == "50000.00"
    # The manager approved 50,000.00, not 45,000.00: asked again, told so by a DM.
    await slack.wait_for(lambda: len(_dms_to(slack, MANAGER)) >= 2, what="the manager told again")
    told_again = _dms_to(slack, MANAGER)[-1].args["text"]
    assert f"<@{CFO}> edited its arguments before approving, so look at what changed" in told_again
    redrawn = slack.calls_to("chat.update")[-1]
    assert f"Manager 0/1 · CFO ✓ <@{CFO}>" in shown(redrawn)
    # A click on the card as it was before the edit does not approve the edited version.
    await bot.interaction(click(card, MANAGER, approve=True))
    await slack.wait_for(lambda: ephemerals_to(slack, MANAGER), what="the manager told")
    assert ephemerals_to(slack, MANAGER) == [
        f"<@{CFO}> edited this request since you saw it: look at the card again, then decide."
    ]
    assert (await approval.query(ApprovalWorkflow.get_status)).status is ApprovalStatus.PENDING

    await bot.interaction(click(redrawn, MANAGER, approve=True))

    result = await approval.result()
    assert result.status is ApprovalStatus.APPROVED
    assert result.approved_parameters == above | {"amount": "45000.00"}
    assert [(d.user, d.stage, d.version) for d in result.progress.counted] == [(CFO, 1, 1), (MANAGER, 0, 1)]
    # The first approval stays in the record, for the audit: it was for the version asked.
    assert [(d.user, d.version) for d in result.progress.decisions][0] == (MANAGER, 0)


def _dms_to(slack: FakeSlackWebApi, user: str) -> list[SlackCall]:
    return [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == user]


async def test_an_edited_request_is_listed_for_the_next_stage_to_reject_or_open_not_to_approve(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker
):
    channel = f"C0EDIT{uuid.uuid4().hex[:8].upper()}"
    request = editable_wire(WIRE | {"amount": "50000.00"})
    request.channel = channel
    approval = await start_approval(client, settings.temporal_task_queue, request)
    card = await slack.wait_for_call("chat.postMessage")
    view = await open_editor(bot, slack, card, MANAGER)
    await bot.interaction(
        view_submission(view=view, user=MANAGER, values=edit_values(view, {"amount": "45000.00"}))
    )
    await _listed_edited_for(client, approval.id, CFO)

    listing = await approvals_command(bot, slack, CFO, f"<#{channel}>")

    assert listing.shows(request.summary)
    assert "Edited before approving: approve it on its card" in listing.text
    actions = [button["action_id"] for _, button in listing.buttons()]
    assert APPROVE_ACTION_ID not in actions and REJECT_ACTION_ID in actions


async def _listed_edited_for(client: Client, workflow_id: str, user: str, timeout: float = 20) -> None:
    """Visibility is eventually consistent: waits until it lists the approval for `user`, edited."""
    deadline = time.monotonic() + timeout
    query = f"WorkflowId = '{workflow_id}' AND ApprovalApprovers = '{user}'"
    while True:
        memos = [await w.memo() async for w in client.list_workflows(query)]
        if memos and memos[0].get(approval_memo.EDITS):
            return
        assert time.monotonic() < deadline, f"{workflow_id} not listed for {user} as edited"
        await asyncio.sleep(0.1)
