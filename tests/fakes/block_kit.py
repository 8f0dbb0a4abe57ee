"""Checks a message's blocks against Slack's published limits, as Slack would on post.

The numbers come from tests/fixtures/slack/block_kit_limits.json (Slack's own SDK and
docs), not from the project's code, so a test cannot pass by sharing a wrong constant.
"""

import json
from pathlib import Path
from typing import Any

_LIMITS = json.loads((Path(__file__).parent.parent / "fixtures/slack/block_kit_limits.json").read_text())


def _limit(group: str, name: str) -> int:
    return _LIMITS[group][name]["value"]


def block_kit_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """Every way `blocks` breaks Slack's limits for a message; empty when Slack accepts it."""
    problems = []
    if len(blocks) > _limit("surface_block_counts", "message_max_blocks"):
        problems.append(f"{len(blocks)} blocks")
    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header" and len(block["text"]["text"]) > _limit("blocks", "header_text_max"):
            problems.append(f"block {i}: header text")
        if kind == "section":
            if "text" in block and len(block["text"]["text"]) > _limit("blocks", "section_text_max"):
                problems.append(f"block {i}: section text")
            fields = block.get("fields", [])
            if len(fields) > _limit("blocks", "section_fields_max_items"):
                problems.append(f"block {i}: {len(fields)} fields")
            for field in fields:
                if len(field["text"]) > _limit("blocks", "section_field_text_max"):
                    problems.append(f"block {i}: field text")
        if kind == "context" and len(block["elements"]) > _limit("blocks", "context_elements_max_items"):
            problems.append(f"block {i}: context elements")
        for element in block.get("elements", []) if kind == "actions" else []:
            if len(element.get("value", "")) > _limit("button_element", "value_max"):
                problems.append(f"block {i}: button value")
            if len(element["text"]["text"]) > _limit("button_element", "text_max"):
                problems.append(f"block {i}: button text")
            confirm = element.get("confirm")
            if confirm and len(confirm["text"]["text"]) > _limit("confirm_dialog", "text_max"):
                problems.append(f"block {i}: confirm text")
    return problems
