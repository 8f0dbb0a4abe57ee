""" "Show full details": the whole request in a modal, when the card cannot hold it all.

Opened by the bot from the card's button; it shows every argument in full, whatever the
card had room for. Read-only: deciding stays on the card, where the click is checked.
"""

from typing import Any

from blocks import rich_text as rt
from blocks.approval_card import OUTCOME_WORDS, action_title
from blocks.request_blocks import LEGEND, piece_block, shows_markers
from blocks.request_view import request_pieces
from domain.models import Approval
from domain.slack_text import mention

DETAILS_CALLBACK_ID = "approval_details"


def details_blocks(state: Approval) -> list[dict[str, Any]]:
    """The request, every piece in full: the details modal's body, and the reject modal's."""
    request = state.request
    asked = request.parameters if state.edits else None
    pieces = request_pieces(request.summary, state.parameters, in_modal=True, asked=asked)
    heading = (
        f"*{action_title(request.action)}* requested by {mention(request.requester)} · "
        f"{OUTCOME_WORDS[state.status].lower()} · fingerprint `{state.fingerprint}`"
        + (" (edited before approving)" if state.edits else "")
    )
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": heading}}]
    blocks += [piece_block(piece) for piece in pieces]
    if shows_markers(pieces):
        blocks.append({"type": "context", "elements": [rt.plain(LEGEND)]})
    return blocks


def build_details_modal(state: Approval) -> dict[str, Any]:
    """The `views.open` view for one approval."""
    return {
        "type": "modal",
        "callback_id": DETAILS_CALLBACK_ID,
        "title": rt.plain("Request details"),
        "close": rt.plain("Close"),
        "blocks": details_blocks(state),
    }
