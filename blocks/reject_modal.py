"""The modal that asks a rejecter why; its submission carries the rejection."""

import json
from dataclasses import asdict, dataclass
from typing import Any

from blocks.limits import SECTION_TEXT_MAX, cut
from blocks.slack_format import escape
from workflows.approval_rules import REASON_REQUIRED

REJECT_REASON_CALLBACK_ID = "approval_reject_reason"
REASON_BLOCK_ID = "reject_reason"
REASON_ACTION_ID = "reason"
# Slack's plain_text_input allows at most 3,000 characters.
REASON_MAX_LENGTH = 3000
REASON_REQUIRED_ERROR = REASON_REQUIRED


@dataclass(frozen=True)
class RejectTarget:
    """Which approval the modal rejects and where its card is; rides in private_metadata."""

    workflow_id: str
    channel: str
    thread_ts: str | None = None
    reason_required: bool = False

    def to_metadata(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_metadata(cls, metadata: str) -> "RejectTarget":
        return cls(**json.loads(metadata))


def build_reject_modal(target: RejectTarget, summary: str) -> dict[str, Any]:
    """The `views.open` view: the request's summary and a reason field."""
    return {
        "type": "modal",
        "callback_id": REJECT_REASON_CALLBACK_ID,
        "private_metadata": target.to_metadata(),
        "title": {"type": "plain_text", "text": "Reject request"},
        "submit": {"type": "plain_text", "text": "Reject"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": cut(f"*Rejecting:* {escape(summary)}", SECTION_TEXT_MAX)},
            },
            {
                "type": "input",
                "block_id": REASON_BLOCK_ID,
                "optional": not target.reason_required,
                "label": {"type": "plain_text", "text": "Why?"},
                "hint": {
                    "type": "plain_text",
                    "text": "The requester sees this on the card and in the thread.",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_ACTION_ID,
                    "multiline": True,
                    "max_length": REASON_MAX_LENGTH,
                },
            },
        ],
    }


def submitted_reason(view: dict[str, Any]) -> str:
    """The reason typed into a submitted modal; empty when left blank."""
    field = view.get("state", {}).get("values", {}).get(REASON_BLOCK_ID, {}).get(REASON_ACTION_ID, {})
    return (field.get("value") or "").strip()
