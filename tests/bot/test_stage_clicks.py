"""Clicks on a chained approval's card through the real Bolt app: the bot's quick check (Reject,
before its modal opens) and the workflow's Update validator (Approve) tell the same refusal."""

import pytest
from temporalio.client import Client

from domain.models import ApprovalStatus
from tests.approvals import CFO, MANAGER, chained_request, payments_policy, start_approval
from tests.bot.cards import click, ephemerals_to, shown
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.approval import ApprovalWorkflow

ABOVE_THRESHOLD = {"amount": "50000.00", "currency": "USD", "payee": "ACME", "invoice": "4411"}
NOT_YET = "You are in the CFO stage, which starts after the Manager stage."


@pytest.fixture
async def approval(client: Client, settings, worker):
    request = chained_request(payments_policy(), parameters=ABOVE_THRESHOLD)
    return await start_approval(client, settings.temporal_task_queue, request)


@pytest.mark.parametrize("approve", [True, False], ids=["approve", "reject"])
async def test_the_cfo_clicking_before_the_manager_is_told_their_stage_comes_later(
    bot: SlackRequests, slack: FakeSlackWebApi, approval, approve: bool
):
    card = await slack.wait_for_call("chat.postMessage")

    await bot.interaction(click(card, CFO, approve=approve))

    await slack.wait_for(lambda: ephemerals_to(slack, CFO), what="the CFO told")
    assert ephemerals_to(slack, CFO) == [NOT_YET]
    assert slack.calls_to("views.open") == [], "no reject modal for someone who may not decide"
    state = await approval.query(ApprovalWorkflow.get_status)
    assert state.status is ApprovalStatus.PENDING and state.progress.decisions == []


async def test_the_manager_then_the_cfo_approve_on_the_card(
    bot: SlackRequests, slack: FakeSlackWebApi, approval
):
    card = await slack.wait_for_call("chat.postMessage")

    await bot.interaction(click(card, MANAGER, approve=True))
    await bot.interaction(click(card, MANAGER, approve=True))
    await slack.wait_for(lambda: ephemerals_to(slack, MANAGER), what="the manager told")
    # Their stage done, the manager is not one of the CFO stage's.
    assert ephemerals_to(slack, MANAGER) == [f"Only <@{CFO}> can decide the CFO stage."]
    await bot.interaction(click(card, CFO, approve=True))

    result = await approval.result()
    assert result.status is ApprovalStatus.APPROVED and result.decision.decided_by == CFO
    assert f"Manager ✓ <@{MANAGER}> · CFO ✓ <@{CFO}>" in shown(slack.calls_to("chat.update")[-1])
