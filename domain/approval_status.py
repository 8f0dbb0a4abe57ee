"""Where an approval stands, and how long one waits by default.

A module of its own so the policy modules and `models` can both use them: `models`
carries a request's chain, and the chain's modules need the status.
"""

from enum import StrEnum

# A week: long enough for someone back from a weekend, short enough that a
# forgotten request does not sit forever.
DEFAULT_APPROVAL_TIMEOUT_SECONDS = 7 * 24 * 3600


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    """Ended before anyone decided: its conversation ended, or an operator cancelled it."""
    WITHDRAWN = "withdrawn"
    """Taken back by the requester before it was decided (the card's Withdraw button)."""
