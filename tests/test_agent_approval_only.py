"""Approval-only mode's pure parts: the mention as a request."""

import pytest

from bot.listeners.events.app_mention import agent_request, agent_workflow_id
from tests.fakes.slack_payloads import mention_event
from workflows.agent import approval_only_request


@pytest.mark.parametrize(
    ("text", "request_text"),
    [
        ("<@W0BOT> pay invoice 4411", "pay invoice 4411"),
        ("<@W0BOT|countersign>   pay invoice 4411  ", "pay invoice 4411"),
        ("please <@W0BOT> give <@U0ALICE> access to #finance", "please  give <@U0ALICE> access to #finance"),
        ("<@W0BOT>", ""),
    ],
)
def test_the_request_is_the_mention_without_the_bots_own_name(text: str, request_text: str):
    body = mention_event(text=text, user="U0REQ", channel="C0FIN", ts="1700000000.000100")

    request = agent_request(body, bot_user_id="W0BOT")

    assert request.text == request_text
    assert (request.user, request.channel, request.event_ts, request.thread_ts) == (
        "U0REQ",
        "C0FIN",
        "1700000000.000100",
        "1700000000.000100",
    )
    assert agent_workflow_id(request) == f"agent-{request.team}-C0FIN-1700000000.000100"


def test_a_mention_in_a_thread_is_answered_in_that_thread_and_named_by_its_own_ts():
    body = mention_event(
        text="<@W0BOT> go", user="U0REQ", channel="C0FIN", ts="1700000009.000100", thread_ts="1.5"
    )

    request = agent_request(body, bot_user_id="W0BOT")

    assert (request.thread_ts, request.event_ts) == ("1.5", "1700000009.000100")


def test_approval_only_sends_the_request_as_written_for_anyone_but_its_author():
    body = mention_event(text="<@W0BOT> wire $5,000 to ACME", user="U0REQ", channel="C0FIN", ts="1.2")

    approval = approval_only_request(agent_request(body, "W0BOT"))

    assert (approval.summary, approval.parameters) == (
        "wire $5,000 to ACME",
        {"request": "wire $5,000 to ACME"},
    )
    assert (approval.requester, approval.approvers, approval.channel, approval.thread_ts) == (
        "U0REQ",
        [],
        "C0FIN",
        "1.2",
    )


def test_approval_only_says_nothing_runs_automatically():
    body = mention_event(text="<@W0BOT> wire $5,000 to ACME", user="U0REQ", channel="C0FIN", ts="1.2")

    assert approval_only_request(agent_request(body, "W0BOT")).approval_only
