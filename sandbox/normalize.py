"""What Slack adds to blocks it accepts, so the sandbox stores and echoes the same.

Slack gives every block a `block_id` and every interactive element an `action_id`
when the app left them out (clicks and modal state are keyed by them), and spells out
defaults: `emoji: true` on plain_text, `verbatim: false` on mrkdwn, `optional: false`
and `dispatch_action: false` on inputs.
"""

import copy
from typing import Any

from sandbox import ids


def with_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    blocks = copy.deepcopy(blocks)
    _spell_out_text_defaults(blocks)
    for block in blocks:
        block.setdefault("block_id", ids.block_id())
        if block.get("type") == "input":
            block.setdefault("optional", False)
            block.setdefault("dispatch_action", False)
        for element in _interactive_elements(block):
            element.setdefault("action_id", ids.block_id())
    return blocks


def find_element(blocks: list[dict[str, Any]], block_id: str, action_id: str) -> dict[str, Any] | None:
    """The element clicked, with its block's block_id added (as block_actions carries it)."""
    for block in blocks:
        if block.get("block_id") != block_id:
            continue
        for element in _interactive_elements(block):
            if element.get("action_id") == action_id:
                return {**element, "block_id": block_id}
    return None


def _interactive_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    kind = block.get("type")
    if kind == "actions":
        return [e for e in block.get("elements", []) if isinstance(e, dict)]
    if kind == "section" and isinstance(block.get("accessory"), dict):
        return [] if block["accessory"].get("type") == "image" else [block["accessory"]]
    if kind == "input" and isinstance(block.get("element"), dict):
        return [block["element"]]
    return []


def _spell_out_text_defaults(part: Any) -> None:
    if isinstance(part, list):
        for item in part:
            _spell_out_text_defaults(item)
    elif isinstance(part, dict):
        if part.get("type") == "plain_text" and isinstance(part.get("text"), str):
            part.setdefault("emoji", True)
        elif part.get("type") == "mrkdwn" and isinstance(part.get("text"), str):
            part.setdefault("verbatim", False)
        for value in part.values():
            _spell_out_text_defaults(value)
