"""The example catalog's policies carried out end to end: the agent's tool call, its user
groups resolved (the fake Web API's usergroups.users.list), the chain on the card, and the
executor running only once every stage approved."""

import json

import pytest
from joserfc.jwk import KeySet
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from countersign.receipts.verify import verify_receipt
from countersign.settings import Settings
from domain.execution import ExecutionResult
from domain.models import ApprovalStatus
from tests.approvals import BYSTANDER, CFO, MANAGER
from tests.bot.cards import cards, shown
from tests.fakes.openai_server import FakeOpenAI, message, tool_call
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from tests.receipt_key import JWKS
from tests.test_agent import WIRE, Thread
from workflows.approval import ApprovalWorkflow

ACCESS = {"channel": "G0PAYROLL", "user": "U0NEWHIRE", "reason": "Runs payroll from January"}


async def results_of(client: Client, workflow: WorkflowHandle, activity_type: str, result_type: type) -> list:
    """What each completed `activity_type` activity returned, from the workflow's history."""
    scheduled, results = {}, []
    async for event in workflow.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled[event.event_id] = event.activity_task_scheduled_event_attributes.activity_type.name
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            done = event.activity_task_completed_event_attributes
            if scheduled.get(done.scheduled_event_id) == activity_type:
                payloads = done.result.payloads
                results += await client.data_converter.decode(payloads, [result_type])
    return results


@pytest.fixture
def thread(client: Client, settings: Settings, slack: FakeSlackWebApi) -> Thread:
    return Thread(client, settings, slack)


async def test_channel_access_needs_two_members_of_the_security_group(
    thread: Thread, model: FakeOpenAI, slack: FakeSlackWebApi, agent_worker
):
    model.then(tool_call("grant_channel_access", ACCESS), message("Invited."))

    await thread.say("add U0NEWHIRE to G0PAYROLL")
    approval = await thread.card()

    (looked_up,) = slack.calls_to("usergroups.users.list")
    assert looked_up.args["usergroup"] == "S0SECURITY"
    assert "Security 0/2" in shown(cards(slack)[0])
    await thread.decide(user=BYSTANDER)  # not in the group: refused, told by an ephemeral
    await slack.wait_for_call("chat.postEphemeral")
    await thread.decide(user=MANAGER)
    await thread.decide(user=CFO)
    (answer,) = await thread.answers()

    assert answer.approvals[0].status is ApprovalStatus.APPROVED
    (invite,) = slack.calls_to("conversations.invite")
    assert invite.args["users"] == "U0NEWHIRE"
    state = await approval.query(ApprovalWorkflow.get_status)
    assert [d.user for d in state.progress.decisions] == [MANAGER, CFO]
    # A Slack action's receipt is kept where what ran is recorded: the executor's result.
    (ran,) = await results_of(thread.client, thread.agent, "execute_action", ExecutionResult)
    receipt = verify_receipt(ran.receipt, json.dumps(ACCESS).encode(), KeySet.import_key_set(JWKS))
    assert (receipt["jti"], receipt["policy"]) == (approval.id, "security")
    approvers = [(a["user"], a["stage"]) for a in receipt["approvers"]]
    assert approvers == [(MANAGER, "Security"), (CFO, "Security")]


async def test_a_group_slack_does_not_know_sends_nothing_for_approval(
    thread: Thread, model: FakeOpenAI, slack: FakeSlackWebApi, agent_worker
):
    del slack.user_groups["S0SECURITY"]
    model.then(tool_call("grant_channel_access", ACCESS), message("I could not ask for it."))

    await thread.say("add U0NEWHIRE to G0PAYROLL")
    await thread.answers()

    told = model.requests[-1].tool_outputs[-1]
    assert told.startswith("Error: nothing was sent for approval") and "no_such_subteam" in told
    assert cards(slack) == []


async def test_a_wire_above_10000_rejected_by_the_cfo_after_the_manager_runs_nothing(
    thread: Thread, model: FakeOpenAI, webhooks: FakeWebhookReceiver, slack: FakeSlackWebApi, agent_worker
):
    model.then(tool_call("wire_transfer", WIRE | {"amount": "50000.00"}), message("Rejected."))

    await thread.say("wire $50,000 to ACME Corp for invoice 4411")
    await thread.decide(user=MANAGER)
    await slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == CFO])
    assert webhooks.attempts == [], "one stage of two is not an approval"
    await thread.decide(user=CFO, approved=False, reason="Over budget")
    (answer,) = await thread.answers()

    assert answer.approvals[0].status is ApprovalStatus.REJECTED
    assert webhooks.attempts == []
    assert "Over budget" in model.requests[-1].tool_outputs[-1]
