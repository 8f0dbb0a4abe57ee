"""`/approvals history` through the real Bolt app over signed HTTP, from the real dev server's
visibility: decided requests, for whoever asked for them and whoever decided them."""

import asyncio
import time
from dataclasses import dataclass

import pytest
from temporalio.client import Client, WorkflowHandle

from bot.approvals.listing import Listing, Scope
from domain.models import ApprovalStatus, DecisionSubmission, Withdrawal
from tests.approvals import FROM_LIST, card_recorded, start_approval, wire_request
from tests.bot.test_approvals_command import approvals_command, slack_id
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.approval import ApprovalWorkflow


@dataclass
class People:
    requester: str
    decider: str
    rejecter: str
    other_requester: str
    tag: str


async def history_listed(client: Client, user: str, count: int, timeout: float = 20) -> None:
    """Waits until visibility has `count` decided approvals in `user`'s history (it is
    eventually consistent)."""
    query = Listing(Scope.HISTORY, user).visibility_query()
    deadline = time.monotonic() + timeout
    while (found := (await client.count_workflows(query)).count) != count:
        if time.monotonic() > deadline:
            raise AssertionError(f"visibility has {found} of {count} for {query}")
        await asyncio.sleep(0.1)


async def decided(handle: WorkflowHandle, status: ApprovalStatus) -> None:
    assert (await handle.result()).status is status


@pytest.fixture
async def people(client: Client, settings, worker) -> People:
    """One of each ending, decided one after another (so newest first is known), and one
    still pending; plus a request someone else made that `decider` approved."""
    people = People(slack_id("U"), slack_id("U"), slack_id("U"), slack_id("U"), slack_id("T")[-6:])
    queue = settings.temporal_task_queue

    def asked(what: str, **changes) -> object:
        changes.setdefault("requester", people.requester)
        return start_approval(client, queue, wire_request(summary=f"{what} {people.tag}", **changes))

    expiring = await asked("Expires", approvers=[people.decider], timeout_seconds=2)
    approved = await asked("Approved", approvers=[people.decider])
    rejected = await asked("Rejected", approvers=[people.decider, people.rejecter])
    withdrawn = await asked("Withdrawn", approvers=[people.decider])
    await asked("Still pending", approvers=[people.decider])
    others = await asked("Asked by another", requester=people.other_requester, approvers=[people.decider])
    await decided(expiring, ApprovalStatus.EXPIRED)
    await approved.signal(ApprovalWorkflow.decide, DecisionSubmission(True, people.decider, origin=FROM_LIST))
    await decided(approved, ApprovalStatus.APPROVED)
    rejection = DecisionSubmission(False, people.rejecter, reason="*not* <!channel>", origin=FROM_LIST)
    await rejected.signal(ApprovalWorkflow.decide, rejection)
    await decided(rejected, ApprovalStatus.REJECTED)
    await card_recorded(withdrawn)
    await withdrawn.signal(ApprovalWorkflow.withdraw, Withdrawal(people.requester, origin=FROM_LIST))
    await decided(withdrawn, ApprovalStatus.WITHDRAWN)
    await others.signal(ApprovalWorkflow.decide, DecisionSubmission(True, people.decider, origin=FROM_LIST))
    await decided(others, ApprovalStatus.APPROVED)
    await history_listed(client, people.requester, 4)
    await history_listed(client, people.decider, 2)
    return people


def order(text: str, *summaries: str) -> list[int]:
    return [text.index(f": {s}") for s in summaries]


async def test_the_requester_sees_each_ending_newest_first_and_nothing_pending(
    bot: SlackRequests, slack: FakeSlackWebApi, people: People
):
    listing = await approvals_command(bot, slack, people.requester, "history")

    text, tag = listing.text, people.tag
    assert "Your recent decided requests* · 1–4 of 4" in text
    positions = order(text, f"Withdrawn {tag}", f"Rejected {tag}", f"Approved {tag}", f"Expires {tag}")
    assert positions == sorted(positions), "newest first"
    assert f"Still pending {tag}" not in text and f"Asked by another {tag}" not in text
    assert text.count("You asked · ") == 4 and "You decided" not in text
    assert f"Approved by @{people.decider} at " in text
    assert f"Rejected by @{people.rejecter} at " in text
    assert f"Withdrawn by @{people.requester} at " in text
    assert "Expired at " in text
    assert "Open the card" in text
    assert listing.call.args["response_type"] == "ephemeral" and listing.buttons() == []


async def test_the_decider_sees_what_they_decided_whoever_asked_and_the_rejecter_theirs(
    bot: SlackRequests, slack: FakeSlackWebApi, people: People
):
    mine = await approvals_command(bot, slack, people.decider, "history")
    theirs = await approvals_command(bot, slack, people.rejecter, "history")

    tag = people.tag
    assert "1–2 of 2" in mine.text and mine.text.count("You decided · ") == 2
    assert order(mine.text, f"Asked by another {tag}", f"Approved {tag}") == sorted(
        order(mine.text, f"Asked by another {tag}", f"Approved {tag}")
    )
    # Named as an approver but decided by nobody, or by someone else: not theirs.
    for not_decided in ("Expires", "Rejected", "Withdrawn", "Still pending"):
        assert f"{not_decided} {tag}" not in mine.text
    assert "1–1 of 1" in theirs.text and f"Rejected {tag}" in theirs.text
    assert "You decided · " in theirs.text


async def test_someone_with_no_decided_requests_is_told_so(bot: SlackRequests, slack: FakeSlackWebApi):
    listing = await approvals_command(bot, slack, slack_id("U"), "history")

    assert "Nothing you asked for or decided has been decided yet." in listing.text


async def test_help_lists_history(bot: SlackRequests, slack: FakeSlackWebApi):
    listing = await approvals_command(bot, slack, slack_id("U"), "help")

    assert "/approvals history" in listing.text
