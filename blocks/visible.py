"""Text made visible: nothing hidden, nothing reversed, look-alike letters named.

An approver reads a value with their eyes, so every character that draws as nothing
(zero-width, bidi controls, other format and control characters) or as something it is
not (a space that is not a space) is shown as a marker, `⟨U+202E⟩`, and reported, so the
card can say so. The marker's own brackets in a value are marked too: every `⟨` on a card
is ours. Line breaks stay line breaks, with `↵` before them, where a value may hold one.
"""

import unicodedata
from dataclasses import dataclass, field

from confusable_homoglyphs import categories, confusables

LINE_BREAK = "↵"
_OPEN, _CLOSE = "⟨", "⟩"
# Categories that draw as nothing or move other text: format (Cf: zero-width, bidi
# controls, tags), control (Cc), line/paragraph separators, private use, unassigned,
# surrogates.
_HIDDEN_CATEGORIES = {"Cf", "Cc", "Zl", "Zp", "Co", "Cn", "Cs"}
# Letters and marks that draw as blank though their category says otherwise: Hangul
# fillers, the braille blank, the combining grapheme joiner, Khmer inherent vowels,
# Mongolian variation selectors, and variation selectors.
_BLANK_LOOKING = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x17B4, 0x17B5}
_BLANK_RANGES = ((0x180B, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
_OURS = {_OPEN, _CLOSE, LINE_BREAK}
# Text or emoji presentation (VS15, VS16): right after a symbol (⚠️, ❤️) or a keycap's
# digit it only picks how that one character draws. Anywhere else, or a second in a row,
# it draws as nothing and can carry hidden data, so it is marked.
_PRESENTATION = {"\ufe0e", "\ufe0f"}


@dataclass(frozen=True)
class Visible:
    text: str
    """The value with every hidden character shown as a marker."""
    hidden: list[str] = field(default_factory=list)
    """The hidden characters found, as `U+202E`, in order of first appearance."""


def marker(char: str) -> str:
    return f"{_OPEN}U+{ord(char):04X}{_CLOSE}"


def is_hidden(char: str) -> bool:
    code = ord(char)
    if char == " ":
        return False
    if unicodedata.category(char) in _HIDDEN_CATEGORIES or unicodedata.category(char) == "Zs":
        return True
    return code in _BLANK_LOOKING or any(low <= code <= high for low, high in _BLANK_RANGES)


def visible(text: str, *, line_breaks: bool = True, edges: bool = True) -> Visible:
    """`text` with nothing hidden: markers for hidden characters (and, with `edges`, for
    spaces at its start or end, which no reader can see), `↵` before each line break."""
    hidden: list[str] = []
    body = text.strip(" ") if edges else text
    lead = len(text) - len(text.lstrip(" ")) if edges else 0
    trail = len(text) - len(text.rstrip(" ")) if body and edges else 0
    if lead or trail:
        _note(hidden, " ")
    out = [marker(" ") * lead]
    previous = ""
    for char in body:
        if char in _PRESENTATION and _takes_presentation(previous):
            out.append(char)
        elif char == "\n" and line_breaks:
            out.append(LINE_BREAK + "\n")
        elif char == "\n" or is_hidden(char):
            out.append(marker(char))
            _note(hidden, char)
        elif char in _OURS:
            out.append(marker(char))
        else:
            out.append(char)
        previous = char
    out.append(marker(" ") * trail)
    return Visible("".join(out), hidden)


def _takes_presentation(char: str) -> bool:
    return bool(char) and (unicodedata.category(char) == "So" or char in "0123456789#*")


def lookalikes(text: str) -> list[str]:
    """Words that mix alphabets (`pаypal`, a Cyrillic а) or are written wholly in another
    alphabet's letters that look Latin (`АСМЕ`, all Cyrillic): the homograph tricks."""
    found: list[str] = []
    words = _words(text)
    # A word wholly in look-alike letters misleads only among Latin words ("АСМЕ Corp");
    # a value all in Cyrillic or Greek is read as such (Москва is not flagged).
    latin_context = any(_alphabets_of(word) == {"LATIN"} for word in words)
    for word in words:
        scripts = _alphabets_of(word)
        if len(scripts) > 1 or (latin_context and scripts - {"LATIN"} and _all_look_latin(word)):
            if word not in found:
                found.append(word)
    return found


def alphabets(word: str) -> list[str]:
    """The alphabets a word's letters come from, as people name them: ["Cyrillic", "Latin"]."""
    return sorted(s.title() for s in _alphabets_of(word))


def _alphabets_of(word: str) -> set[str]:
    return categories.unique_aliases(word) - {"COMMON", "INHERITED"}


def _all_look_latin(word: str) -> bool:
    letters = {c for c in word if c.isalpha()}
    confusable = confusables.is_confusable(word, greedy=True, preferred_aliases=["latin"]) or []
    return bool(letters) and letters <= {entry["character"] for entry in confusable}


def _words(text: str) -> list[str]:
    words, current = [], []
    for char in text:
        if char.isalnum() or unicodedata.category(char).startswith("M"):
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _note(hidden: list[str], char: str) -> None:
    code = f"U+{ord(char):04X}"
    if code not in hidden:
        hidden.append(code)
