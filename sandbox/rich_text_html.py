"""rich_text blocks to HTML, as the Slack client draws them.

A `text` element is shown exactly as written: no mrkdwn, so `*x*`, `<@U1>`, `<!channel>`
and `:eyes:` stay the characters they are. Only the elements meant to (user, channel,
broadcast, emoji, link, date) look like anything else. Anything the sandbox does not
draw is a visible placeholder naming its type, never dropped.
"""

import html
from datetime import UTC, datetime
from typing import Any

from sandbox.directory import display_name
from sandbox.emoji import emoji
from sandbox.mrkdwn import safe_link

# Slack draws nested bullets and numbers differently at each indent level, in turn.
_BULLETS = ("disc", "circle", "square")
_NUMBERS = ("decimal", "lower-alpha", "lower-roman")
_INDENT_PX = 24
_STYLE_TAGS = (("code", "code"), ("bold", "strong"), ("italic", "em"), ("strike", "s"), ("underline", "u"))


def rich_text_html(block: dict[str, Any]) -> str:
    """The inside of a rich_text block: its sections, code blocks, quotes and lists."""
    return "".join(_container(c) for c in block.get("elements", []) if isinstance(c, dict))


def _container(container: dict[str, Any]) -> str:
    kind = container.get("type")
    border = " rt-border" if container.get("border") == 1 else ""
    if kind == "rich_text_section":
        return f'<div class="rt-section">{_inline(container, pre=False)}</div>'
    if kind == "rich_text_preformatted":
        return f'<pre class="rt-pre{border}">{_inline(container, pre=True)}</pre>'
    if kind == "rich_text_quote":
        return f'<blockquote class="rt-quote{border}">{_inline(container, pre=False)}</blockquote>'
    if kind == "rich_text_list":
        return _list(container, border)
    return _placeholder(f"{kind} element")


def _list(container: dict[str, Any], border: str) -> str:
    indent = _number(container.get("indent"), 0, 8)
    items = "".join(
        f'<li class="rt-item">{_inline(item, pre=False)}</li>'
        for item in container.get("elements", [])
        if isinstance(item, dict)
    )
    style = f"margin-left:{indent * _INDENT_PX}px;list-style-type:"
    if container.get("style") == "ordered":
        start = _number(container.get("offset"), 0, 10**9) + 1
        style += _NUMBERS[indent % len(_NUMBERS)]
        return f'<ol class="rt-list{border}" start="{start}" style="{style}">{items}</ol>'
    style += _BULLETS[indent % len(_BULLETS)]
    return f'<ul class="rt-list{border}" style="{style}">{items}</ul>'


def _inline(container: dict[str, Any], *, pre: bool) -> str:
    return "".join(_element(e, pre=pre) for e in container.get("elements", []) if isinstance(e, dict))


def _element(element: dict[str, Any], *, pre: bool) -> str:
    kind = element.get("type")
    if kind == "text":
        return _styled(_literal(element.get("text"), pre=pre), element)
    if kind == "link":
        return _link(element, pre=pre)
    if kind == "user":
        return _mention("@" + display_name(str(element.get("user_id", ""))), element)
    if kind == "usergroup":
        # The sandbox has no user groups; Slack would show the group's handle.
        return _mention("@" + str(element.get("usergroup_id", "")), element)
    if kind == "channel":
        return _mention("#" + display_name(str(element.get("channel_id", ""))), element)
    if kind == "broadcast":
        return _mention("@" + str(element.get("range", "")), element, extra=" broadcast")
    if kind == "emoji":
        return _styled(html.escape(_emoji(element)), element)
    if kind == "date":
        return _styled(_date(element), element)
    return _placeholder(f"{kind} element")


def _literal(text: Any, *, pre: bool) -> str:
    escaped = html.escape(str(text or ""), quote=False)
    # A code block keeps its line breaks as they are; elsewhere each is a <br>.
    return escaped if pre else escaped.replace("\n", "<br>")


def _styled(inner: str, element: dict[str, Any]) -> str:
    style = element.get("style")
    if not isinstance(style, dict):
        return inner
    for name, tag in _STYLE_TAGS:
        if style.get(name) is True:
            inner = f"<{tag}>{inner}</{tag}>"
    return inner


def _link(element: dict[str, Any], *, pre: bool) -> str:
    url = str(element.get("url", ""))
    shown = _literal(element.get("text") or url, pre=pre)
    if not safe_link(url):
        # Slack never makes a javascript: (or any unknown scheme) clickable.
        return _styled(shown, element)
    anchor = f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{shown}</a>'
    return _styled(anchor, element)


def _mention(label: str, element: dict[str, Any], extra: str = "") -> str:
    return _styled(f'<span class="mention{extra}">{html.escape(label, quote=False)}</span>', element)


def _emoji(element: dict[str, Any]) -> str:
    if code_points := _code_points(element.get("unicode")):
        return code_points
    # "wave::skin-tone-2": the sandbox's table has no skin tones, so the plain one.
    name = str(element.get("name", "")).split("::")[0]
    return emoji(name)


def _code_points(unicode: Any) -> str | None:
    """`1f44d` or `1f3f3-fe0f-200d-1f308` as its characters; None when not that."""
    if not isinstance(unicode, str) or not unicode:
        return None
    try:
        return "".join(chr(int(part, 16)) for part in unicode.split("-"))
    except (ValueError, OverflowError):
        return None


def _date(element: dict[str, Any]) -> str:
    """A <time> the page formats in the reader's zone with Slack's tokens; the fallback
    until then, and for good when the timestamp is not one."""
    fallback = html.escape(str(element.get("fallback", "")), quote=False)
    if not element.get("format"):
        return fallback
    try:
        moment = datetime.fromtimestamp(float(element["timestamp"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return fallback
    token_format = html.escape(str(element.get("format", "")), quote=True)
    shown = (
        f'<time class="slack-date" datetime="{moment.isoformat()}" data-format="{token_format}">'
        f"{fallback}</time>"
    )
    url = str(element.get("url", ""))
    if url and safe_link(url):
        return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{shown}</a>'
    return shown


def _number(value: Any, least: int, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return least
    return max(least, min(most, value))


def _placeholder(what: str) -> str:
    return (
        '<span class="placeholder element" title="The sandbox does not draw this; Slack would.">'
        f"[{html.escape(what)}: not shown in the sandbox]</span>"
    )
