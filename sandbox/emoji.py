"""The few emoji shortcodes a bot like this uses, drawn as the characters Slack shows."""

import re

EMOJI = {
    "+1": "👍",
    "arrow_double_up": "⏫",
    "bell": "🔔",
    "eyes": "👀",
    "grey_question": "❔",
    "heavy_check_mark": "✔️",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "inbox_tray": "📥",
    "information_source": "ℹ️",
    "leftwards_arrow_with_hook": "↩️",
    "lock": "🔒",
    "memo": "📝",
    "moneybag": "💰",
    "no_entry": "⛔",
    "no_entry_sign": "🚫",
    "outbox_tray": "📤",
    "pencil2": "✏️",
    "raised_hand": "✋",
    "robot_face": "🤖",
    "rotating_light": "🚨",
    "tada": "🎉",
    "thumbsup": "👍",
    "warning": "⚠️",
    "wave": "👋",
    "white_check_mark": "✅",
    "x": "❌",
}

_SHORTCODE = re.compile(r":([a-z0-9_+\-]+):")


def emojize(text: str) -> str:
    """`:eyes:` → 👀; an unknown shortcode stays as typed, as Slack shows a custom one it lacks."""
    return _SHORTCODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def emoji(name: str) -> str:
    return EMOJI.get(name, f":{name}:")
