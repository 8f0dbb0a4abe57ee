"""What an approval keeps in its Temporal memo, so `/approvals` lists it from visibility alone.

Search attributes select approvals; the memo rides along with each listed workflow and
carries what a line of the list shows but no query filters on. Without it, the list
would ask every workflow for its state: a round trip per item.
"""

SUMMARY = "summary"
FINGERPRINT = "fingerprint"
"""The action and arguments' fingerprint: two pending cards alike are told apart by it."""
MESSAGE_TS = "message_ts"
"""The card's ts, set once it is posted: with the channel, the card's permalink."""
EDITS = "edits"
"""Set once an approver edits the arguments: how many edits. A list shows the request's
words, not its arguments, so an edited request is approved on its card."""
ENDED_BY = "ended_by"
"""Set once it is decided: who made the decision that ended it (the last approver, the
rejecter, the requester who withdrew it), or absent (expired, cancelled, through Temporal)."""
ENDED_AT = "ended_at"
"""Set once it is decided: when (ISO 8601), the decision's time or its expiry's."""

# Every listed workflow carries its memo, so a page of the list reads this many
# characters per item at most; the list shows a line, the card shows the whole summary.
SUMMARY_MAX = 500
