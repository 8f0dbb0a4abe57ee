"""`/approvals` through the real Bolt app over signed HTTP, listing from the real dev server.

The session's dev server holds every test's approvals, so each test here has its own
users and channel, and judges a list only by the approvals it started itself.
"""

import asyncio
import itertools
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from temporalio.client import Client, WorkflowHandle

from blocks.approval_card import APPROVE_ACTION_ID, REJECT_ACTION_ID
from blocks.reject_modal import REASON_ACTION_ID, REASON_BLOCK_ID
from bot.approvals.list_blocks import APPROVALS_PER_PAGE, HELP_TEXT, NEXT_PAGE_ACTION_ID
from bot.errors import SORRY
from domain.models import ApprovalStatus, DecisionSubmission
from tests.approvals import FROM_LIST, listed, start_approval, wire_request
from tests.fakes.block_text import reading
from tests.fakes.slack_payloads import button_click, slash_command, view_submission
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall
from workflows.approval import ApprovalWorkflow

WHERE_TYPED = "C0WHERETYPED"
"""The channel /approvals is typed in: any channel, not the approvals' own."""
_answers = itertools.count()


def slack_id(prefix: str) -> str:
    return f"{prefix}0{uuid.uuid4().hex[:10].upper()}"


@dataclass
class Listing:
    """What the bot responded, read the way a person reads it."""

    call: SlackCall

    @property
    def text(self) -> str:
        return reading(self.call.args.get("blocks", [])) + self.call.args.get("text", "")

    def shows(self, summary: str) -> bool:
        return f": {summary}" in self.text

    def buttons(self) -> list[tuple[str, dict[str, Any]]]:
        """(block_id, button) for every button, in order."""
        return [
            (block["block_id"], element)
            for block in self.call.args.get("blocks", [])
            if block["type"] == "actions"
            for element in block["elements"]
        ]

    def decision_button(self, action_id: str, workflow_id: str) -> tuple[str, dict[str, Any]]:
        (found,) = [
            (b, e)
            for b, e in self.buttons()
            if (e["action_id"], named(e["value"])) == (action_id, workflow_id)
        ]
        return found

    def decidable(self) -> set[str]:
        return {named(e["value"]) for _, e in self.buttons() if e["action_id"] == APPROVE_ACTION_ID}


def named(value: str) -> str:
    """The approval a button names: its value, or the ID inside a list's sealed value."""
    return value.split(".", 2)[2] if value.startswith("list1.") else value


async def answer(slack: FakeSlackWebApi, name: str) -> Listing:
    (call,) = await slack.wait_for(
        lambda: [c for c in slack.calls_to("response_url") if c.args["response_url_name"] == name],
        what=f"the answer at response_url {name}",
    )
    return Listing(call)


async def approvals_command(bot: SlackRequests, slack: FakeSlackWebApi, user: str, text: str = "") -> Listing:
    """`/approvals <text>` typed by `user`; returns the answer once the bot has responded."""
    name = f"command-{next(_answers)}"
    fields = slash_command(command="/approvals", text=text, user=user, channel=WHERE_TYPED)
    fields["response_url"] = slack.response_url(name)

    response = await bot.command(fields)

    # The ack: at once and empty; the list follows at the response_url.
    assert (response.status, response.text) == (200, "")
    return await answer(slack, name)


def list_click(user: str, block_id: str, button: dict[str, Any], response_url: str) -> dict[str, Any]:
    """The block_actions payload of a click on a button in an ephemeral /approvals list."""
    payload = button_click(
        action_id=button["action_id"],
        value=button["value"],
        user=user,
        channel=WHERE_TYPED,
        message_ts="1700000500.000100",
    )
    # Slack sends no `message` for an ephemeral one, only its container.
    del payload["message"]
    payload["container"]["is_ephemeral"] = True
    payload["actions"][0]["block_id"] = block_id
    payload["response_url"] = response_url
    return payload


@dataclass
class Approvals:
    """One test's approvals, in a channel of their own, and the people involved."""

    channel: str
    requester: str
    caller: str
    other: str
    by_summary: dict[str, WorkflowHandle]

    def id(self, summary: str) -> str:
        return self.by_summary[summary].id


@pytest.fixture
async def approvals(client: Client, settings, worker) -> Approvals:
    """In a fresh channel: two approvals `caller` may decide, one they asked for, one only
    `other` may decide, and one `caller` already approved."""
    channel, requester, caller, other = slack_id("C"), slack_id("U"), slack_id("U"), slack_id("U")
    tag = channel[-6:]
    wanted = {
        f"Named approver {tag}": dict(requester=requester, approvers=[caller, other]),
        f"Anyone may decide {tag}": dict(requester=requester, approvers=[]),
        f"Asked by the caller {tag}": dict(requester=caller, approvers=[]),
        f"Only the other may decide {tag}": dict(requester=requester, approvers=[other]),
        f"Already approved {tag}": dict(requester=requester, approvers=[caller]),
    }
    handles = await asyncio.gather(
        *(
            start_approval(
                client, settings.temporal_task_queue, wire_request(summary=s, channel=channel, **w)
            )
            for s, w in wanted.items()
        )
    )
    started = Approvals(channel, requester, caller, other, dict(zip(wanted, handles, strict=True)))
    decided = started.by_summary[f"Already approved {tag}"]
    await decided.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=caller, origin=FROM_LIST)
    )
    await decided.result()
    await listed(client, f"ApprovalChannel = '{channel}' AND ApprovalStatus = 'pending'", 4)
    return started


def summaries(approvals: Approvals, *starts: str) -> set[str]:
    return {s for s in approvals.by_summary if s.startswith(starts)}


async def test_the_list_shows_what_the_caller_may_decide_with_buttons_and_card_links(
    bot: SlackRequests, slack: FakeSlackWebApi, approvals: Approvals
):
    listing = await approvals_command(bot, slack, approvals.caller)

    shown = {s for s in approvals.by_summary if listing.shows(s)}
    assert shown == summaries(approvals, "Named approver", "Anyone may decide")
    assert {approvals.id(s) for s in shown} <= listing.decidable()
    assert listing.call.args["response_type"] == "ephemeral"
    assert f"Requested by @{approvals.requester}" in listing.text
    assert f"https://example.slack.com/archives/{approvals.channel}/p" in str(listing.call.args["blocks"])
    # Each card's link came from Slack, asked with the card's channel and ts.
    asked = {c.args["channel"] for c in slack.calls_to("chat.getPermalink")}
    assert approvals.channel in asked


async def test_mine_lists_what_the_caller_asked_for_without_buttons(
    bot: SlackRequests, slack: FakeSlackWebApi, approvals: Approvals
):
    listing = await approvals_command(bot, slack, approvals.requester, "mine")

    shown = {s for s in approvals.by_summary if listing.shows(s)}
    assert shown == summaries(approvals, "Named approver", "Anyone may decide", "Only the other")
    assert listing.decidable() == set()
    assert "Your requests waiting for a decision* · 1–3 of 3" in listing.text


async def test_all_lists_every_pending_approval_but_offers_buttons_only_where_the_caller_may_decide(
    bot: SlackRequests, slack: FakeSlackWebApi, approvals: Approvals
):
    listing = await approvals_command(bot, slack, approvals.other, "all")

    shown = {s for s in approvals.by_summary if listing.shows(s)}
    assert shown == summaries(approvals, "Named", "Anyone", "Asked by", "Only the other")
    mine = {h.id for h in approvals.by_summary.values()}
    assert listing.decidable() & mine == {
        approvals.id(s) for s in summaries(approvals, "Named", "Anyone", "Asked by", "Only the other")
    }
    bystander = await approvals_command(bot, slack, slack_id("U"), "all")
    assert bystander.decidable() & mine == {
        approvals.id(s) for s in summaries(approvals, "Anyone", "Asked by")
    }
    assert "Can be decided by @" in bystander.text


@pytest.mark.parametrize("written", ["<#{channel}|finance>", "<#{channel}>"])
async def test_a_channel_lists_exactly_that_channels_pending_approvals(
    bot: SlackRequests, slack: FakeSlackWebApi, approvals: Approvals, written: str
):
    listing = await approvals_command(bot, slack, approvals.caller, written.format(channel=approvals.channel))

    assert f"*Pending approvals in <#{approvals.channel}>* · 1–4 of 4" in listing.text
    shown = {s for s in approvals.by_summary if listing.shows(s)}
    assert shown == summaries(approvals, "Named", "Anyone", "Asked by", "Only the other")
    assert listing.decidable() == {approvals.id(s) for s in summaries(approvals, "Named", "Anyone")}


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        ("help", None),
        ("pending please", "I don't know `/approvals pending please`."),
        ("#finance", "Pick `#finance` from the list Slack suggests as you type `#`"),
    ],
)
async def test_help_and_what_is_not_understood_get_the_help_text(
    bot: SlackRequests, slack: FakeSlackWebApi, text: str, first_line: str | None
):
    listing = await approvals_command(bot, slack, slack_id("U"), text)

    said = listing.call.args["text"]
    assert said.endswith(HELP_TEXT)
    assert said.startswith(first_line or HELP_TEXT)
    assert listing.call.args["response_type"] == "ephemeral"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("<#{channel}|empty>", "No approvals are pending in <#{channel}>."),
        ("mine", "None of your requests is waiting for a decision."),
    ],
)
async def test_an_empty_list_says_so(bot: SlackRequests, slack: FakeSlackWebApi, text: str, said: str):
    channel = slack_id("C")

    listing = await approvals_command(bot, slack, slack_id("U"), text.format(channel=channel))

    assert listing.call.args["text"] == said.format(channel=channel)


async def test_approve_from_the_list_decides_as_the_card_would(
    bot: SlackRequests, slack: FakeSlackWebApi, approvals: Approvals
):
    listing = await approvals_command(bot, slack, approvals.caller, f"<#{approvals.channel}>")
    approval = approvals.by_summary[next(iter(summaries(approvals, "Named approver")))]
    block_id, button = listing.decision_button(APPROVE_ACTION_ID, approval.id)

    response = await bot.interaction(
        list_click(approvals.caller, block_id, button, slack.response_url("approve-click"))
    )

    assert response.status == 200
    result = await approval.result()
    assert result.status is ApprovalStatus.APPROVED and result.decision.decided_by == approvals.caller
    update = await slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.update") if c.args["ts"] == result.message_ts],
        what="the card updated",
    )
    assert f"Approved by <@{approvals.caller}>" in str(update[0].args["blocks"])


async def test_reject_from_the_list_asks_why_and_rejects_with_the_reason(
    bot: SlackRequests, slack: FakeSlackWebApi, approvals: Approvals
):
    listing = await approvals_command(bot, slack, approvals.caller)
    approval = approvals.by_summary[next(iter(summaries(approvals, "Anyone may decide")))]
    block_id, button = listing.decision_button(REJECT_ACTION_ID, approval.id)

    await bot.interaction(list_click(approvals.caller, block_id, button, slack.response_url("reject-click")))
    opened = await slack.wait_for_call("views.open")
    view = opened.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    typed = {REASON_BLOCK_ID: {REASON_ACTION_ID: {"type": "plain_text_input", "value": "Not this quarter"}}}
    response = await bot.interaction(view_submission(view=view, user=approvals.caller, values=typed))

    assert response.status == 200
    result = await approval.result()
    assert result.status is ApprovalStatus.REJECTED
    assert (result.decision.decided_by, result.decision.reason) == (approvals.caller, "Not this quarter")


async def test_a_list_longer_than_one_message_pages_with_next(
    bot: SlackRequests, client: Client, settings, slack: FakeSlackWebApi, worker
):
    channel, requester, caller = slack_id("C"), slack_id("U"), slack_id("U")
    count = APPROVALS_PER_PAGE + 7
    requests = [
        wire_request(summary=f"Payment {n:02d}", channel=channel, requester=requester, approvers=[caller])
        for n in range(count)
    ]
    await asyncio.gather(*(start_approval(client, settings.temporal_task_queue, r) for r in requests))
    await listed(client, f"ApprovalChannel = '{channel}' AND ApprovalStatus = 'pending'", count, timeout=60)

    first = await approvals_command(bot, slack, caller, f"<#{channel}>")

    # All of them would take more than Slack's 50 blocks: the first page is what fits.
    assert len(first.call.args["blocks"]) <= 50
    assert f"1–{APPROVALS_PER_PAGE} of {count}" in first.text
    block_id, next_button = first.buttons()[-1]
    assert (next_button["action_id"], next_button["text"]["text"]) == (NEXT_PAGE_ACTION_ID, "Next 7")

    response = await bot.interaction(list_click(caller, block_id, next_button, slack.response_url("next")))

    assert response.status == 200
    second = await answer(slack, "next")
    assert second.call.args["replace_original"] is True
    assert f"{APPROVALS_PER_PAGE + 1}–{count} of {count}" in second.text
    assert NEXT_PAGE_ACTION_ID not in [b["action_id"] for _, b in second.buttons()]
    pages = [{r.summary for r in requests if page.shows(r.summary)} for page in (first, second)]
    assert len(pages[0]) == APPROVALS_PER_PAGE and len(pages[1]) == 7
    assert pages[0] | pages[1] == {r.summary for r in requests}
    assert len(first.decidable() | second.decidable()) == count


async def test_a_forged_command_is_refused_and_nothing_is_listed(bot: SlackRequests, slack: FakeSlackWebApi):
    fields = slash_command(command="/approvals", text="all", user=slack_id("U"), channel=WHERE_TYPED)
    fields["response_url"] = slack.response_url("forged")
    body = "&".join(f"{k}={v}" for k, v in fields.items())

    response = await bot.post(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)

    assert response.status == 401
    # The bot still answers a genuine command, and only that one.
    await approvals_command(bot, slack, slack_id("U"), "help")
    assert len(slack.calls_to("response_url")) == 1


async def test_a_failure_is_logged_with_its_traceback_and_the_caller_told_briefly(
    bot: SlackRequests, slack: FakeSlackWebApi, caplog
):
    caller = slack_id("U")
    # A Next button whose page token Temporal cannot read: the listing itself fails.
    value = json.dumps({"scope": "all", "channel": None, "shown": 23, "token": "bm90IGEgdG9rZW4="})
    button = {"action_id": NEXT_PAGE_ACTION_ID, "value": value}

    with caplog.at_level(logging.ERROR, logger="countersign.bot"):
        response = await bot.interaction(
            list_click(caller, "approvals_paging", button, slack.response_url("bad"))
        )
        told = await answer(slack, "bad")

    assert response.status == 200
    assert (told.call.args["text"], told.call.args["replace_original"]) == (SORRY, False)
    (record,) = [r for r in caplog.records if r.name == "countersign.bot" and r.levelno == logging.ERROR]
    assert record.exc_info and record.getMessage() == "Could not list approvals"
    # The process still serves.
    assert (await approvals_command(bot, slack, caller, "mine")).call.args["text"].startswith("None of your")
