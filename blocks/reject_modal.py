"""The modal that asks a rejecter why, showing what they reject; its submission rejects."""

import json
from dataclasses import asdict, dataclass
from typing import Any

from blocks import rich_text as rt
from blocks.details_modal import details_blocks
from domain.approval_rules import REASON_REQUIRED
from domain.models import Approval

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
    message_ts: str | None = None
    """The card the Reject button was clicked on (None: in an `/approvals` list)."""
    from_list: bool = False

    def to_metadata(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_metadata(cls, metadata: str) -> "RejectTarget":
        return cls(**json.loads(metadata))


def build_reject_modal(target: RejectTarget, state: Approval | None) -> dict[str, Any]:
    """The `views.open` view: what is being rejected, in full, and a reason field.

    `state` is None when the approval could not say in time; the modal then only asks why.
    """
    shown = (
        details_blocks(state) if state else [{"type": "section", "text": rt.plain("Rejecting this request.")}]
    )
    return {
        "type": "modal",
        "callback_id": REJECT_REASON_CALLBACK_ID,
        "private_metadata": target.to_metadata(),
        "title": {"type": "plain_text", "text": "Reject request"},
        "submit": {"type": "plain_text", "text": "Reject"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            *shown,
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
