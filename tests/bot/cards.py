"""Reading what the bot posted to the fake Slack: cards, their buttons, ephemerals."""

from typing import Any

from blocks.approval_card import APPROVE_ACTION_ID, EDIT_ACTION_ID, REJECT_ACTION_ID, WITHDRAW_ACTION_ID
from tests.fakes.block_text import reading
from tests.fakes.slack_payloads import button_click
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall

BOT_USER = "W23456789"
"""The bot's user ID in the fake's auth.test answer."""


def cards(slack: FakeSlackWebApi) -> list[SlackCall]:
    """Approval cards posted (messages with Approve/Reject buttons)."""
    return [c for c in slack.calls_to("chat.postMessage") if buttons(c)]


def buttons(call: SlackCall) -> list[dict[str, Any]]:
    return [e for b in call.args.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


def shown(call: SlackCall) -> str:
    return str(call.args.get("blocks", "")) + call.args.get("text", "")


def said(call: SlackCall) -> str:
    """A message as a person reads it: rich_text drawn as text, mrkdwn as written."""
    return reading(call.args.get("blocks", [])) or call.args.get("text", "")


def name(user: str) -> str:
    """How a card or reply names `user`: the fake users.info's display name."""
    return f"@Name of {user}"


def ephemerals_to(slack: FakeSlackWebApi, user: str) -> list[str]:
    return [c.args["text"] for c in slack.calls_to("chat.postEphemeral") if c.args["user"] == user]


def withdraw(card: SlackCall, user: str) -> dict[str, Any]:
    """The block_actions payload of `user` clicking Withdraw on `card` (and confirming)."""
    return click(card, user, approve=None)


def thread_replies(slack: FakeSlackWebApi) -> list[SlackCall]:
    """Messages in a thread that are not cards: the agent's answers."""
    return [c for c in slack.calls_to("chat.postMessage") if c.args.get("thread_ts") and not buttons(c)]


def click(
    card: SlackCall,
    user: str,
    *,
    approve: bool | None,
    trigger_id: str = "4916855695380.xxx.yyy",
) -> dict[str, Any]:
    """The block_actions payload of `user` clicking Approve or Reject on `card` (Withdraw
    when `approve` is None)."""
    wanted = {True: APPROVE_ACTION_ID, False: REJECT_ACTION_ID, None: WITHDRAW_ACTION_ID}[approve]
    return click_button(card, user, wanted, trigger_id=trigger_id)


def edit(card: SlackCall, user: str, trigger_id: str = "4916855695380.xxx.yyy") -> dict[str, Any]:
    """The block_actions payload of `user` clicking Edit & approve on `card`."""
    return click_button(card, user, EDIT_ACTION_ID, trigger_id=trigger_id)


def click_button(card: SlackCall, user: str, wanted: str, *, trigger_id: str) -> dict[str, Any]:
    (block,) = [b for b in card.args.get("blocks", []) if b["type"] == "actions"]
    (button,) = [b for b in block["elements"] if b["action_id"] == wanted]
    return button_click(
        block_id=block["block_id"],
        action_id=wanted,
        value=button["value"],
        user=user,
        channel=card.args["channel"],
        # A click counts only on the approval's own card: the message Slack answered with.
        message_ts=card.response["ts"],
        thread_ts=card.args.get("thread_ts"),
        trigger_id=trigger_id,
    )


def edit_values(view: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`view.state.values` of an edit modal as Slack sends it on Submit: every input as the
    modal opened it, with `changes` (argument name → what was typed or chosen) over them."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, name = block["element"], block["block_id"].removeprefix("edit_")
        if element["type"] == "static_select":
            chosen = changes.get(name, (element.get("initial_option") or {}).get("value"))
            option = next((o for o in element["options"] if o["value"] == chosen), None)
            entry = {"type": "static_select", "selected_option": option}
        else:
            entry = {"type": element["type"], "value": changes.get(name, element.get("initial_value"))}
        values[block["block_id"]] = {"value": entry}
    return values
