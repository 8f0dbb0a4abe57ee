"""The sandbox draws every emoji shortcode the bot writes, as Slack does, rather than showing
`:raised_hand:` as typed."""

import re
from pathlib import Path

from sandbox.emoji import EMOJI, emojize

ROOT = Path(__file__).resolve().parents[1]
# A shortcode opening or standing alone in a string the bot writes: `":bell: Reminder"`.
WRITTEN = re.compile(r"""["' ]:([a-z][a-z0-9_+-]*):[ "']""")


def shortcodes_the_bot_writes() -> set[str]:
    found = set()
    for folder in ("blocks", "domain", "bot", "activities", "workflows"):
        for source in (ROOT / folder).rglob("*.py"):
            found |= set(WRITTEN.findall(source.read_text()))
    return found


def test_every_shortcode_the_bot_writes_is_drawn():
    written = shortcodes_the_bot_writes()

    assert {"white_check_mark", "raised_hand", "bell"} <= written
    assert sorted(written - EMOJI.keys()) == []
    assert emojize(":raised_hand: Your decision is needed") == "✋ Your decision is needed"
