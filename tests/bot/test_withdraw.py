"""Withdraw on a card, through the real Bolt app over signed HTTP: only the requester may,
only while nobody has decided; the card says so and nothing runs."""

import uuid

import pytest
from temporalio.client import Client

from blocks.approval_card import WITHDRAW_ACTION_ID
from bot.approvals.click import NOT_YOUR_LIST
from domain.approval_rules import NOT_ITS_CARD
from domain.models import AgentRequest, ApprovalStatus, Withdrawal
from tests.agents import send_message, wait_for_answers
from tests.approvals import APPROVER, CHANNEL, FROM_LIST, REQUESTER, card_recorded, start_approval
from tests.bot.cards import buttons, click, ephemerals_to, name, said, shown, thread_replies, withdraw
from tests.bot.test_approvals_command import approvals_command, list_click, named
from tests.fakes.openai_server import FakeOpenAI, message, tool_call
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from workflows.approval import ApprovalWorkflow

WIRE = {
    "amount": "5000.00",
    "currency": "USD",
    "payee": "ACME Corp",
    "account": "DE89370400440532013000",
    "reference": "invoice 4411",
}
ONLY_THE_REQUESTER = f"Only <@{REQUESTER}>, who asked for this, can withdraw it."


@pytest.fixture
async def approval(client: Client, settings, worker):
    # Not waiting for the card's ts: a click may reach the approval before the post's result.
    return await start_approval(client, settings.temporal_task_queue)


def mention(text: str) -> AgentRequest:
    ts = f"{1_700_000_000 + uuid.uuid4().int % 10**8}.000100"
    return AgentRequest(team="T0", channel=CHANNEL, user=REQUESTER, text=text, event_ts=ts, thread_ts=ts)


async def test_the_card_offers_withdraw_behind_a_confirmation(slack: FakeSlackWebApi, approval):
    card = await slack.wait_for_call("chat.postMessage")

    (button,) = [b for b in buttons(card) if b["action_id"] == WITHDRAW_ACTION_ID]

    assert button["value"] == approval.id
    assert button["confirm"]["title"]["text"] == "Withdraw this request?"


async def test_the_requester_withdraws_the_card_says_so_and_the_agent_is_told_nothing_ran(
    bot: SlackRequests,
    client: Client,
    settings,
    slack: FakeSlackWebApi,
    model: FakeOpenAI,
    webhooks: FakeWebhookReceiver,
    agent_worker,
):
    model.then(tool_call("wire_transfer", WIRE), message("The wire was withdrawn; nothing was sent."))
    request = mention("wire $5,000 to ACME Corp, DE89370400440532013000, for invoice 4411")
    agent = await send_message(client, settings.temporal_task_queue, request, f"agent-{uuid.uuid4()}")
    card = await slack.wait_for_call("chat.postMessage")

    response = await bot.interaction(withdraw(card, REQUESTER))

    assert (response.status, response.text) == (200, "")
    update = await slack.wait_for_call("chat.update")
    assert said(update).startswith("Withdrawn: Wire transfer")
    assert f"Withdrawn by <@{REQUESTER}> at <!date^" in shown(update) and buttons(update) == []
    (answer,) = await wait_for_answers(agent, slack)
    assert answer.approvals[0].status is ApprovalStatus.WITHDRAWN
    told = model.requests[-1].tool_outputs[-1]
    assert told.startswith(f"Withdrawn by the requester (Slack user {REQUESTER})") and "NOT run" in told
    # The turn is over, its answer posted: had anything run, it would have by now.
    assert webhooks.accepted == []
    assert ephemerals_to(slack, REQUESTER) == []


async def test_withdrawn_in_approval_only_mode_the_thread_says_so(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker
):
    agent = await send_message(
        client, settings.temporal_task_queue, mention("wire $5,000 to ACME"), f"agent-{uuid.uuid4()}"
    )
    card = await slack.wait_for_call("chat.postMessage")

    await bot.interaction(withdraw(card, REQUESTER))

    (answer,) = await wait_for_answers(agent, slack)
    assert answer.approvals[0].status is ApprovalStatus.WITHDRAWN
    (reply,) = thread_replies(slack)
    assert f"Withdrawn by {name(REQUESTER)} at" in said(reply) and "Nothing was run." in said(reply)


async def test_someone_else_pressing_withdraw_is_told_only_the_requester_may_and_nothing_changes(
    bot: SlackRequests, slack: FakeSlackWebApi, approval
):
    card = await slack.wait_for_call("chat.postMessage")
    await card_recorded(approval)  # the card up, as people see it: the validator refuses

    response = await bot.interaction(withdraw(card, APPROVER))

    assert response.status == 200
    notice = await slack.wait_for_call("chat.postEphemeral")
    assert (notice.args["user"], notice.args["text"]) == (APPROVER, ONLY_THE_REQUESTER)
    state = await approval.query(ApprovalWorkflow.get_status)
    assert state.status is ApprovalStatus.PENDING and state.decision is None
    assert slack.calls_to("chat.update") == []
    # Refused by the validator: nothing in history, and the card still decides.
    history = await approval.fetch_history()
    assert "workflow_execution_update_accepted_event_attributes" not in [
        e.WhichOneof("attributes") for e in history.events
    ]
    await bot.interaction(click(card, APPROVER, approve=True))
    assert (await approval.result()).status is ApprovalStatus.APPROVED


async def test_withdraw_after_a_decision_says_who_decided(
    bot: SlackRequests, slack: FakeSlackWebApi, approval
):
    card = await slack.wait_for_call("chat.postMessage")
    await bot.interaction(click(card, APPROVER, approve=True))
    assert (await approval.result()).status is ApprovalStatus.APPROVED

    await bot.interaction(withdraw(card, REQUESTER))

    notice = await slack.wait_for_call("chat.postEphemeral")
    assert notice.args["user"] == REQUESTER
    assert notice.args["text"].startswith(f"Already approved by <@{APPROVER}> at <!date^")


async def test_withdraw_counts_only_on_its_own_card(bot: SlackRequests, slack: FakeSlackWebApi, approval):
    card = await slack.wait_for_call("chat.postMessage")
    payload = withdraw(card, REQUESTER)
    payload["container"]["message_ts"] = payload["message"]["ts"] = "1700000099.000100"

    await bot.interaction(payload)

    notice = await slack.wait_for_call("chat.postEphemeral")
    assert (notice.args["user"], notice.args["text"]) == (REQUESTER, NOT_ITS_CARD)
    assert (await approval.query(ApprovalWorkflow.get_status)).status is ApprovalStatus.PENDING


async def test_withdrawn_by_signal_when_no_worker_answered_a_refusal_told_by_the_approval(
    slack: FakeSlackWebApi, approval
):
    # What the bot sends when the Update times out: the approval tells a refusal itself.
    await card_recorded(approval)
    await approval.signal(ApprovalWorkflow.withdraw, Withdrawal(user=APPROVER, origin=FROM_LIST))
    notice = await slack.wait_for_call("chat.postEphemeral")
    assert (notice.args["user"], notice.args["text"]) == (APPROVER, ONLY_THE_REQUESTER)

    await approval.signal(ApprovalWorkflow.withdraw, Withdrawal(user=REQUESTER, origin=FROM_LIST))

    result = await approval.result()
    assert result.status is ApprovalStatus.WITHDRAWN and result.decision.decided_by == REQUESTER


async def test_the_requester_withdraws_from_approvals_mine_and_only_with_their_own_list(
    bot: SlackRequests, slack: FakeSlackWebApi, approval
):
    await card_recorded(approval)
    mine = await approvals_command(bot, slack, REQUESTER, "mine")
    (block_id, button), *_ = [(b, e) for b, e in mine.buttons() if named(e["value"]) == approval.id]
    assert button["action_id"] == WITHDRAW_ACTION_ID
    # The same sealed value, clicked by someone else: not their list.
    await bot.interaction(list_click(APPROVER, block_id, button, slack.response_url("stolen")))
    notice = await slack.wait_for_call("chat.postEphemeral")
    assert (notice.args["user"], notice.args["text"]) == (APPROVER, NOT_YOUR_LIST)

    await bot.interaction(list_click(REQUESTER, block_id, button, slack.response_url("withdraw")))

    assert (await approval.result()).status is ApprovalStatus.WITHDRAWN
