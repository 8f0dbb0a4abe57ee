"""Reading a message's blocks the way a person (or Slack's parser) meets them.

Slack gives `<@U…>`, `<!channel>`, `<url|label>` and `*bold*` their meaning only in mrkdwn
text objects (and a message's top-level `text`); rich_text `text` elements and plain_text
are drawn literally. These helpers pull out each kind, so a test can say where live
syntax may appear and read back exactly what a value looks like.
"""

import re
from typing import Any

_MARKER = re.compile(r"⟨U\+([0-9A-F]{4,6})⟩")


def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    """Every piece of text in which Slack syntax is live: the top-level text (what
    notifications show) and every mrkdwn text object in the blocks."""
    found = [message["text"]] if message.get("text") else []
    _walk(message.get("blocks", []), lambda obj: obj.get("type") == "mrkdwn" and found.append(obj["text"]))
    return found


def live_tokens(message: dict[str, Any]) -> list[str]:
    """Every `<…>` token Slack would act on: mentions, broadcasts, channels, links, dates."""
    return [token for text in mrkdwn_texts(message) for token in re.findall(r"<[^<>]*>", text)]


def runs(blocks: list[dict[str, Any]]) -> list[str]:
    """The text of each rich_text container (section, quote, preformatted), elements joined."""
    found: list[str] = []

    def visit(obj: dict[str, Any]) -> None:
        if obj.get("type") in ("rich_text_section", "rich_text_quote", "rich_text_preformatted"):
            found.append("".join(_element_text(e) for e in obj.get("elements", [])))

    _walk(blocks, visit)
    return found


def reading(blocks: list[dict[str, Any]]) -> str:
    """Everything a reader sees, in order, one block a line (mrkdwn left as written)."""
    lines: list[str] = []
    for block in blocks:
        parts: list[str] = []

        def visit(obj: dict[str, Any], parts: list[str] = parts) -> None:
            kind = obj.get("type")
            if kind in ("mrkdwn", "plain_text"):
                parts.append(obj["text"])
            elif kind in ("rich_text_section", "rich_text_quote", "rich_text_preformatted"):
                parts.append("".join(_element_text(e) for e in obj.get("elements", [])))

        _walk([block], visit)
        lines.append(" ".join(parts))
    return "\n".join(lines)


def original(shown: str) -> str:
    """A value as it runs, from how the card shows it: markers back to the characters
    they stand for, `↵` line breaks back to line breaks."""
    return _MARKER.sub(lambda m: chr(int(m.group(1), 16)), shown.replace("↵\n", "\n"))


def text_length(blocks: list[dict[str, Any]]) -> int:
    """All the characters of text in the blocks, as msg_blocks_too_long counts them."""
    total = 0

    def visit(obj: dict[str, Any]) -> None:
        nonlocal total
        if isinstance(obj.get("text"), str):
            total += len(obj["text"])

    _walk(blocks, visit)
    return total


def _element_text(element: dict[str, Any]) -> str:
    match element.get("type"):
        case "text":
            return element["text"]
        case "link":
            return element.get("text") or element["url"]
        case "user":
            return f"@{element['user_id']}"
        case "channel":
            return f"#{element['channel_id']}"
        case "emoji":
            return f":{element['name']}:"
        case "date":
            return element.get("fallback", "")
        case "broadcast":
            return f"@{element['range']}"
    return ""


def _walk(node: Any, visit: Any) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            if isinstance(value, dict | list):
                _walk(value, visit)
    elif isinstance(node, list):
        for item in node:
            _walk(item, visit)


def _label(elements: list[dict[str, Any]]) -> str | None:
    """An argument's label: its name in bold; on an edited request, the name and what the
    edit did to it ("amount · edited", "amount · as asked"), an emoji aside."""
    parts = [e for e in elements if e.get("type") != "emoji" and e != {"type": "text", "text": " "}]
    if any(e.get("type") != "text" for e in parts):
        return None
    bold, italic = {"bold": True}, {"italic": True}
    if len(parts) == 1 and parts[0].get("style") == bold:
        return parts[0]["text"]
    if (
        len(parts) == 2
        and parts[0].get("style") in (bold, italic)
        and parts[1].get("style") == italic
        and parts[1]["text"].startswith(" · ")
    ):
        return parts[0]["text"] + parts[1]["text"]
    return None


def arguments_shown(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Each argument the blocks show in full, by its label: the text of its value box
    ("" for an empty value, which is drawn as "(empty)" beside its label). An edited
    request's labels say which value runs and which was asked ("amount · as asked")."""
    shown: dict[str, str] = {}
    for block in blocks:
        containers = block.get("elements", []) if block.get("type") == "rich_text" else []
        if len(containers) < 2 or containers[0]["type"] != "rich_text_section":
            continue
        if (label := _label(containers[0]["elements"])) is None:
            continue
        value = containers[1]
        if value["type"] == "rich_text_preformatted":
            shown[label] = "".join(_element_text(e) for e in value["elements"])
        elif value["elements"] == [{"type": "text", "text": "(empty)", "style": {"italic": True}}]:
            shown[label] = ""
    return shown
