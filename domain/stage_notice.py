"""A direct message to someone a stage waits on: it is their turn, a reminder, an escalation."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class NoticeKind(StrEnum):
    TURN = "turn"
    """The stage starts and they may decide it."""
    REMINDER = "reminder"
    """The stage still waits for them."""
    ESCALATED = "escalated"
    """The stage passed its deadline and now comes to them too."""


@dataclass
class StageNotice:
    user: str
    """Slack user ID: the DM goes to them (chat.postMessage with their ID as the channel)."""
    kind: NoticeKind
    action: str
    requester: str
    stage: str
    """The stage's name; empty for a one-stage policy, which has no stages to speak of."""
    deadline: datetime
    channel: str
    message_ts: str
    """The card's: the DM links to it."""
    edited_by: str | None = None
    """Who last edited the arguments before approving, when anyone did: the card shows both
    versions, and the DM says to look."""
