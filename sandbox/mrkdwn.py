"""Slack's mrkdwn to safe HTML: what a message's text looks like in the Slack client.

Slack escapes `&`, `<` and `>` in text, so a literal `<` only ever opens one of its
"special" tokens: `<@U…>` mentions, `<#C…|name>` channels, `<!date^…|fallback>` dates,
`<!here>`, and links `<url|text>`. Everything else is formatting: *bold*, _italic_,
~strike~, `code`, ```preformatted```, `>` quotes, `:emoji:`.
"""

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime

from sandbox.emoji import emojize

_PRE = re.compile(r"```(.*?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_SPECIAL = re.compile(r"<([^<>\n]+)>")
_STYLES = (
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])"), "em"),
    (re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])"), "s"),
)
_BROADCASTS = ("!channel", "!here", "!everyone")
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_SLOT = "\x00{}\x00"
_SLOT_PATTERN = re.compile("\x00(\\d+)\x00")


def mrkdwn_to_html(text: str, name_of: Callable[[str], str]) -> str:
    """HTML for Slack mrkdwn `text`; `name_of(id)` names a mentioned person or channel."""
    slots: list[str] = []

    def keep(fragment: str) -> str:
        slots.append(fragment)
        return _SLOT.format(len(slots) - 1)

    text = text.replace("\x00", "")
    # Code first: nothing inside it is formatting or a token.
    text = _PRE.sub(lambda m: keep(f"<pre>{_escape(m.group(1).strip(chr(10)))}</pre>"), text)
    text = _CODE.sub(lambda m: keep(f"<code>{_escape(m.group(1))}</code>"), text)
    text = _SPECIAL.sub(lambda m: keep(_special(m.group(1), name_of)), text)
    text = _escape(text)
    for pattern, tag in _STYLES:
        text = pattern.sub(lambda m, tag=tag: f"<{tag}>{m.group(1)}</{tag}>", text)
    text = emojize(text)
    text = _quotes(text).replace("\n", "<br>")
    return _SLOT_PATTERN.sub(lambda m: slots[int(m.group(1))], text)


def plain_text_to_html(text: str, *, emoji: bool = True) -> str:
    escaped = html.escape(text, quote=False).replace("\n", "<br>")
    return emojize(escaped) if emoji else escaped


def safe_link(url: str) -> bool:
    """Whether Slack would make `url` clickable: web and mail links only, never javascript:."""
    return bool(_SAFE_LINK.match(url))


def _escape(text: str) -> str:
    # Undo Slack's own escaping first, so `&amp;lt;` is not shown as `&lt;`.
    return html.escape(html.unescape(text), quote=False)


def _quotes(text: str) -> str:
    lines = text.split("\n")
    out = []
    for line in lines:
        if line.startswith("&gt;"):
            out.append(f'<span class="quote">{line[4:].lstrip()}</span>')
        else:
            out.append(line)
    return "\n".join(out)


def _special(token: str, name_of: Callable[[str], str]) -> str:
    target, _, label = token.partition("|")
    if target.startswith("@"):
        return f'<span class="mention">@{html.escape(label or name_of(target[1:]))}</span>'
    if target.startswith("#"):
        return f'<span class="mention">#{html.escape(label or name_of(target[1:]))}</span>'
    if target.startswith("!date^"):
        return _date(target, label)
    if target.startswith("!subteam^"):
        return f'<span class="mention">{html.escape(label or "@team")}</span>'
    if target in _BROADCASTS:
        # Slack highlights a broadcast apart from a mention: it notifies everyone.
        return f'<span class="mention broadcast">@{target[1:]}</span>'
    if target.startswith("!"):
        return f'<span class="mention">@{html.escape(target[1:])}</span>'
    url = html.unescape(target)
    if safe_link(url):
        shown = _escape(label) if label else html.escape(url)
        return f'<a href="{html.escape(url)}" target="_blank" rel="noopener">{shown}</a>'
    return _escape(f"<{token}>")


def _date(target: str, fallback: str) -> str:
    """`<!date^epoch^format[^link]|fallback>` → a <time> the page formats in the reader's zone."""
    parts = target.split("^")
    try:
        moment = datetime.fromtimestamp(int(parts[1]), UTC)
    except (IndexError, ValueError, OverflowError):
        return _escape(fallback)
    token_format = parts[2] if len(parts) > 2 else "{date_num} {time}"
    return (
        f'<time class="slack-date" datetime="{moment.isoformat()}" '
        f'data-format="{html.escape(token_format)}">{_escape(fallback)}</time>'
    )
