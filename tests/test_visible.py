"""Making text visible: what draws as nothing is marked, what draws as itself is left."""

import pytest

from blocks.visible import lookalikes, visible


@pytest.mark.parametrize(
    ("text", "shown", "hidden"),
    [
        ("\u202eproC EMCA", "⟨U+202E⟩proC EMCA", ["U+202E"]),
        ("a\u200bb\u200db", "a⟨U+200B⟩b⟨U+200D⟩b", ["U+200B", "U+200D"]),
        ("ACME\u00a0Corp", "ACME⟨U+00A0⟩Corp", ["U+00A0"]),
        ("  padded ", "⟨U+0020⟩⟨U+0020⟩padded⟨U+0020⟩", ["U+0020"]),
        ("two\nlines", "two↵\nlines", []),
        ("⟨U+0041⟩ looks like ours", "⟨U+27E8⟩U+0041⟨U+27E9⟩ looks like ours", []),
        # An emoji's presentation selector draws the emoji, nothing more: left as is.
        ("⚠️ Stop", "⚠️ Stop", []),
        ("1️⃣ first", "1️⃣ first", []),
        # A selector after a letter, or a run of them, draws as nothing and can carry data.
        ("ACME\ufe0f", "ACME⟨U+FE0F⟩", ["U+FE0F"]),
        ("⚠\ufe0f\ufe0f", "⚠\ufe0f⟨U+FE0F⟩", ["U+FE0F"]),
        ("pay\U000e0100\U000e0101", "pay⟨U+E0100⟩⟨U+E0101⟩", ["U+E0100", "U+E0101"]),
    ],
)
def test_what_draws_as_nothing_is_marked_and_reported(text: str, shown: str, hidden: list[str]):
    assert visible(text) == type(visible(""))(shown, hidden)


def test_words_mixing_or_faking_latin_letters_are_found():
    assert lookalikes("pay АСМЕ Corp and pаypal, not ACME") == ["АСМЕ", "pаypal"]
    assert lookalikes("pаypal") == ["pаypal"]


def test_a_value_wholly_in_another_alphabet_is_read_as_such():
    assert lookalikes("Москва, ООО Петров") == []
    assert lookalikes("Αθήνα") == []
