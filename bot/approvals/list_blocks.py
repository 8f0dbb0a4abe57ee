"""The `/approvals` answer: a page of pending approvals, each decidable right in the list.

The Approve and Reject buttons (and Withdraw, on the viewer's own requests) carry the
card's action IDs, so the card's listeners handle a click here too; their value is the
approval's ID sealed to this list (bot.approvals.list_buttons), and "Show full details"
shows every argument before deciding.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from blocks import rich_text as rt
from blocks import slack_markup as markup
from blocks.approval_card import (
    ACTIONS_BLOCK_ID,
    action_title,
    decision_buttons,
    details_button,
    withdraw_button,
)
from blocks.limits import BUTTON_VALUE_MAX, MESSAGE_MAX_BLOCKS, SECTION_TEXT_MAX, cut
from blocks.visible import visible
from bot.approvals.listing import Listing, PageCursor, Scope
from bot.approvals.pending import ApprovalsPage, PendingApproval
from domain import approval_memo
from domain import search_attributes as sa
from domain.approval_rules import APPROVERS_NAMED_MAX

NEXT_PAGE_ACTION_ID = "approvals_next_page"

# An approval is a section and its buttons; around them, the title, a footnote and the
# "Next" button. As many as one message holds: a list is read by scrolling, not paging.
BLOCKS_PER_APPROVAL = 2
FRAME_BLOCKS = 3
APPROVALS_PER_PAGE = (MESSAGE_MAX_BLOCKS - FRAME_BLOCKS) // BLOCKS_PER_APPROVAL
# Each line names its request in this many characters, so a full page stays well within
# what one message holds.
SUMMARY_SHOWN_MAX = 150

HELP_TEXT = "\n".join(
    [
        "*`/approvals`* lists pending approvals you may decide, with Approve and Reject buttons.",
        "*`/approvals mine`* lists the ones you asked for.",
        "*`/approvals all`* lists every pending approval.",
        "*`/approvals #channel`* lists the ones asked for in a channel "
        "(pick it from the list Slack suggests as you type `#`).",
        "*`/approvals history`* shows your recent decided requests, those you asked for and "
        "those you decided, with their outcomes.",
        "*`/approvals help`* shows this.",
    ]
)

_TITLES = {
    Scope.TO_DECIDE: "Approvals waiting for you",
    Scope.MINE: "Your requests waiting for a decision",
    Scope.ALL: "All pending approvals",
}
_NOTHING = {
    Scope.TO_DECIDE: "Nothing is waiting for you to decide.",
    Scope.MINE: "None of your requests is waiting for a decision.",
    Scope.ALL: "No approvals are pending.",
}
EDITED_NOTE = (
    " Edited before approving: approve it on its card, where the edited arguments are shown "
    "beside what was asked."
)


def build_approvals_list(
    view: Listing,
    page: ApprovalsPage,
    *,
    now: datetime,
    permalinks: dict[str, str],
    seal: Callable[[str], str],
) -> dict[str, Any]:
    """The message (text and blocks) for one page; `permalinks` maps workflow IDs to cards,
    `seal` turns a workflow ID into the value of its buttons in this list."""
    title = _title(view)
    if not page.approvals:
        nothing = _nothing(view)
        return {"text": nothing, "blocks": [mrkdwn_section(f"*{title}*\n{nothing}")]}
    first = page.shown_before + 1
    last = page.shown_before + len(page.approvals)
    blocks: list[dict[str, Any]] = [mrkdwn_section(f"*{title}* · {first}–{last} of {page.total:,}")]
    for index, approval in enumerate(page.approvals, start=first):
        blocks.append(_item(approval, view, now, permalinks.get(approval.workflow_id)))
        if approval.may_be_decided_by(view.user):
            blocks.append(_decision_buttons(approval.workflow_id, index, seal, edited=bool(approval.edits)))
        elif approval.requester == view.user:
            # The requester never decides their own, but may take it back from here too.
            blocks.append(_withdraw_button(approval.workflow_id, index, seal))
    blocks.append(context("Newest first. `/approvals help` shows the other lists."))
    if page.next_page_token is not None:
        blocks.append(next_button(view, page.total, page.next_page_token, last))
    return {"text": f"{title}: {page.total:,}", "blocks": blocks}


def build_approvals_help(problem: str | None = None) -> dict[str, Any]:
    """The help text, after a word on what went wrong when there is one."""
    text = f"{problem}\n\n{HELP_TEXT}" if problem else HELP_TEXT
    return {"text": text, "blocks": [mrkdwn_section(text)]}


def age(elapsed: timedelta) -> str:
    """'just now', '5 min ago', '3 h ago', '2 days ago'."""
    minutes = int(elapsed.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 24 * 60:
        return f"{minutes // 60} h ago"
    days = minutes // (24 * 60)
    return f"{days} day{'s' if days > 1 else ''} ago"


def _title(view: Listing) -> str:
    return f"Pending approvals in <#{view.channel}>" if view.scope is Scope.CHANNEL else _TITLES[view.scope]


def _nothing(view: Listing) -> str:
    if view.scope is Scope.CHANNEL:
        return f"No approvals are pending in <#{view.channel}>."
    return _NOTHING[view.scope]


def _item(approval: PendingApproval, view: Listing, now: datetime, permalink: str | None) -> dict[str, Any]:
    """One approval as a rich_text block: the request inert, the facts from Temporal. The
    list is ephemeral, so user elements name people without notifying anyone."""
    facts: list[rt.Element] = [
        rt.text("Requested by "),
        {"type": "user", "user_id": approval.requester},
        rt.text(f" {age(now - approval.requested_at)}"),
    ]
    if view.scope is not Scope.CHANNEL:
        facts += [rt.text(" in "), {"type": "channel", "channel_id": approval.channel}]
    if approval.expires_at:
        fallback = f"{approval.expires_at:%Y-%m-%d %H:%M} UTC"
        facts += [rt.text(" · expires "), rt.date(int(approval.expires_at.timestamp()), fallback)]
    if permalink:
        facts += [rt.text(" · "), rt.link(permalink, "Open the card")]
    lines = [
        rt.section(rt.text(action_title(approval.action) + ": ", bold=True), *_summary(approval)),
        rt.section(*facts),
    ]
    if not approval.may_be_decided_by(view.user):
        lines.append(rt.section(rt.text("Can be decided by "), *_who_may_decide(approval), rt.text(".")))
    elif approval.edits:
        lines.append(rt.section({"type": "emoji", "name": "pencil2"}, rt.text(EDITED_NOTE, italic=True)))
    return rt.block(*lines)


def _summary(approval: PendingApproval) -> list[rt.Element]:
    # A line to recognise the request by; the card (and its details) has all of it.
    words = visible(markup.typed(approval.summary), edges=False).text
    if len(words) <= SUMMARY_SHOWN_MAX and len(approval.summary) < approval_memo.SUMMARY_MAX:
        return [rt.text(words)]
    return [rt.text(words[:SUMMARY_SHOWN_MAX]), rt.text("… (shortened: the card has all of it)", italic=True)]


def _who_may_decide(approval: PendingApproval) -> list[rt.Element]:
    if sa.ANYONE in approval.approvers:
        return [rt.text("anyone but "), {"type": "user", "user_id": approval.requester}]
    people: list[rt.Element] = []
    for user in approval.approvers[:APPROVERS_NAMED_MAX]:
        people += [rt.text(", ")] if people else []
        people.append({"type": "user", "user_id": user})
    if len(approval.approvers) > APPROVERS_NAMED_MAX:
        people.append(rt.text(f" and {len(approval.approvers) - APPROVERS_NAMED_MAX} more"))
    return people or [rt.text("nobody")]


def _decision_buttons(
    workflow_id: str, index: int, seal: Callable[[str], str], *, edited: bool
) -> dict[str, Any]:
    # Block IDs must be unique within a message; the listeners match on action IDs only.
    approve, reject = decision_buttons(workflow_id, seal(workflow_id))
    # An edited request is approved where both versions are shown: its card (the approval
    # refuses a list's Approve of it too). Rejecting it needs no such care.
    buttons = (
        [reject, details_button(workflow_id)] if edited else [approve, reject, details_button(workflow_id)]
    )
    return {"type": "actions", "block_id": f"{ACTIONS_BLOCK_ID}_{index}", "elements": buttons}


def _withdraw_button(workflow_id: str, index: int, seal: Callable[[str], str]) -> dict[str, Any]:
    button = withdraw_button(workflow_id, seal(workflow_id))
    return {"type": "actions", "block_id": f"{ACTIONS_BLOCK_ID}_{index}", "elements": [button]}


def next_button(view: Listing, total: int, next_page_token: bytes, shown: int) -> dict[str, Any]:
    """ "Next N" under a page that `shown` approvals of `total` have been listed by."""
    value = PageCursor(view.scope, view.channel, shown, next_page_token).to_button_value()
    if len(value) > BUTTON_VALUE_MAX:
        # Visibility stores with page tokens this long (none seen so far) end the list here.
        return context(f"{total - shown:,} more not shown; narrow the list: `/approvals #channel`.")
    return {
        "type": "actions",
        "block_id": "approvals_paging",
        "elements": [
            {
                "type": "button",
                "action_id": NEXT_PAGE_ACTION_ID,
                "text": {"type": "plain_text", "text": f"Next {min(APPROVALS_PER_PAGE, total - shown)}"},
                "value": value,
            }
        ],
    }


def mrkdwn_section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, SECTION_TEXT_MAX)}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
