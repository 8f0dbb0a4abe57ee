"""Answering Slack before Bolt runs: events, clicks and slash commands are acked at once.

Every listener for these kinds acks with an empty body, so the HTTP answer does not need
to wait for Bolt's dispatch (which polls for the ack every 10 ms and shares the event loop
with other requests' work). Only signed, well-formed requests qualify; everything else —
url_verification, view submissions (their answer can carry field errors), anything odd —
goes through Bolt as usual.
"""

import json
from typing import Any
from urllib.parse import parse_qs

# Interactions whose listeners only ever ack empty; view_submission may answer errors.
_ACK_FIRST_INTERACTIONS = {"block_actions"}


def acks_first(raw_body: str, content_type: str) -> bool:
    """Whether this (already verified) request may be answered 200 before Bolt runs."""
    if content_type == "application/json":
        body = _json(raw_body)
        return (
            isinstance(body, dict)
            and body.get("type") == "event_callback"
            and isinstance(body.get("event"), dict)
        )
    if content_type != "application/x-www-form-urlencoded":
        return False
    form = parse_qs(raw_body)
    if "payload" in form:
        payload = _json(form["payload"][0])
        return (
            isinstance(payload, dict)
            and payload.get("type") in _ACK_FIRST_INTERACTIONS
            and bool(payload.get("actions"))
        )
    # Bolt 1.30 cannot read a slash command whose text holds the word "payload": leave it to Bolt.
    return "command" in form and "payload" not in raw_body


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
