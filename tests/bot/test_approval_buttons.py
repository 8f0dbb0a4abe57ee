"""Approve and Reject clicks on a card, through the real Bolt app over signed HTTP."""

import asyncio
import logging
import uuid

import pytest
from temporalio.client import Client

from bot.approvals.deciding import submit_decision
from bot.errors import SORRY
from domain.models import AgentRequest, ApprovalStatus, DecisionSubmission
from tests.agents import send_message, wait_for_answers
from tests.approvals import APPROVER, BYSTANDER, FROM_LIST, OTHER_APPROVER, REQUESTER, start_approval
from tests.bot.cards import buttons, click, ephemerals_to, shown
from tests.fakes.slack_payloads import button_click
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.approval import ApprovalWorkflow


@pytest.fixture
async def approval(client: Client, settings, worker):
    return await start_approval(client, settings.temporal_task_queue)


async def test_approve_on_the_card_decides_as_the_clicking_user(
    bot: SlackRequests, slack: FakeSlackWebApi, approval
):
    card = await slack.wait_for_call("chat.postMessage")

    response = await bot.interaction(click(card, APPROVER, approve=True))

    assert (response.status, response.text) == (200, "")
    result = await approval.result()
    assert result.status is ApprovalStatus.APPROVED and result.decision.decided_by == APPROVER
    update = await slack.wait_for_call("chat.update")
    assert f"Approved by <@{APPROVER}>" in shown(update) and buttons(update) == []
    assert ephemerals_to(slack, APPROVER) == []


@pytest.mark.parametrize(
    ("user", "told"),
    [
        (BYSTANDER, f"Only <@{APPROVER}>, <@{OTHER_APPROVER}> can decide this approval."),
        (REQUESTER, "You asked for this, so someone else has to decide it."),
    ],
)
@pytest.mark.parametrize("approve", [True, False], ids=["approve", "reject"])
async def test_someone_who_may_not_decide_is_told_who_may_and_nothing_changes(
    bot: SlackRequests, slack: FakeSlackWebApi, approval, user: str, told: str, approve: bool
):
    card = await slack.wait_for_call("chat.postMessage")

    await bot.interaction(click(card, user, approve=approve))

    notice = await slack.wait_for_call("chat.postEphemeral")
    assert (notice.args["user"], notice.args["text"]) == (user, told)
    assert (notice.args["channel"], notice.args["thread_ts"]) == (
        card.args["channel"],
        card.args["thread_ts"],
    )
    state = await approval.query(ApprovalWorkflow.get_status)
    assert state.status is ApprovalStatus.PENDING and state.decision is None
    assert slack.calls_to("views.open") == [] and slack.calls_to("chat.update") == []


@pytest.mark.parametrize("approve", [True, False], ids=["approve", "reject"])
async def test_a_click_on_a_decided_approval_says_who_decided(
    bot: SlackRequests, slack: FakeSlackWebApi, approval, approve: bool
):
    card = await slack.wait_for_call("chat.postMessage")
    await approval.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST)
    )
    await approval.result()

    await bot.interaction(click(card, OTHER_APPROVER, approve=approve))

    notice = await slack.wait_for_call("chat.postEphemeral")
    assert notice.args["text"].startswith(f"Already approved by <@{APPROVER}> at <!date^")
    assert slack.calls_to("views.open") == []


@pytest.mark.parametrize("approve", [True, False], ids=["approve", "reject"])
async def test_a_click_for_an_approval_that_does_not_exist_says_so(
    bot: SlackRequests, slack: FakeSlackWebApi, worker, approve: bool
):
    payload = button_click(
        action_id="approval_approve" if approve else "approval_reject",
        value="approval-00000000-0000-0000-0000-000000000000",
        user=APPROVER,
        channel="C0FINANCE",
        message_ts="1700000001.000100",
    )

    response = await bot.interaction(payload)

    assert response.status == 200
    notice = await slack.wait_for_call("chat.postEphemeral")
    assert (notice.args["user"], notice.args["text"]) == (APPROVER, "This approval no longer exists.")


async def test_two_approvers_clicking_at_once_make_exactly_one_decision(
    bot: SlackRequests, slack: FakeSlackWebApi, approval
):
    card = await slack.wait_for_call("chat.postMessage")

    responses = await asyncio.gather(
        bot.interaction(click(card, APPROVER, approve=True)),
        bot.interaction(click(card, OTHER_APPROVER, approve=True)),
    )

    assert [r.status for r in responses] == [200, 200]
    result = await approval.result()
    winner = result.decision.decided_by
    (loser,) = {APPROVER, OTHER_APPROVER} - {winner}
    # The loser hears it from the bot or, when both signals landed, from the workflow.
    (notice,) = await slack.wait_for(lambda: ephemerals_to(slack, loser), what="the second clicker told")
    assert notice.startswith(f"Already approved by <@{winner}>")
    assert ephemerals_to(slack, winner) == []
    # One decision on the card (an update may be resent when a late click retries the
    # workflow task, always drawing the same card).
    updates = {str(call.args["blocks"]) for call in slack.calls_to("chat.update")}
    assert len(updates) == 1 and f"Approved by <@{winner}>" in updates.pop()


async def test_a_decision_signalled_after_the_approval_completed_is_already_decided(
    client: Client, slack: FakeSlackWebApi, approval
):
    await slack.wait_for_call("chat.postMessage")
    await approval.signal(
        ApprovalWorkflow.decide,
        DecisionSubmission(approved=False, user=APPROVER, reason="no", origin=FROM_LIST),
    )
    await approval.result()

    # What the bot meets when the approval completes between its check and its signal.
    told = await submit_decision(
        client, approval.id, DecisionSubmission(approved=True, user=OTHER_APPROVER, origin=FROM_LIST)
    )

    # The reason is the rejecter's text: it is on the card, drawn inert, not in this line.
    assert told.startswith(f"Already rejected by <@{APPROVER}> at <!date^") and "no" not in told[-5:]


async def test_a_failing_listener_is_logged_with_its_workflow_id_and_the_user_told(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker, caplog
):
    agent = await send_message(
        client,
        settings.temporal_task_queue,
        AgentRequest(
            team="T0", channel="C0FINANCE", user=REQUESTER, text="pay", event_ts="1.2", thread_ts="1.2"
        ),
        f"agent-{uuid.uuid4()}",
    )
    card = await slack.wait_for_call("chat.postMessage")
    # A button naming a workflow that is not an approval: asking for its status fails.
    payload = click(card, APPROVER, approve=True)
    payload["actions"][0]["value"] = agent.id

    with caplog.at_level(logging.ERROR, logger="countersign.bot"):
        response = await bot.interaction(payload)
        notice = await slack.wait_for_call("chat.postEphemeral")

    assert response.status == 200
    assert (notice.args["user"], notice.args["text"]) == (APPROVER, SORRY)
    (record,) = [r for r in caplog.records if r.name == "countersign.bot" and r.levelno == logging.ERROR]
    assert record.workflow_id == agent.id and record.exc_info
    # The process still serves: the real card still works.
    await bot.interaction(click(card, APPROVER, approve=True))
    (answer,) = await wait_for_answers(agent, slack)
    assert answer.approvals[0].status is ApprovalStatus.APPROVED


async def test_a_click_is_answered_once_temporal_has_it_not_after_slack_redraws_the_card(
    bot: SlackRequests, slack: FakeSlackWebApi, approval
):
    card = await slack.wait_for_call("chat.postMessage")
    # Slack's chat.update slower than the bot's Update timeout, as when rate limited.
    slack.slow("chat.update", 3)

    response = await bot.interaction(click(card, APPROVER, approve=True))

    assert response.status == 200
    assert slack.calls_to("chat.update") == [], "answered only after Slack redrew the card"
    update = await slack.wait_for_call("chat.update", timeout=20)
    assert f"Approved by <@{APPROVER}>" in shown(update)
    # Decided by the click's Update itself: no fallback signal, so one redraw of the card.
    history = await approval.fetch_history()
    kinds = [e.WhichOneof("attributes") for e in history.events]
    assert "workflow_execution_signaled_event_attributes" not in kinds
    assert kinds.count("workflow_execution_update_accepted_event_attributes") == 1
    assert len(slack.calls_to("chat.update")) == 1
