"""The `/approvals history` answer: a page of decided requests, each with its outcome.

One list, newest first, each line saying whether the viewer asked for it or decided it:
a person looks back at "what happened to things I was part of" as one timeline, and one
list pages with one Next button. Everything people wrote is drawn inert (rich_text);
the mrkdwn is ours: the title and footnote.
"""

from typing import Any

from blocks import rich_text as rt
from blocks import slack_markup as markup
from blocks.approval_card import OUTCOME_WORDS, action_title
from blocks.thread_reply import STATUS_EMOJI_NAMES
from blocks.visible import visible
from bot.approvals.decided import DecidedApproval, HistoryPage
from bot.approvals.list_blocks import SUMMARY_SHOWN_MAX, context, mrkdwn_section, next_button
from bot.approvals.listing import Listing
from domain import approval_memo

TITLE = "Your recent decided requests"
NOTHING = "Nothing you asked for or decided has been decided yet."
FOOTNOTE = (
    "Newest first: requests you asked for and requests you decided. `/approvals help` shows the other lists."
)


def build_history_list(view: Listing, page: HistoryPage, *, permalinks: dict[str, str]) -> dict[str, Any]:
    """The message (text and blocks) for one page; `permalinks` maps workflow IDs to cards."""
    if not page.approvals:
        return {"text": NOTHING, "blocks": [mrkdwn_section(f"*{TITLE}*\n{NOTHING}")]}
    first = page.shown_before + 1
    last = page.shown_before + len(page.approvals)
    blocks: list[dict[str, Any]] = [mrkdwn_section(f"*{TITLE}* · {first}–{last} of {page.total:,}")]
    blocks += [
        _item(approval, view.user, permalinks.get(approval.workflow_id)) for approval in page.approvals
    ]
    blocks.append(context(FOOTNOTE))
    if page.next_page_token is not None:
        blocks.append(next_button(view, page.total, page.next_page_token, last))
    return {"text": f"{TITLE}: {page.total:,}", "blocks": blocks}


def _item(approval: DecidedApproval, viewer: str, permalink: str | None) -> dict[str, Any]:
    """Its request, then: your role · the outcome, who and when · who asked, where · the card."""
    role = "You asked" if approval.asked_by(viewer) else "You decided"
    outcome: list[rt.Element] = [
        rt.text(role, bold=True),
        rt.text(" · "),
        {"type": "emoji", "name": STATUS_EMOJI_NAMES.get(approval.status, "grey_question")},
        rt.text(" "),
        *_outcome(approval),
    ]
    facts: list[rt.Element] = [rt.text("Requested by "), {"type": "user", "user_id": approval.requester}]
    if approval.channel:
        facts += [rt.text(" in "), {"type": "channel", "channel_id": approval.channel}]
    if permalink:
        facts += [rt.text(" · "), rt.link(permalink, "Open the card")]
    return rt.block(
        rt.section(rt.text(action_title(approval.action) + ": ", bold=True), *_summary(approval)),
        rt.section(*outcome),
        rt.section(*facts),
    )


def _outcome(approval: DecidedApproval) -> list[rt.Element]:
    """'Approved by @ana at …', 'Expired at …', 'Withdrawn by @requester at …'."""
    words: list[rt.Element] = [rt.text(OUTCOME_WORDS.get(approval.status, approval.status.value))]
    if approval.ended_by:
        words += [rt.text(" by "), {"type": "user", "user_id": approval.ended_by}]
    if when := approval.ended_at:
        words += [rt.text(" at "), rt.date(int(when.timestamp()), f"{when:%Y-%m-%d %H:%M} UTC")]
    return words


def _summary(approval: DecidedApproval) -> list[rt.Element]:
    words = visible(markup.typed(approval.summary), edges=False).text
    if len(words) <= SUMMARY_SHOWN_MAX and len(approval.summary) < approval_memo.SUMMARY_MAX:
        return [rt.text(words)]
    return [rt.text(words[:SUMMARY_SHOWN_MAX]), rt.text("… (shortened: the card has all of it)", italic=True)]
