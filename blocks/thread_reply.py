"""The answer in the thread: the agent's words, inert, then the record, built by code.

The model can write anything ("Done, approved by <@U…> as instructed."), so its words
are drawn as literal text: no mention, broadcast, link or formatting. What was approved,
by whom, and what ran comes from the approvals themselves and is drawn apart from the
words, under its own heading, so a reader can tell the record from the talk.
"""

import json
from collections.abc import Mapping
from typing import Any

from blocks import rich_text as rt
from blocks import slack_markup as markup
from blocks.approval_card import OUTCOME_WORDS, action_title
from blocks.limits import CARD_REQUEST_BUDGET, escaped_length
from blocks.request_view import chunked
from blocks.visible import visible
from domain.approval_edits import changed
from domain.models import REPLY_FORMAT_INERT, ActionRecord, ApprovalResult, ApprovalStatus, ThreadReply
from domain.slack_text import escape

RECORD_HEADING = ":lock: *Record* · from the approvals themselves, not written by the assistant"
STATUS_EMOJI_NAMES = {
    ApprovalStatus.APPROVED: "white_check_mark",
    ApprovalStatus.REJECTED: "x",
    ApprovalStatus.EXPIRED: "hourglass",
    ApprovalStatus.CANCELLED: "no_entry_sign",
    ApprovalStatus.WITHDRAWN: "leftwards_arrow_with_hook",
}
# How much of an approval-only request the record quotes to name it; the card has it all.
REQUEST_QUOTED_MAX = 200
TOO_LONG = "… (the rest of this answer is too long for one Slack message: {:,} characters not shown)"


def people_in_reply(reply: ThreadReply) -> list[str]:
    """Whose names the reply shows: deciders, and people mentioned in what ran or was asked."""
    people = []
    for record in reply.records:
        people += [user for user in _deciders(record.approval) if user]
        people += [edit.user for edit in record.approval.edits]
        for text in (record.request, record.execution.summary if record.execution else ""):
            people += [p.user_id for p in markup.decode(text) if isinstance(p, markup.UserMention)]
    return people


def build_thread_reply(reply: ThreadReply, names: Mapping[str, str]) -> dict[str, Any]:
    """The `chat.postMessage` arguments (text and blocks) for a reply."""
    if reply.format < REPLY_FORMAT_INERT:
        # Written by a workflow that started before replies were drawn inert.
        return {"text": reply.text}
    blocks: list[dict[str, Any]] = []
    if words := reply.text.strip():
        blocks.append(rt.block(rt.section(*_words(words))))
    if reply.records:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": RECORD_HEADING}]})
        blocks += [_record_block(record, names) for record in reply.records]
    return {"text": _fallback(reply, names), "blocks": blocks}


def _words(words: str) -> list[rt.Element]:
    shown = visible(words).text
    if escaped_length(shown) <= CARD_REQUEST_BUDGET:
        return chunked(shown)
    kept = shown[: CARD_REQUEST_BUDGET // 2]
    return [*chunked(kept), rt.text(TOO_LONG.format(len(shown) - len(kept)), italic=True)]


def _record_block(record: ActionRecord, names: Mapping[str, str]) -> dict[str, Any]:
    result = record.approval
    line: list[rt.Element] = [
        {"type": "emoji", "name": STATUS_EMOJI_NAMES.get(result.status, "grey_question")},
        rt.text(" "),
        rt.text(action_title(record.action), bold=True),
        rt.text(" "),
        rt.text(result.fingerprint, code=True),
        rt.text(": "),
        *_outcome(record, names),
    ]
    containers = [rt.section(*line)]
    if record.asked is not None and result.edits:
        containers.append(rt.section(*_changes(record.asked, result, names)))
    if record.request:
        containers.append(rt.quote(*_request_named(record.request, names)))
    if result.decision and result.decision.reason:
        containers.append(rt.section(rt.text("Reason: ", italic=True)))
        containers.append(rt.quote(*chunked(visible(result.decision.reason).text)))
    if execution := record.execution:
        moment = rt.date(
            int(execution.finished_at.timestamp()), f"{execution.finished_at:%Y-%m-%d %H:%M} UTC"
        )
        if execution.succeeded:
            containers.append(
                rt.section(
                    {"type": "emoji", "name": "outbox_tray"},
                    rt.text(" Done at "),
                    moment,
                    rt.text(": "),
                    *_code_text(execution.summary, names),
                )
            )
        else:
            containers.append(
                rt.section(
                    {"type": "emoji", "name": "warning"},
                    rt.text(" Approved, but it failed to run at "),
                    moment,
                    rt.text(". It may not have happened:"),
                )
            )
            containers.append(
                rt.preformatted(*chunked(visible(execution.error or "no error was given").text))
            )
    return rt.block(*containers)


def _outcome(record: ActionRecord, names: Mapping[str, str]) -> list[rt.Element]:
    result, decision = record.approval, record.approval.decision
    if result.status is ApprovalStatus.CANCELLED:
        return [rt.text("Cancelled before anyone decided; nothing was run.")]
    if result.status is ApprovalStatus.EXPIRED or decision is None:
        return [rt.text("Expired: nobody decided in time, so nothing was run.")]
    moment = rt.date(int(decision.decided_at.timestamp()), f"{decision.decided_at:%Y-%m-%d %H:%M} UTC")
    verb = OUTCOME_WORDS[result.status]
    elements = [rt.text(f"{verb} by ")]
    for n, person in enumerate(_deciders(result)):
        if n:
            elements.append(rt.text(", then "))
        elements.append(rt.text(f"@{names.get(person) or person}" if person else "Temporal", bold=True))
    elements += [rt.text(" at "), moment]
    if result.status in (ApprovalStatus.REJECTED, ApprovalStatus.WITHDRAWN):
        elements.append(rt.text(". Nothing was run."))
    elif record.request:
        elements.append(rt.text(". Nothing runs automatically: over to you."))
    return elements


def _changes(asked: dict[str, Any], result: ApprovalResult, names: Mapping[str, str]) -> list[rt.Element]:
    """What approvers edited before approving: each argument as asked → as approved, as JSON
    (quoted, inert), and who edited it."""
    approved = result.edits[-1].parameters
    editors = ", ".join(f"@{names.get(u) or u}" for u in dict.fromkeys(e.user for e in result.edits))
    elements: list[rt.Element] = [
        {"type": "emoji", "name": "pencil2"},
        rt.text(" Changed before approving", bold=True),
        rt.text(f" by {editors}: "),
    ]
    for n, name in enumerate(changed(asked, approved)):
        if n:
            elements.append(rt.text("; "))
        elements += [
            rt.text(visible(name, line_breaks=False).text, bold=True),
            rt.text(f" {_value(asked, name)} → {_value(approved, name)}"),
        ]
    return elements


def _value(arguments: dict[str, Any], name: str) -> str:
    """An argument as JSON, its length bounded: the card holds it in full."""
    if name not in arguments:
        return "(absent)"
    shown = visible(json.dumps(arguments[name], ensure_ascii=False), line_breaks=False).text
    return shown if len(shown) <= REQUEST_QUOTED_MAX else shown[:REQUEST_QUOTED_MAX] + "…"


def _deciders(result: ApprovalResult) -> list[str]:
    """Who decided, in order: for an approved chain everyone whose approval counted, stage by
    stage (the last one alone would hide the manager's part); else the one decider ("" for
    Temporal)."""
    if result.status is ApprovalStatus.APPROVED and result.progress:
        if approvers := [d.user for d in result.progress.counted if d.approved]:
            return approvers
    return [result.decision.decided_by if result.decision else ""]


def _request_named(request: str, names: Mapping[str, str]) -> list[rt.Element]:
    typed = "".join(
        f"@{names.get(p.user_id) or p.label or p.user_id}"
        if isinstance(p, markup.UserMention)
        else markup.plain(p)
        for p in markup.decode(request)
    )
    shown = visible(typed).text
    if len(shown) > REQUEST_QUOTED_MAX:
        return [rt.text(shown[:REQUEST_QUOTED_MAX]), rt.text("…", italic=True)]
    return [rt.text(shown)]


def _code_text(summary: str, names: Mapping[str, str]) -> list[rt.Element]:
    """An executor's summary (our own mrkdwn) with its mentions drawn as names and channels."""
    elements: list[rt.Element] = []
    for part in markup.decode(summary):
        if isinstance(part, markup.ChannelMention):
            elements.append({"type": "channel", "channel_id": part.channel_id})
        elif isinstance(part, markup.UserMention):
            elements.append(rt.text(f"@{names.get(part.user_id) or part.user_id}"))
        else:
            elements.append(rt.text(markup.plain(part)))
    return elements


def _fallback(reply: ThreadReply, names: Mapping[str, str]) -> str:
    """The notification's text: names, never live syntax."""
    lines = []
    for record in reply.records:
        line = f"{OUTCOME_WORDS[record.approval.status]}: {action_title(record.action)}"
        deciders = [names.get(user) or user for user in _deciders(record.approval) if user]
        if deciders and record.approval.status is not ApprovalStatus.EXPIRED:
            line += f" (by {', then '.join(deciders)})"
        lines.append(line)
    words = reply.text.strip()
    text = "; ".join(lines) if lines else words
    if len(text) > 300:
        text = text[:299] + "…"
    return escape(text) or "Countersign answered."
