"""The approval card: what an approver sees, and what it becomes once decided."""

import json
from typing import Any
from urllib.parse import quote

from blocks.limits import (
    BUTTON_VALUE_MAX,
    CONFIRM_TEXT_MAX,
    HEADER_TEXT_MAX,
    MESSAGE_MAX_BLOCKS,
    SECTION_FIELD_TEXT_MAX,
    SECTION_FIELDS_MAX,
    SECTION_TEXT_MAX,
    cut,
)
from blocks.slack_format import escape, mention, slack_date
from workflows.approval_rules import STATUS_EMOJI, decision_line, who_may_decide
from workflows.models import ApprovalCard, ApprovalStatus

APPROVE_ACTION_ID = "approval_approve"
REJECT_ACTION_ID = "approval_reject"
ACTIONS_BLOCK_ID = "approval_actions"

# Header, summary, details, fingerprint and actions take five blocks; the rest may
# hold parameters, with one left for the "more not shown" note.
PARAMETER_SECTIONS_MAX = MESSAGE_MAX_BLOCKS - 6


def workflow_url(temporal_ui_url: str, namespace: str, workflow_id: str) -> str:
    base = temporal_ui_url.rstrip("/")
    return f"{base}/namespaces/{quote(namespace, safe='')}/workflows/{quote(workflow_id, safe='')}"


def action_title(action: str) -> str:
    """`wire_transfer` as people write it: "Wire transfer"."""
    words = action.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def build_approval_card(card: ApprovalCard, workflow_link: str | None = None) -> dict[str, Any]:
    """The `chat.postMessage` / `chat.update` arguments (text and blocks) for a card."""
    request = card.request
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": cut(f"Approval needed: {action_title(request.action)}", HEADER_TEXT_MAX),
            },
        },
        _mrkdwn_section(escape(request.summary)),
        # A parameter that only repeats the summary (approval-only mode's request) is not shown twice.
        *_parameter_sections({k: v for k, v in request.parameters.items() if v != request.summary}),
        {
            "type": "section",
            "fields": [
                _field("Requested by", mention(request.requester)),
                _field("Who may approve", who_may_decide(request)),
                _field("Expires", slack_date(card.expires_at)),
                _field("Fingerprint", f"`{card.fingerprint}`"),
            ],
        },
    ]
    if workflow_link:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"<{workflow_link}|View in Temporal>"}],
            }
        )
    if card.status is ApprovalStatus.PENDING:
        blocks.append(decision_buttons(card.workflow_id, ACTIONS_BLOCK_ID, confirm_summary=request.summary))
    else:
        blocks.append(
            _mrkdwn_section(f"{STATUS_EMOJI[card.status]} {decision_line(card.status, card.decision)}")
        )
    return {"text": cut(_fallback_text(card), SECTION_TEXT_MAX), "blocks": blocks}


def _fallback_text(card: ApprovalCard) -> str:
    # What notifications and screen readers show instead of the blocks.
    if card.status is ApprovalStatus.PENDING:
        return f"Approval needed: {card.request.summary}"
    return f"{card.request.summary}: {decision_line(card.status, card.decision)}"


def _mrkdwn_section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, SECTION_TEXT_MAX)}}


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": cut(f"*{label}*\n{value}", SECTION_FIELD_TEXT_MAX)}


def _parameter_sections(parameters: dict[str, Any]) -> list[dict[str, Any]]:
    fields = [_field(escape(str(name)), escape(_show(value))) for name, value in parameters.items()]
    shown = fields[: PARAMETER_SECTIONS_MAX * SECTION_FIELDS_MAX]
    sections: list[dict[str, Any]] = [
        {"type": "section", "fields": shown[i : i + SECTION_FIELDS_MAX]}
        for i in range(0, len(shown), SECTION_FIELDS_MAX)
    ]
    if hidden := len(fields) - len(shown):
        sections.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"…and {hidden} more parameters not shown here; "
                        "the fingerprint covers all of them.",
                    }
                ],
            }
        )
    return sections


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def decision_buttons(workflow_id: str, block_id: str, confirm_summary: str | None = None) -> dict[str, Any]:
    """Approve and Reject for one approval; the listeners match on the action IDs, and the
    value is the approval's workflow ID. `confirm_summary` adds a confirm dialog to Reject."""
    if len(workflow_id) > BUTTON_VALUE_MAX:
        # Cutting the ID would make the button signal the wrong workflow.
        raise ValueError(f"workflow ID longer than Slack's {BUTTON_VALUE_MAX}-character button value")
    reject: dict[str, Any] = {
        "type": "button",
        "action_id": REJECT_ACTION_ID,
        "text": {"type": "plain_text", "text": "Reject"},
        "style": "danger",
        "value": workflow_id,
    }
    if confirm_summary is not None:
        reject["confirm"] = {
            "title": {"type": "plain_text", "text": "Reject this request?"},
            "text": {"type": "mrkdwn", "text": cut(escape(confirm_summary), CONFIRM_TEXT_MAX)},
            "confirm": {"type": "plain_text", "text": "Reject"},
            "deny": {"type": "plain_text", "text": "Cancel"},
            "style": "danger",
        }
    approve = {
        "type": "button",
        "action_id": APPROVE_ACTION_ID,
        "text": {"type": "plain_text", "text": "Approve"},
        "style": "primary",
        "value": workflow_id,
    }
    return {"type": "actions", "block_id": block_id, "elements": [approve, reject]}
