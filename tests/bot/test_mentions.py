"""A mention starts one agent workflow, which asks for approval and answers in the thread."""

import asyncio
import random

import pytest
from temporalio.client import Client

from blocks.reject_modal import REASON_ACTION_ID, REASON_BLOCK_ID
from domain.models import ApprovalStatus
from tests.agents import wait_for_answers
from tests.bot.cards import BOT_USER, buttons, cards, click, ephemerals_to, name, said, shown, thread_replies
from tests.fakes.slack_payloads import TEAM, mention_event, view_submission
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.agent import AgentWorkflow

REQUESTER = "U0REQUESTER"
APPROVER = "U0APPROVER"
CHANNEL = "C0FINANCE"


def reason_typed(reason: str) -> dict:
    return {REASON_BLOCK_ID: {REASON_ACTION_ID: {"type": "plain_text_input", "value": reason}}}


@pytest.fixture
def mention_ts() -> str:
    # The Temporal server outlives each test and an agent's ID comes from the mention:
    # every test mentions the bot in a message of its own.
    return f"17{random.randrange(10**8):08d}.{random.randrange(10**6):06d}"


@pytest.fixture
def pay_acme(mention_ts: str):
    def mention(**changes) -> dict:
        return mention_event(
            text=f"<@{BOT_USER}> pay invoice 4411 to ACME",
            user=REQUESTER,
            channel=CHANNEL,
            ts=mention_ts,
            **changes,
        )

    return mention


async def test_a_mention_starts_one_agent_workflow_that_posts_one_card_in_the_thread(
    bot: SlackRequests, client: Client, slack: FakeSlackWebApi, worker, pay_acme, mention_ts: str
):
    response = await bot.event(pay_acme())

    assert response.status == 200
    card = await slack.wait_for_call("chat.postMessage")
    assert (card.args["channel"], card.args["thread_ts"]) == (CHANNEL, mention_ts)
    assert "pay invoice 4411 to ACME" in shown(card) and BOT_USER not in shown(card)
    assert f"<@{REQUESTER}>" in shown(card)
    assert buttons(card)[0]["value"].startswith("approval-")
    reaction = await slack.wait_for_call("reactions.add")
    assert (reaction.args["channel"], reaction.args["timestamp"], reaction.args["name"]) == (
        CHANNEL,
        mention_ts,
        "eyes",
    )
    agent = client.get_workflow_handle(f"agent-{TEAM}-{CHANNEL}-{mention_ts}")
    assert (await agent.describe()).workflow_type == "AgentWorkflow"


async def test_four_deliveries_of_one_mention_make_one_workflow_and_one_card(
    bot: SlackRequests, client: Client, slack: FakeSlackWebApi, worker, pay_acme, mention_ts: str
):
    # Slack's first delivery and its three retries, overlapping as they do on a timeout.
    responses = await asyncio.gather(
        bot.event(pay_acme()), *(bot.event(pay_acme(), retry_num=n) for n in (1, 2, 3))
    )
    assert [r.status for r in responses] == [200] * 4
    # Each delivery's listener is done once it has shown the request was taken.
    await slack.wait_for_call("reactions.add", count=4)
    card = await slack.wait_for_call("chat.postMessage")

    await bot.interaction(click(card, APPROVER, approve=True))
    agent = client.get_workflow_handle_for(AgentWorkflow.run, f"agent-{TEAM}-{CHANNEL}-{mention_ts}")
    (answer,) = await wait_for_answers(agent, slack)
    assert answer.approvals[0].status is ApprovalStatus.APPROVED

    # Retry 3 comes five minutes on, when the request may be done: still no second run.
    await bot.event(pay_acme(), retry_num=3)
    await slack.wait_for_call("reactions.add", count=5)
    assert len(cards(slack)) == 1 and len(thread_replies(slack)) == 1
    assert (await client.count_workflows(f"WorkflowId = '{agent.id}'")).count <= 1


async def test_mention_to_card_to_click_to_thread_reply(
    bot: SlackRequests, slack: FakeSlackWebApi, worker, pay_acme, mention_ts: str
):
    await bot.event(pay_acme())
    card = await slack.wait_for_call("chat.postMessage")

    response = await bot.interaction(click(card, APPROVER, approve=True))

    assert response.status == 200
    update = await slack.wait_for_call("chat.update")
    assert f"Approved by <@{APPROVER}>" in shown(update) and buttons(update) == []
    reply = await slack.wait_for_call("chat.postMessage", count=2)
    assert (reply.args["channel"], reply.args["thread_ts"]) == (CHANNEL, mention_ts)
    assert f"Approved by {name(APPROVER)} at" in said(reply)


async def test_a_rejection_with_a_reason_is_answered_in_the_thread(
    bot: SlackRequests, slack: FakeSlackWebApi, worker, pay_acme, mention_ts: str
):
    await bot.event(pay_acme())
    card = await slack.wait_for_call("chat.postMessage")
    await bot.interaction(click(card, APPROVER, approve=False))
    view = (await slack.wait_for_call("views.open")).args["view"]

    await bot.interaction(view_submission(view=view, user=APPROVER, values=reason_typed("Paid last week")))

    reply = await slack.wait_for_call("chat.postMessage", count=2)
    assert reply.args["thread_ts"] == mention_ts
    assert f"Rejected by {name(APPROVER)} at" in said(reply) and "Paid last week" in said(reply)


async def test_a_mention_inside_a_thread_is_answered_in_that_thread(
    bot: SlackRequests, slack: FakeSlackWebApi, worker, pay_acme
):
    await bot.event(pay_acme(thread_ts="1700000400.000100"))

    card = await slack.wait_for_call("chat.postMessage")
    assert card.args["thread_ts"] == "1700000400.000100"


async def test_a_mention_with_no_request_gets_a_hint_and_starts_nothing(
    bot: SlackRequests, slack: FakeSlackWebApi, worker, mention_ts: str
):
    await bot.event(mention_event(text=f"<@{BOT_USER}>  ", user=REQUESTER, channel=CHANNEL, ts=mention_ts))

    await slack.wait_for_call("chat.postEphemeral")
    assert "Mention me with what needs approval" in ephemerals_to(slack, REQUESTER)[0]
    assert cards(slack) == []
