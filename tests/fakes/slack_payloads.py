"""Slack's real payloads (tests/fixtures/slack/) with this test's IDs and values put in.

Starting from what Slack actually sends keeps every field a listener might read, not
only the ones a test author remembered.
"""

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

_FIXTURES = Path(__file__).parent.parent / "fixtures/slack"
TEAM = "T0G9PQBBK"
"""The team of the fake's auth.test answer: requests from the bot's own workspace."""


def _fixture(name: str) -> Any:
    return json.loads((_FIXTURES / name).read_text())


def mention_event(
    *, text: str, user: str, channel: str, ts: str, thread_ts: str | None = None, event_id: str | None = None
) -> dict[str, Any]:
    """An `app_mention` event callback as Slack POSTs it in HTTP mode."""
    body = _fixture("app_mention_event_http.json")
    body["team_id"] = TEAM
    body["event_id"] = event_id or f"Ev{ts.replace('.', '')}"
    body["event"].update(
        text=text, user=user, channel=channel, ts=ts, event_ts=ts, team=TEAM, client_msg_id=f"msg-{ts}"
    )
    if thread_ts:
        body["event"]["thread_ts"] = thread_ts
    for authorization in body["authorizations"]:
        authorization["team_id"] = TEAM
    return body


def button_click(
    *,
    action_id: str,
    value: str,
    user: str,
    channel: str,
    message_ts: str,
    thread_ts: str | None = None,
    trigger_id: str = "4916855695380.xxx.yyy",
    block_id: str = "approval_actions",
) -> dict[str, Any]:
    """A `block_actions` payload for a click on a button of a message in `channel`
    (in the thread `thread_ts`, when given), in the block `block_id`."""
    payload = _fixture("block_actions_payload.json")
    payload["user"] = {"id": user, "username": user.lower(), "team_id": TEAM}
    payload["team"] = {"id": TEAM}
    payload["trigger_id"] = trigger_id
    payload["container"].update(channel_id=channel, message_ts=message_ts)
    payload["channel"] = {"id": channel}
    payload["message"]["ts"] = message_ts
    if thread_ts:
        payload["container"]["thread_ts"] = thread_ts
        payload["message"]["thread_ts"] = thread_ts
    action = payload["actions"][0]
    action.update(action_id=action_id, value=value, block_id=block_id)
    payload["actions"] = [action]
    return payload


def view_submission(*, view: dict[str, Any], user: str, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A `view_submission` payload for the modal `view` (as opened), with `values` typed in."""
    payload = _fixture("view_submission_payload.json")
    payload["user"] = {"id": user, "username": user.lower(), "team_id": TEAM}
    payload["team"] = {"id": TEAM, "domain": "workspace-domain"}
    submitted = copy.deepcopy(payload["view"])
    submitted.update(
        blocks=view["blocks"],
        callback_id=view["callback_id"],
        private_metadata=view.get("private_metadata", ""),
        title=view["title"],
        state={"values": values},
    )
    payload["view"] = submitted
    return payload


def slash_command(*, command: str, text: str, user: str, channel: str) -> dict[str, str]:
    """The form fields of a slash command (from slash_command_body.txt)."""
    fields = dict(parse_qsl((_FIXTURES / "slash_command_body.txt").read_text(), keep_blank_values=True))
    fields.update(command=command, text=text, user_id=user, channel_id=channel, team_id=TEAM)
    return fields
