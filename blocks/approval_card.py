"""The approval card: what an approver sees, and what it becomes once decided.

Everything people or the model wrote (the request, the arguments, a rejection's
reason, an executor's error) is drawn inert by rich_text; the mrkdwn here is only
ours: labels, mentions of the requester and approvers, dates and links.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from blocks import approval_card_chain as chained
from blocks import rich_text as rt
from blocks.limits import BUTTON_VALUE_MAX, HEADER_TEXT_MAX, cut
from blocks.request_blocks import LEGEND, beyond_card, piece_block, piece_only_in_details, shows_markers
from blocks.request_view import Layout, layout, request_pieces
from domain.approval_edits import changed
from domain.approval_rules import STATUS_EMOJI, decision_line, who_may_decide
from domain.fingerprint import fingerprint
from domain.models import Approval, ApprovalRequest, ApprovalStatus, Edit
from domain.slack_text import escape, mention, slack_date

APPROVE_ACTION_ID = "approval_approve"
REJECT_ACTION_ID = "approval_reject"
DETAILS_ACTION_ID = "approval_details"
WITHDRAW_ACTION_ID = "approval_withdraw"
EDIT_ACTION_ID = "approval_edit"
ACTIONS_BLOCK_ID = "approval_actions"
# After an edit the buttons' block is named for the version drawn ("approval_actions.v2"):
# Slack sends the block_id with each click, so an approval counts for the version seen.
VERSION_SEPARATOR = ".v"

OUTCOME_WORDS = {
    ApprovalStatus.PENDING: "Approval needed",
    ApprovalStatus.APPROVED: "Approved",
    ApprovalStatus.REJECTED: "Rejected",
    ApprovalStatus.EXPIRED: "Expired",
    ApprovalStatus.CANCELLED: "Cancelled",
    ApprovalStatus.WITHDRAWN: "Withdrawn",
}
APPROVAL_ONLY_NOTE = (
    ":information_source: *Approval only:* nothing runs automatically. "
    "The decision is recorded and the requester is told in the thread."
)


@dataclass(frozen=True)
class Duplicate:
    """Another pending card in the channel with the same action and arguments."""

    permalink: str | None = None


def workflow_url(temporal_ui_url: str, namespace: str, workflow_id: str) -> str:
    base = temporal_ui_url.rstrip("/")
    return f"{base}/namespaces/{quote(namespace, safe='')}/workflows/{quote(workflow_id, safe='')}"


def action_title(action: str) -> str:
    """`wire_transfer` as people write it: "Wire transfer"."""
    words = action.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def card_layout(
    request: ApprovalRequest, names: Mapping[str, str] | None = None, edits: list[Edit] | None = None
) -> Layout:
    """How the card shows `request`: as asked, or as last edited with what was asked beside."""
    if edits:
        return _edited_layout(request, edits[-1].parameters, names)
    return layout(request_pieces(request.summary, request.parameters, names))


def edit_problem(request: ApprovalRequest, arguments: dict[str, Any]) -> str | None:
    """Why `request` edited to `arguments` must not count: no card could show it in full."""
    if problem := _edited_layout(request, arguments).problem:
        return f"The edited request cannot be shown on its card in full: {problem}."
    return None


def _edited_layout(
    request: ApprovalRequest, arguments: dict[str, Any], names: Mapping[str, str] | None = None
) -> Layout:
    return layout(request_pieces(request.summary, arguments, names, asked=request.parameters))


def actions_block_id(version: int) -> str:
    return f"{ACTIONS_BLOCK_ID}{VERSION_SEPARATOR}{version}" if version else ACTIONS_BLOCK_ID


def version_clicked(block_id: str | None) -> int | None:
    """The version a card's button was drawn for, from its block_id; None when it is not
    a card's (a list's buttons)."""
    if block_id == ACTIONS_BLOCK_ID:
        return 0
    prefix = ACTIONS_BLOCK_ID + VERSION_SEPARATOR
    if block_id and block_id.startswith(prefix) and block_id[len(prefix) :].isdigit():
        return int(block_id[len(prefix) :])
    return None


def build_approval_card(
    card: Approval,
    workflow_link: str | None = None,
    *,
    names: Mapping[str, str] | None = None,
    duplicate: Duplicate | None = None,
) -> dict[str, Any]:
    """The `chat.postMessage` / `chat.update` arguments (text and blocks) for a card.

    `names` maps user IDs to display names: mentions in the request are drawn as names
    (never live pings) and the notification text names people. Raises ValueError when
    the request cannot be shown in full: it must not be posted.
    """
    request = card.request
    names = names or {}
    shown = card_layout(request, names, card.edits)
    if shown.problem:
        raise ValueError(f"The request cannot be shown in full: {shown.problem}")
    title = action_title(request.action)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": rt.plain(cut(f"{OUTCOME_WORDS[card.status]}: {title}", HEADER_TEXT_MAX))}
    ]
    if request.approval_only:
        blocks.append(_context(APPROVAL_ONLY_NOTE))
    if card.edits:
        blocks.append(_context(_edited_note(card)))
    for i, (piece, on_card) in enumerate(zip(shown.pieces, shown.on_card, strict=True)):
        if on_card:
            blocks.append(piece_block(piece))
        elif i not in shown.beyond_card:
            blocks.append(piece_only_in_details(piece))
    if shown.beyond_card:
        blocks.append(beyond_card([shown.pieces[i].label for i in shown.beyond_card]))
    if shows_markers(shown.pieces):
        blocks.append({"type": "context", "elements": [rt.plain(LEGEND)]})
    blocks.append({"type": "section", "fields": _fields(card)})
    if stages := chained.chain_and_progress(card):
        blocks += [_context(note) for note in chained.pending_notes(card, *stages)]
    blocks += _decision_blocks(card)
    if duplicate and card.status is ApprovalStatus.PENDING:
        blocks.append(_context(_duplicate_note(duplicate)))
    if workflow_link:
        blocks.append(_context(f"<{workflow_link}|View in Temporal>"))
    buttons = decision_buttons(card.workflow_id) if card.status is ApprovalStatus.PENDING else []
    if card.status is ApprovalStatus.PENDING and card.editable:
        buttons.insert(1, edit_button(card.workflow_id))
    if shown.needs_details:
        buttons.append(details_button(card.workflow_id))
    if card.status is ApprovalStatus.PENDING:
        # A channel message shows everyone the same buttons: the approval lets only the
        # requester withdraw, and tells anyone else why.
        buttons.append(withdraw_button(card.workflow_id))
    if buttons:
        blocks.append({"type": "actions", "block_id": actions_block_id(card.version), "elements": buttons})
    return {"text": fallback_text(card, names), "blocks": blocks}


def fallback_text(card: Approval, names: Mapping[str, str]) -> str:
    """What notifications and screen readers show: what, asked by whom, who decides, in
    names only (no live mention, nothing the requester wrote)."""
    request = card.request
    requester = _name(names, request.requester)
    line = f"{OUTCOME_WORDS[card.status]}: {action_title(request.action)}, requested by {requester}"
    if card.status is ApprovalStatus.PENDING:
        stages = chained.chain_and_progress(card)
        who = chained.who_by_name(*stages, names) if stages else _who_by_name(request, names)
        return escape(f"{line}. {who} may decide.")
    if card.decision and card.decision.decided_by:
        verb = OUTCOME_WORDS[card.status].lower()
        return escape(f"{line}; {verb} by {_name(names, card.decision.decided_by)}.")
    return escape(f"{line}.")


def decision_buttons(workflow_id: str, value: str | None = None) -> list[dict[str, Any]]:
    """Approve and Reject for one approval; the listeners match on the action IDs. The
    value is the approval's workflow ID (or, in a list, a value naming it and the list)."""
    value = value or workflow_id
    if len(value) > BUTTON_VALUE_MAX:
        # Cutting the ID would make the button signal the wrong workflow.
        raise ValueError(f"button value longer than Slack's {BUTTON_VALUE_MAX} characters")
    reject = {
        "type": "button",
        "action_id": REJECT_ACTION_ID,
        "text": rt.plain("Reject"),
        "style": "danger",
        "value": value,
        "confirm": {
            "title": rt.plain("Reject this request?"),
            "text": rt.plain("You will be asked why; the requester sees your reason."),
            "confirm": rt.plain("Reject"),
            "deny": rt.plain("Cancel"),
            "style": "danger",
        },
    }
    approve = {
        "type": "button",
        "action_id": APPROVE_ACTION_ID,
        "text": rt.plain("Approve"),
        "style": "primary",
        "value": value,
    }
    return [approve, reject]


def withdraw_button(workflow_id: str, value: str | None = None) -> dict[str, Any]:
    """Withdraw, for the requester to take a pending request back; its value is like
    Approve's (the workflow ID, or in a list a value sealed to it)."""
    value = value or workflow_id
    if len(value) > BUTTON_VALUE_MAX:
        raise ValueError(f"button value longer than Slack's {BUTTON_VALUE_MAX} characters")
    return {
        "type": "button",
        "action_id": WITHDRAW_ACTION_ID,
        "text": rt.plain("Withdraw"),
        "value": value,
        "confirm": {
            "title": rt.plain("Withdraw this request?"),
            "text": rt.plain(
                "Only the person who asked can withdraw it. Nothing will run, and the thread is told."
            ),
            "confirm": rt.plain("Withdraw"),
            "deny": rt.plain("Keep it"),
        },
    }


def edit_button(workflow_id: str) -> dict[str, Any]:
    """ "Edit & approve", where the policy allows it: opens a modal of the arguments."""
    return {
        "type": "button",
        "action_id": EDIT_ACTION_ID,
        "text": rt.plain("Edit & approve"),
        "value": workflow_id,
    }


def details_button(workflow_id: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": DETAILS_ACTION_ID,
        "text": rt.plain("Show full details"),
        "value": workflow_id,
    }


def _fields(card: Approval) -> list[dict[str, str]]:
    request = card.request
    stages = chained.chain_and_progress(card)
    fields = [_field("Requested by", mention(request.requester))]
    if stages is None:
        fields.append(_field("Who may approve", who_may_decide(request)))
    elif card.status is ApprovalStatus.PENDING:
        fields.append(_field("Who may approve", chained.who_may_decide_now(*stages)))
    if stages and chained.has_stages(stages[0]):
        # Decided cards keep it: who approved each stage, where a rejection stopped it.
        fields.append(_field("Stages", chained.stages_line(*stages)))
    if card.status is ApprovalStatus.PENDING and stages:
        fields.append(_field(*chained.deadline_field(card, *stages)))
    elif card.status is ApprovalStatus.PENDING:
        fields.append(_field("Expires", slack_date(card.expires_at)))
    elif card.status is ApprovalStatus.EXPIRED:
        fields.append(_field("Decided", f"Expired at {slack_date(card.expires_at)}: nobody decided in time"))
    else:
        # Who decided and when takes the expiry's place: the deadline no longer matters.
        fields.append(_field("Decided", decision_line(card.status, card.decision)))
    if card.edits:
        asked = fingerprint(card.request.action, card.request.parameters)
        fields.append(_field("Fingerprint", f"`{card.fingerprint}` (edited; as asked `{asked}`)"))
    else:
        fields.append(_field("Fingerprint", f"`{card.fingerprint}`"))
    return fields


def _edited_note(card: Approval) -> str:
    """Who edited what, and what that did to approvals given before."""
    last = card.edits[-1]
    # Counted, not named: names are drawn inert with their values below, marked edited.
    count = len(changed(card.request.parameters, last.parameters))
    what = "1 argument differs" if count == 1 else f"{count} arguments differ"
    what += " from what was asked"
    editors = list(dict.fromkeys(e.user for e in card.edits))
    by = " and ".join(mention(u) for u in editors[:5])
    line = f":pencil2: *Edited before approving* by {by} (last at {slack_date(last.edited_at)}): {what}"
    if _superseded_approvals(card):
        line += ". Approvals given before the edit were for other arguments and do not count"
    return line + ". What runs is the edited version shown here."


def _decision_blocks(card: Approval) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if card.status is not ApprovalStatus.PENDING:
        blocks.append(_context(f"{STATUS_EMOJI[card.status]} {_outcome_sentence(card)}"))
    if card.decision and card.decision.reason:
        blocks.append(
            rt.block(rt.section(rt.text("Reason", bold=True)), rt.quote(rt.text(card.decision.reason)))
        )
    if execution := card.execution:
        when = slack_date(execution.finished_at)
        if execution.succeeded:
            blocks.append(_context(f":outbox_tray: *Done* at {when}: {execution.summary}"))
        else:
            blocks.append(
                _context(f":warning: *Approved, but it failed to run* at {when}. It may not have happened.")
            )
            blocks.append(rt.block(rt.preformatted(rt.text(execution.error or "no error was given"))))
    return blocks


def _outcome_sentence(card: Approval) -> str:
    match card.status:
        case ApprovalStatus.APPROVED if card.request.approval_only:
            return "Approved. Nothing runs automatically; the requester is told in the thread."
        case ApprovalStatus.APPROVED:
            return "Approved: it runs with exactly these arguments, once."
        case ApprovalStatus.REJECTED:
            return "Rejected: nothing was run."
        case ApprovalStatus.EXPIRED:
            return "Expired: nobody decided in time, so nothing was run."
        case ApprovalStatus.WITHDRAWN:
            return "Withdrawn by the requester before anyone decided it: nothing was run."
        case _:
            return "Cancelled before anyone decided; nothing will run."


def _duplicate_note(duplicate: Duplicate) -> str:
    where = f" (<{duplicate.permalink}|the request above>)" if duplicate.permalink else ""
    return (
        f":warning: *Same as the request above, still pending*{where}: the same action and "
        "arguments. Make sure this is not asking for it twice."
    )


def _superseded_approvals(card: Approval) -> bool:
    progress = card.progress
    return bool(progress and any(d.approved for d in progress.decisions[: progress.superseded]))


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": f"*{label}*\n{value}"}


def _context(mrkdwn: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def _name(names: Mapping[str, str], user: str) -> str:
    return names.get(user) or user


def _who_by_name(request: ApprovalRequest, names: Mapping[str, str]) -> str:
    if not request.approvers:
        return f"Anyone but {_name(names, request.requester)}"
    others = [u for u in request.approvers if u != request.requester]
    if not others:
        return "Nobody (only the requester is named)"
    shown = [_name(names, u) for u in others[:5]]
    if len(others) > 5:
        return f"{', '.join(shown)} and {len(others) - 5} others"
    return " or ".join([", ".join(shown[:-1]), shown[-1]]) if len(shown) > 1 else shown[0]
