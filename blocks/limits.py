"""Slack's Block Kit limits (see tests/fixtures/slack/block_kit_limits.json) and a cutter.

Anything over a limit is cut with a visible marker: Slack rejects the whole message
(`invalid_blocks`) when one field is too long, and an approval card must always post.
"""

MESSAGE_MAX_BLOCKS = 50
HEADER_TEXT_MAX = 150
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2000
CONTEXT_ELEMENTS_MAX = 10
BUTTON_VALUE_MAX = 2000
CONFIRM_TEXT_MAX = 300

CUT_MARKER = "… [cut]"


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(CUT_MARKER)] + CUT_MARKER
