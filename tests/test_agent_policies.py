"""The example catalog's policies carried out end to end: the agent's tool call, its user
groups resolved (the fake Web API's usergroups.users.list), the chain on the card, and the
executor running only once every stage approved."""

import pytest
from temporalio.client import Client

from countersign.settings import Settings
from domain.models import ApprovalStatus
from tests.approvals import BYSTANDER, CFO, MANAGER
from tests.bot.cards import cards, shown
from tests.fakes.openai_server import FakeOpenAI, message, tool_call
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from tests.test_agent import WIRE, Thread
from workflows.approval import ApprovalWorkflow

ACCESS = {"channel": "G0PAYROLL", "user": "U0NEWHIRE", "reason": "Runs payroll from January"}


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
