"""Property: whatever the arguments and the request say, an approver can read every value in
full, exactly, and nothing in them can act as Slack syntax; or no card is posted at all."""

import json
import re
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blocks.approval_card import build_approval_card, card_layout, edit_problem
from blocks.details_modal import build_details_modal
from domain.fingerprint import fingerprint
from domain.models import Approval, Edit
from domain.slack_text import escape
from sandbox.block_validation import view_problems
from tests.approvals import APPROVER, REQUESTER, pending_state, wire_request
from tests.fakes.block_kit import block_kit_problems
from tests.fakes.block_text import arguments_shown, live_tokens, original, text_length

TEMPORAL_LINK = "http://127.0.0.1:8233/namespaces/default/workflows/approval-1"
# What the card itself may write as live Slack syntax: who asked, who may decide, when.
OURS = re.compile(
    rf"^(<@({REQUESTER}|{APPROVER}|U0APPROVER2)>"
    r"|<!date\^\d+\^[^|]*\|[^>]*>"
    rf"|<{TEMPORAL_LINK}\|View in Temporal>)$"
)

slack_syntax = st.sampled_from(
    [
        "<@U0CFO>",
        "<!channel>",
        "<!here>",
        "<#C0PAY|payments>",
        "<https://evil.example|https://bank.example>",
        "*bold*",
        "_it_",
        "~s~",
        "`code`",
        ":white_check_mark:",
        "&amp;",
        "&lt;",
        "\n",
        "\u202e",
        "\u200b",
        "\ufeff",
        "⟨U+202E⟩",
        "↵",
        "АСМЕ",
        " ",
    ]
)
# Any Unicode but lone surrogates, which the agent's tools refuse before any card.
characters = st.characters(blacklist_categories=["Cs"])
values = st.lists(st.one_of(st.text(characters, max_size=40), slack_syntax), max_size=60).map("".join)
long_values = st.builds(lambda v, n: v * n, values, st.integers(1, 200))
argument_values = st.one_of(values, long_values, st.integers(), st.booleans(), st.lists(values, max_size=3))
names = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)
arguments = st.dictionaries(names, argument_values, max_size=40)
# The requester's words arrive as Slack sends them: escaped, with tokens for mentions.
requests = st.lists(st.one_of(st.text(characters, max_size=40).map(escape), slack_syntax), max_size=30).map(
    "".join
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parameters=arguments, summary=requests)
def test_every_value_is_readable_in_full_and_inert_or_no_card_is_posted(parameters: dict, summary: str):
    request = wire_request(summary=summary, parameters=parameters)
    card = Approval(
        "approval-1", request, fingerprint(request.action, parameters), datetime(2030, 1, 1, tzinfo=UTC)
    )
    if card_layout(request).problem:
        try:
            build_approval_card(card, TEMPORAL_LINK)
        except ValueError:
            return
        raise AssertionError("a request no card can show in full was drawn")

    message = build_approval_card(card, TEMPORAL_LINK, names={"U0CFO": "Carol <!channel> *CFO*"})
    modal = build_details_modal(pending_state(request))

    assert block_kit_problems(message["blocks"]) == [] and text_length(message["blocks"]) < 13_000
    assert view_problems(modal) == [] and len(modal["blocks"]) <= 100
    on_card, in_modal = arguments_shown(message["blocks"]), arguments_shown(modal["blocks"])
    for name, value in parameters.items():
        if value == summary and summary:
            continue  # the requester's words, shown once
        runs = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        assert original(in_modal[name]) == runs, f"the modal shows all of {name}"
        if name in on_card:
            assert original(on_card[name]) == runs, f"the card shows all of {name}"
    assert all(OURS.match(token) for token in live_tokens(message)), live_tokens(message)
    assert all(OURS.match(token) or token.startswith("<@U0REQUESTER") for token in live_tokens(modal))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(asked=arguments, changes=arguments, removed=st.sets(names, max_size=5), summary=requests)
def test_an_edited_request_shows_what_runs_and_what_was_asked_in_full_or_the_edit_cannot_count(
    asked: dict, changes: dict, removed: set, summary: str
):
    edited = {k: v for k, v in {**asked, **changes}.items() if k not in removed}
    request = wire_request(summary=summary, parameters=asked)
    edit = Edit(APPROVER, datetime(2030, 1, 1, tzinfo=UTC), edited, fingerprint(request.action, edited))
    card = Approval("approval-1", request, edit.fingerprint, datetime(2030, 1, 2, tzinfo=UTC), edits=[edit])
    if edit_problem(request, edited):
        try:
            build_approval_card(card, TEMPORAL_LINK)
        except ValueError:
            return
        raise AssertionError("an edit no card can show in full was drawn")

    message = build_approval_card(card, TEMPORAL_LINK)
    modal = build_details_modal(card)

    assert block_kit_problems(message["blocks"]) == [] and text_length(message["blocks"]) < 13_000
    assert view_problems(modal) == [] and len(modal["blocks"]) <= 100
    in_modal = arguments_shown(modal["blocks"])
    for name, value in edited.items():
        if value == summary and summary:
            continue
        label = name if asked.get(name, _ABSENT) == value else f"{name}{_marked(name, asked)}"
        assert original(in_modal[label]) == _as_run(value), f"the modal shows all of {label}, which runs"
    for name, value in asked.items():
        if edited.get(name, _ABSENT) != value:
            words = " · as asked" if name in edited else " · as asked, removed by an edit"
            assert original(in_modal[name + words]) == _as_run(value), f"the modal shows {name} as asked"
    assert all(OURS.match(token) for token in live_tokens(message)), live_tokens(message)


_ABSENT = object()


def _marked(name: str, asked: dict) -> str:
    return " · edited" if name in asked else " · added by an edit"


def _as_run(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
