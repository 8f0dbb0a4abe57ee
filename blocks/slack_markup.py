"""Slack's message text decoded once into what the person typed.

Slack delivers a message's `text` already escaped (`&amp;`, `&lt;`, `&gt;`), so a literal
`<` only ever opens one of its tokens: `<@U…>` mentions, `<#C…|name>` channels,
`<!channel>` / `<!here>` / `<!everyone>` broadcasts, `<!subteam^S…|@team>` groups,
`<!date^…|fallback>` dates and links `<url|label>`. Decoding splits the text into
those parts and unescapes the rest exactly once; what is drawn from the parts is then
escaped (or kept inert) exactly once for Block Kit.
"""

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"<([^<>]*)>")
BROADCASTS = ("here", "channel", "everyone")


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class UserMention:
    user_id: str
    label: str = ""


@dataclass(frozen=True)
class ChannelMention:
    channel_id: str
    label: str = ""


@dataclass(frozen=True)
class GroupMention:
    group_id: str
    label: str = ""


@dataclass(frozen=True)
class Broadcast:
    name: str
    """here, channel or everyone."""


@dataclass(frozen=True)
class Link:
    url: str
    label: str = ""


Part = Text | UserMention | ChannelMention | GroupMention | Broadcast | Link


def unescape(text: str) -> str:
    """Slack's three escapes undone; `&amp;lt;` becomes `&lt;`, as the person typed it."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def decode(text: str) -> list[Part]:
    """The parts of Slack-formatted `text`, adjacent text merged, nothing unescaped twice."""
    parts: list[Part] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            parts.append(Text(unescape(text[position : match.start()])))
        parts.append(_token(match.group(1)))
        position = match.end()
    if position < len(text):
        parts.append(Text(unescape(text[position:])))
    return _merged(parts)


def typed(text: str) -> str:
    """What the person typed, as one plain string: `@name`, `#name`, `@channel`, `label (url)`.

    For logs and the model's eyes only; Block Kit gets the parts, so a mention is never
    confused with someone typing `<@U…>`.
    """
    return "".join(plain(part) for part in decode(text))


def plain(part: Part) -> str:
    match part:
        case Text(text):
            return text
        case UserMention(user_id, label):
            return f"@{label or user_id}"
        case ChannelMention(channel_id, label):
            return f"#{label or channel_id}"
        case GroupMention(group_id, label):
            return label if label.startswith("@") else f"@{label or group_id}"
        case Broadcast(name):
            return f"@{name}"
        case Link(url, label):
            return f"{label} ({url})" if label and label != url else url
    raise TypeError(part)


def _token(token: str) -> Part:
    target, _, label = token.partition("|")
    label = unescape(label)
    if target.startswith("@"):
        return UserMention(target[1:], label)
    if target.startswith("#"):
        return ChannelMention(target[1:], label)
    if target.startswith("!subteam^"):
        return GroupMention(target.removeprefix("!subteam^"), label)
    if target.startswith("!date^"):
        # A date token's fallback is what it reads as without the reader's time zone.
        return Text(label)
    if target.startswith("!"):
        name = target[1:]
        return Broadcast(name) if name in BROADCASTS else Text(label or f"@{name}")
    return Link(unescape(target), label)


def _merged(parts: list[Part]) -> list[Part]:
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + part.text)
        elif not (isinstance(part, Text) and not part.text):
            merged.append(part)
    return merged
