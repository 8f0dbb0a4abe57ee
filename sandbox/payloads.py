"""What Slack sends the bot, built from what happened in the sandbox.

Shapes follow Slack's own payloads (the fixtures under tests/fixtures/slack/ and the
tests that compare against them): Events API envelopes, `block_actions`,
`view_submission` / `view_closed`, and slash command forms.
"""

import html
import re
import time
from typing import Any

from sandbox import ids
from sandbox.directory import APP_ID, BOT, CHANNEL, TEAM_DOMAIN, TEAM_ID, VERIFICATION_TOKEN, Person
from sandbox.messages import Message

# A mention `<@U…>` or a broadcast `<!here>` in what a person typed (sandbox.composer).
_MENTION = re.compile(r"<(?:@([A-Z0-9]+)|!(channel|here|everyone))(?:\|[^>]*)?>")


def app_mention_envelope(message: Message, event_id: str | None = None) -> dict[str, Any]:
    """The `event_callback` Slack POSTs when `message` mentions the bot."""
    event: dict[str, Any] = {
        "client_msg_id": f"sandbox-{message.ts}",
        "type": "app_mention",
        "text": message.text,
        "user": message.user,
        "ts": message.ts,
        "blocks": rich_text_blocks(message.text),
        "team": TEAM_ID,
        "channel": message.channel,
        "event_ts": message.ts,
    }
    if message.thread_ts and message.thread_ts != message.ts:
        event["thread_ts"] = message.thread_ts
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or ids.event_id(),
        "event_time": int(float(message.ts)),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT.id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-sandbox-{TEAM_ID}-{message.channel}",
    }


def rich_text_blocks(text: str) -> list[dict[str, Any]]:
    """The rich_text block Slack's client attaches to what a person typed: its words as
    `text` elements, each mention a `user` element, each broadcast a `broadcast` one."""
    elements: list[dict[str, Any]] = []
    position = 0
    for match in _MENTION.finditer(text):
        if match.start() > position:
            elements.append({"type": "text", "text": html.unescape(text[position : match.start()])})
        user_id, broadcast = match.groups()
        elements.append(
            {"type": "user", "user_id": user_id} if user_id else {"type": "broadcast", "range": broadcast}
        )
        position = match.end()
    if position < len(text):
        elements.append({"type": "text", "text": html.unescape(text[position:])})
    return [
        {
            "type": "rich_text",
            "block_id": ids.block_id(),
            "elements": [{"type": "rich_text_section", "elements": elements}],
        }
    ]


def block_actions_payload(
    user: Person,
    action: dict[str, Any],
    *,
    trigger_id: str,
    response_url: str | None,
    message: Message | None = None,
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A click on `action` (the element, with its block_id) in a message or in a modal."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
    }
    if message is not None:
        container: dict[str, Any] = {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": message.channel,
            "is_ephemeral": message.ephemeral,
        }
        if message.thread_ts and message.thread_ts != message.ts:
            container["thread_ts"] = message.thread_ts
        payload["container"] = container
    elif view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
    payload |= {
        "trigger_id": trigger_id,
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if message is not None:
        payload["channel"] = {"id": message.channel, "name": CHANNEL.name}
        # Slack leaves `message` out for ephemeral messages: it does not keep them.
        if not message.ephemeral:
            payload["message"] = message.to_slack()
        payload["state"] = {"values": {}}
        payload["response_url"] = response_url
    if view is not None:
        payload["view"] = view
    payload["actions"] = [_clicked(action)]
    return payload


def view_submission_payload(user: Person, view: dict[str, Any], trigger_id: str) -> dict[str, Any]:
    """A modal's Submit: the view as shown, with `state.values` holding what was typed."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": view,
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }


def view_closed_payload(user: Person, view: dict[str, Any]) -> dict[str, Any]:
    """Sent only for views opened with `notify_on_close`: the person closed the modal."""
    return {
        "type": "view_closed",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "view": view,
        "is_cleared": False,
        "enterprise": None,
        "is_enterprise_install": False,
    }


def slash_command_form(
    user: Person, command: str, text: str, *, response_url: str, trigger_id: str
) -> dict[str, str]:
    """The form fields of a slash command, in the order Slack sends them."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": CHANNEL.id,
        "channel_name": CHANNEL.name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def _user(user: Person) -> dict[str, str]:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": TEAM_ID}


def _clicked(element: dict[str, Any]) -> dict[str, Any]:
    action = {
        "action_id": element.get("action_id"),
        "block_id": element.get("block_id"),
        "text": element.get("text"),
        "value": element.get("value"),
        "type": element.get("type"),
        "action_ts": f"{time.time():.6f}",
    }
    if "style" in element:
        action["style"] = element["style"]
    if "url" in element:
        action["url"] = element["url"]
    return {k: v for k, v in action.items() if v is not None}
