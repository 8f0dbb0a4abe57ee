"""How a request reads to an approver: the requester's words and every argument, in full.

Each piece is made visible (blocks.visible), measured as Slack counts it, and placed: on
the card when it fits, else only in the details modal (the card says so and offers the
button), and if even the modal cannot hold everything the request is refused before any
card. Nothing is ever cut. Pure code: the agent's tools check a request with it before
asking, and the activities and the bot draw with it.
"""

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from blocks import rich_text as rt
from blocks import slack_markup as markup
from blocks.limits import (
    CARD_PARAMETERS_MAX,
    CARD_REQUEST_BUDGET,
    DETAILS_REQUEST_BUDGET,
    MODAL_MAX_BLOCKS,
    TEXT_ELEMENT_MAX,
    escaped_length,
)
from blocks.visible import alphabets, lookalikes, visible

# A mention is drawn as the person's name, known only when drawing; this is the longest
# Slack allows (display names are at most 80 characters), so a check made before
# asking never passes what the drawing then refuses.
MENTION_SIZE_MAX = 82
# The modal's own blocks around the pieces: its heading, the legend, the reject modal's reason.
DETAILS_FRAME_BLOCKS = 3
_GLYPH = re.compile(r"⟨U\+[0-9A-F]+⟩|↵\n|.", re.DOTALL)
# Piece.change: how an edited request's argument differs from what was asked, and the
# words its label carries on the card (counted in its size).
CHANGED, ADDED, ASKED, REMOVED = "changed", "added", "asked", "removed"
CHANGE_WORDS = {
    CHANGED: " · edited",
    ADDED: " · added by an edit",
    ASKED: " · as asked",
    REMOVED: " · as asked, removed by an edit",
}


@dataclass(frozen=True)
class Piece:
    """The requester's words or one argument, as shown."""

    label: str
    """The argument's name, or "" for the requester's words."""
    elements: list[rt.Element]
    """Inline rich_text elements that draw it: text made visible, names, links."""
    size: int
    """Characters as Slack counts them (escaped); mentions at their longest."""
    length: int = 0
    """Characters as people count them."""
    warnings: list[str] = field(default_factory=list)
    """Plain sentences for the card: hidden characters, mixed alphabets."""
    empty: bool = False
    change: str = ""
    """For an edited request: CHANGED or ADDED (what runs now, in place of what was asked),
    ASKED or REMOVED (what was asked, shown under it). "" for an argument as asked."""

    @property
    def is_request(self) -> bool:
        return self.label == ""


@dataclass(frozen=True)
class Layout:
    pieces: list[Piece]
    on_card: list[bool]
    """For each piece: shown in full on the card (else only in the details modal)."""
    beyond_card: list[int] = field(default_factory=list)
    """Pieces (by index) past the arguments one card holds: the card names them in one
    line, the details modal shows them."""
    problem: str | None = None
    """Why the request cannot be shown in full even in the modal: it must not be asked."""

    @property
    def needs_details(self) -> bool:
        return not all(self.on_card)


def request_pieces(
    summary: str,
    parameters: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
    *,
    in_modal: bool = False,
    asked: Mapping[str, Any] | None = None,
) -> list[Piece]:
    """The requester's words (Slack text, decoded once) and then each argument.

    An argument equal to the requester's words (approval-only mode's `request`) is the
    same text shown once. `in_modal`: mentions become user elements, which Slack draws
    as names and which notify nobody in a modal. `asked`: the arguments as asked, when an
    approver edited them into `parameters`: each edited argument is followed by its value
    as asked, and an argument the edit removed is shown as asked, marked so.
    """
    pieces = [requester_words(summary, names or {}, in_modal=in_modal)] if summary else []
    for name, value in parameters.items():
        said = value == summary and summary  # shown once, as the requester's words
        if asked is None or (name in asked and asked[name] == value):
            pieces += [] if said else [argument(str(name), value)]
        elif name in asked:
            pieces += [] if said else [argument(str(name), value, CHANGED)]
            pieces.append(argument(str(name), asked[name], ASKED))
        elif not said:
            pieces.append(argument(str(name), value, ADDED))
    for name, value in (asked or {}).items():
        if name not in parameters:
            pieces.append(argument(str(name), value, REMOVED))
    return pieces


def requester_words(summary: str, names: Mapping[str, str], *, in_modal: bool = False) -> Piece:
    elements: list[rt.Element] = []
    hidden: list[str] = []
    words: list[str] = []
    size = 0
    for part in markup.decode(summary):
        if isinstance(part, markup.UserMention):
            # A name, never a live ping; the ID when the name is not known.
            shown = f"@{names.get(part.user_id) or part.label or part.user_id}"
            use_element = in_modal and part.user_id not in names
            elements.append(
                {"type": "user", "user_id": part.user_id} if use_element else rt.text(shown, bold=True)
            )
            size += MENTION_SIZE_MAX
            continue
        if isinstance(part, markup.Link):
            # The real target, always: a label can say anything.
            url = visible(part.url, line_breaks=False, edges=False)
            hidden += url.hidden
            if part.label and part.label != part.url:
                label = visible(part.label, edges=False)
                hidden += label.hidden
                words.append(part.label)
                elements += [rt.text(label.text + " ("), rt.link(part.url, url.text), rt.text(")")]
                size += escaped_length(label.text) + escaped_length(url.text) + 3
            else:
                elements.append(rt.link(part.url, url.text))
                size += escaped_length(url.text)
            continue
        # The request's own ends were trimmed when it was received; a part's are not ends.
        shown = visible(markup.plain(part), edges=False)
        hidden += shown.hidden
        words.append(markup.plain(part))
        elements += chunked(shown.text, bold=not isinstance(part, markup.Text))
        size += escaped_length(shown.text)
    return Piece(
        label="",
        elements=elements or [rt.text("(empty)", italic=True)],
        size=size,
        length=len(markup.typed(summary)),
        warnings=_warnings("The request", hidden, " ".join(words)),
        empty=not elements,
    )


def argument(name: str, value: Any, change: str = "") -> Piece:
    # Strings as they are; anything else as the JSON the executor receives.
    raw = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    shown = visible(raw)
    label = visible(name, line_breaks=False)
    return Piece(
        label=label.text,
        elements=chunked(shown.text) if shown.text else [rt.text("(empty)", italic=True)],
        size=escaped_length(shown.text) + escaped_length(label.text) + len(CHANGE_WORDS.get(change, "")),
        length=len(raw),
        warnings=_warnings(f"“{label.text}”", label.hidden + shown.hidden, raw),
        empty=not shown.text,
        change=change,
    )


def layout(pieces: list[Piece]) -> Layout:
    """Which pieces the card shows in full; the largest move to the details modal first."""
    arguments = [i for i, piece in enumerate(pieces) if not piece.is_request]
    beyond = set(arguments[CARD_PARAMETERS_MAX:])
    on_card = [i not in beyond for i in range(len(pieces))]
    for i in sorted(range(len(pieces)), key=lambda i: pieces[i].size, reverse=True):
        if sum(p.size for p, shown in zip(pieces, on_card, strict=True) if shown) <= CARD_REQUEST_BUDGET:
            break
        on_card[i] = False
    return Layout(pieces, on_card, beyond_card=sorted(beyond), problem=_details_problem(pieces))


def chunked(shown: str, *, bold: bool = False) -> list[rt.Element]:
    """Visible text as text elements each within one element's limit; Slack draws them
    as one run, and a marker is never split."""
    chunks, current, size = [], [], 0
    for glyph in _GLYPH.findall(shown):
        if current and size + escaped_length(glyph) > TEXT_ELEMENT_MAX:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(glyph)
        size += escaped_length(glyph)
    if current:
        chunks.append("".join(current))
    return [rt.text(chunk, bold=bold) for chunk in chunks]


def details_blocks_needed(pieces: list[Piece]) -> int:
    return DETAILS_FRAME_BLOCKS + len(pieces)


def _details_problem(pieces: list[Piece]) -> str | None:
    total = sum(piece.size for piece in pieces)
    if total > DETAILS_REQUEST_BUDGET:
        return (
            f"it is too long to show an approver in full ({total:,} characters as Slack counts them; "
            f"at most {DETAILS_REQUEST_BUDGET:,})"
        )
    if details_blocks_needed(pieces) > MODAL_MAX_BLOCKS:
        return f"it has too many arguments to show an approver at once ({len(pieces)})"
    return None


def _warnings(what: str, hidden: list[str], text: str) -> list[str]:
    warnings = []
    if codes := list(dict.fromkeys(hidden)):
        named = ", ".join(f"{code} {_char_name(code)}" for code in codes[:5])
        more = f" and {len(codes) - 5} more" if len(codes) > 5 else ""
        warnings.append(f"{what} contains hidden characters, shown as ⟨U+…⟩: {named}{more}.")
    if words := lookalikes(text):
        listed = ", ".join(f"“{visible(w).text}” ({' and '.join(alphabets(w))})" for w in words[:3])
        more = f" and {len(words) - 3} more" if len(words) > 3 else ""
        warnings.append(
            f"{what} has words in letters that look Latin but are not: {listed}{more}. "
            "Check the name is the one you expect."
        )
    return warnings


def _char_name(code: str) -> str:
    char = chr(int(code[2:], 16))
    if char == " ":
        return "SPACE at the start or end"
    return unicodedata.name(char, "unnamed character")
