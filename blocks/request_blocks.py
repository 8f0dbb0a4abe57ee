"""The requester's words and the arguments as rich_text blocks, one block a piece.

Each argument's value is a code block: a box that shows where it starts and ends, with
its line breaks (`↵`) and hidden characters (`⟨U+…⟩`) visible. The requester's words are
a quote. The piece's warnings follow inside the same block, so a card of thirty
arguments stays within Slack's fifty blocks.
"""

from typing import Any

from blocks import rich_text as rt
from blocks.request_view import ASKED, CHANGE_WORDS, REMOVED, Piece

LEGEND = "Values are shown exactly as they will be used: ↵ marks a line break, ⟨U+…⟩ a hidden character."


def piece_block(piece: Piece) -> dict[str, Any]:
    """The piece in full."""
    if piece.is_request:
        containers = [rt.section(rt.text("The request, as written", italic=True)), rt.quote(*piece.elements)]
    else:
        value = rt.section(*piece.elements) if piece.empty else rt.preformatted(*piece.elements)
        containers = [rt.section(*_label(piece)), value]
    return rt.block(*containers, *_warnings(piece))


def _label(piece: Piece) -> list[rt.Element]:
    """The argument's name; an edited request's marks which value runs and which was asked."""
    if not piece.change:
        return [rt.text(piece.label, bold=True)]
    words = rt.text(CHANGE_WORDS[piece.change], italic=True)
    if piece.change in (ASKED, REMOVED):
        # What no longer runs reads quieter than what does.
        return [rt.text(piece.label, italic=True), words]
    return [{"type": "emoji", "name": "pencil2"}, rt.text(" "), rt.text(piece.label, bold=True), words]


def piece_only_in_details(piece: Piece) -> dict[str, Any]:
    """What the card says of a piece too long for it: where to read it, never a part of it."""
    marked = piece.label + CHANGE_WORDS.get(piece.change, "")
    what = "The request, as written," if piece.is_request else marked
    note = (
        f" is too long for this card ({piece.length:,} characters). "
        "Read it in full under Show full details before deciding."
    )
    return rt.block(rt.section(rt.text(what, bold=True), rt.text(note, italic=True)), *_warnings(piece))


def beyond_card(labels: list[str]) -> dict[str, Any]:
    """The arguments past what one card holds, named in one line."""
    named = ", ".join(labels[:20]) + (f" and {len(labels) - 20} more" if len(labels) > 20 else "")
    note = (
        f"{len(labels)} more arguments are only under Show full details: {named}. Read them before deciding."
    )
    return rt.block(rt.section(rt.text(note, italic=True)))


def shows_markers(pieces: list[Piece]) -> bool:
    return any("⟨U+" in e.get("text", "") or "↵" in e.get("text", "") for p in pieces for e in p.elements)


def _warnings(piece: Piece) -> list[rt.Element]:
    return [rt.section({"type": "emoji", "name": "warning"}, rt.text(" " + w)) for w in piece.warnings]
