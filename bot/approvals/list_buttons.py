"""Approve / Reject buttons in an `/approvals` list, sealed to the list that showed them.

A click counts only on the approval's own card or in a list that showed it. A card's
message is known to the approval (its ts); a list is ephemeral and Slack never tells its
ts, so its buttons carry the approval's ID sealed with an HMAC over who the list was for
and where it was shown. A button value moved onto another message, or to another
person's click, no longer opens.
"""

import base64
import hashlib
import hmac

PREFIX = "list1."
_MAC_BYTES = 16


class ListButtons:
    def __init__(self, secret: str) -> None:
        # Its own key, derived from a secret the bot already holds in every mode.
        self._key = hashlib.sha256(b"countersign /approvals buttons\0" + secret.encode()).digest()

    def seal(self, workflow_id: str, viewer: str, channel: str) -> str:
        """The button value for `workflow_id` in a list shown to `viewer` in `channel`."""
        return f"{PREFIX}{self._mac(workflow_id, viewer, channel)}.{workflow_id}"

    def open(self, value: str, clicker: str, channel: str) -> str | None:
        """The approval a list button names, if it was sealed for this clicker and channel."""
        mac, _, workflow_id = value.removeprefix(PREFIX).partition(".")
        if not workflow_id or not hmac.compare_digest(mac, self._mac(workflow_id, clicker, channel)):
            return None
        return workflow_id

    def _mac(self, workflow_id: str, viewer: str, channel: str) -> str:
        message = "\0".join((workflow_id, viewer, channel)).encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def is_list_value(value: str) -> bool:
    return value.startswith(PREFIX)
