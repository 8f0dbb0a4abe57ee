"""Slack's Block Kit limits (see tests/fixtures/slack/block_kit_limits.json) and our budgets.

What people or the model wrote is never cut: it is shown in full on the card, in full
in the details modal, or the request is refused before any card. `cut` is only for
text we wrote ourselves (a header, a list of names), where the marker says so.
"""

MESSAGE_MAX_BLOCKS = 50
MODAL_MAX_BLOCKS = 100
HEADER_TEXT_MAX = 150
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2000
CONTEXT_ELEMENTS_MAX = 10
BUTTON_VALUE_MAX = 2000
CONFIRM_TEXT_MAX = 300
MODAL_TITLE_MAX = 24
PRIVATE_METADATA_MAX = 3000

# Slack publishes no limit for one rich_text element; we hold each to the section text
# limit, the largest any text object has.
TEXT_ELEMENT_MAX = 3000
# Slack refuses a message whose blocks hold about 13,200 characters in all
# (msg_blocks_too_long, slackapi/bolt-js#2509), below the 40,000 of a message's text. The
# card's own text (names, dates, links, warnings) takes up to about 3,000; the request
# and its arguments get the rest of a safe 11,000.
CARD_REQUEST_BUDGET = 8000
# Arguments shown on the card, one block each; the card's own blocks take about ten.
CARD_PARAMETERS_MAX = 30
# The details modal holds what the card cannot; no view limit on text is published, so
# it keeps to the size a message is known to hold.
DETAILS_REQUEST_BUDGET = 12000

CUT_MARKER = "… [cut]"


def escaped_length(text: str) -> int:
    """The length Slack counts: `&`, `<` and `>` are sent as `&amp;`, `&lt;` and `&gt;`."""
    return len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def cut(text: str, limit: int) -> str:
    """Our own text, shortened with a visible marker; never for what people or the model wrote."""
    if len(text) <= limit:
        return text
    return text[: limit - len(CUT_MARKER)] + CUT_MARKER
