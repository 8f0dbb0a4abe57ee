"""rich_text elements: text shown exactly as written, never as formatting.

A `text` element is drawn literally by Slack: `*bold*`, `:emoji:`, `<@U…>` and
`<!channel>` stay the characters they are. That makes rich_text the way to show what
people and the model wrote; only the elements built here on purpose (a style, a link,
a date) look like anything else.
"""

from typing import Any

Element = dict[str, Any]


def text(value: str, *, bold: bool = False, italic: bool = False, code: bool = False) -> Element:
    element: Element = {"type": "text", "text": value}
    style = {k: True for k, on in (("bold", bold), ("italic", italic), ("code", code)) if on}
    if style:
        element["style"] = style
    return element


def link(url: str, label: str | None = None) -> Element:
    element: Element = {"type": "link", "url": url}
    if label:
        element["text"] = label
    return element


def date(epoch: int, fallback: str) -> Element:
    """A time each reader sees in their own time zone."""
    return {
        "type": "date",
        "timestamp": epoch,
        "format": "{date_short_pretty} at {time}",
        "fallback": fallback,
    }


def section(*elements: Element) -> Element:
    return {"type": "rich_text_section", "elements": list(elements)}


def preformatted(*elements: Element) -> Element:
    """A code block: a box that shows where a value starts and ends, spaces and all."""
    return {"type": "rich_text_preformatted", "elements": list(elements), "border": 0}


def quote(*elements: Element) -> Element:
    return {"type": "rich_text_quote", "elements": list(elements)}


def block(*containers: Element, block_id: str | None = None) -> dict[str, Any]:
    built: dict[str, Any] = {"type": "rich_text", "elements": list(containers)}
    if block_id:
        built["block_id"] = block_id
    return built


def plain(value: str) -> dict[str, Any]:
    """A plain_text object that shows `:emoji:` codes as typed."""
    return {"type": "plain_text", "text": value, "emoji": False}
