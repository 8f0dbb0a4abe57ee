"""The card builder: what an approver reads is exactly what runs, within Slack's limits."""

from datetime import UTC, datetime

import pytest

from blocks.approval_card import DETAILS_ACTION_ID, Duplicate, build_approval_card, card_layout, workflow_url
from blocks.details_modal import build_details_modal
from domain.fingerprint import fingerprint
from domain.models import Approval, ApprovalStatus, Decision, ExecutionRecord
from tests.approvals import APPROVER, OTHER_APPROVER, REQUESTER, pending_state, wire_request
from tests.fakes.block_kit import block_kit_problems
from tests.fakes.block_text import live_tokens, mrkdwn_texts, original, reading, runs, text_length

EXPIRES = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
DECIDED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
NAMES = {REQUESTER: "Ada Lovelace", APPROVER: "Grace Hopper", OTHER_APPROVER: "Alan Turing"}


def card(**changes) -> Approval:
    request = wire_request(**changes)
    return Approval(
        workflow_id="approval-1234",
        request=request,
        fingerprint=fingerprint(request.action, request.parameters),
        expires_at=EXPIRES,
    )


def decided(status: ApprovalStatus, reason: str = "", **changes) -> Approval:
    built = card(**changes)
    built.status = status
    if status in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        built.decision = Decision(status is ApprovalStatus.APPROVED, DECIDED, APPROVER, reason)
    return built


def value_shown(message: dict, name: str) -> str:
    """The value under the argument `name`, as the card draws it."""
    texts = runs(message["blocks"])
    return texts[texts.index(name) + 1]


def test_the_card_shows_what_an_approver_needs_to_decide():
    built = build_approval_card(card(), "http://127.0.0.1:8233/namespaces/default/workflows/approval-1234")

    assert built["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Approval needed: Wire transfer", "emoji": False},
    }
    assert "Wire $5,000 to ACME for invoice 4411" in runs(built["blocks"])
    assert (value_shown(built, "payee"), value_shown(built, "amount")) == ("ACME", "5000.00")
    text = str(built["blocks"])
    assert f"<@{REQUESTER}>" in text and f"<@{APPROVER}>" in text
    assert "<!date^1796290200^" in text  # the expiry, in each reader's time zone
    assert f"`{card().fingerprint}`" in text
    assert "View in Temporal" in text
    assert block_kit_problems(built["blocks"]) == []


def test_cut_values_never_a_long_value_is_shown_in_full_on_the_card():
    justification = "Needed for the Q1 audit & the board. " * 27 + "Also ship 500 units to Mallory Ltd"
    built = build_approval_card(card(parameters={"justification": justification}))

    # 1,000 characters, 1,080 once escaped: the card holds all of it, tail included.
    assert original(value_shown(built, "justification")) == justification
    assert "[cut]" not in str(built) and block_kit_problems(built["blocks"]) == []


def test_cut_values_never_what_the_card_cannot_hold_is_in_the_details_modal_in_full():
    announcement = "x" * 2990 + " <!channel> <https://evil.example|https://intranet>"
    request = wire_request(parameters={"channel": "C0ANNOUNCE", "text": announcement, "more": "y&" * 1000})
    built = build_approval_card(card(parameters=request.parameters))

    # The card says where to read it, and never shows a part as if it were the whole.
    assert "more is too long for this card (2,000 characters). Read it in full under Show full details" in (
        reading(built["blocks"])
    )
    assert "y&y&" not in str(built["blocks"])
    assert DETAILS_ACTION_ID in [
        e["action_id"] for b in built["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    modal = build_details_modal(pending_state(request))
    assert original(value_shown(modal, "more")) == "y&" * 1000
    assert original(value_shown(modal, "text")) == announcement
    assert block_kit_problems(modal["blocks"]) == [] and len(modal["blocks"]) <= 100


def test_cut_values_never_a_request_too_long_for_the_modal_too_cannot_be_posted():
    request = wire_request(parameters={"memo": "z" * 13_000})

    assert "too long to show an approver in full (13," in card_layout(request).problem
    with pytest.raises(ValueError, match="cannot be shown in full"):
        build_approval_card(card(parameters=request.parameters))


@pytest.mark.parametrize(
    "written",
    ["*Approved by @cfo*", ":white_check_mark: _pre-cleared by treasury_ ~hold~", "<!channel> <@U0CFO>"],
)
def test_values_and_the_request_are_shown_as_typed_never_as_formatting(written: str):
    built = build_approval_card(card(summary=f"pay {written}", parameters={"payee": written}), names=NAMES)

    assert value_shown(built, "payee") == written
    assert any(r.startswith("pay ") for r in runs(built["blocks"]))
    assert not any(written in text for text in mrkdwn_texts(built))
    assert live_tokens(built) == [
        f"<@{REQUESTER}>",
        f"<@{APPROVER}>",
        f"<@{OTHER_APPROVER}>",
        live_tokens(built)[3],
    ]


def test_a_line_break_in_a_value_stays_inside_that_value():
    built = build_approval_card(
        card(
            parameters={
                "payee": "ACME Corp\n*amount*\n1.00",
                "amount": "50000.00",
                "reference": "4411\nFingerprint",
            }
        )
    )

    assert value_shown(built, "payee") == "ACME Corp↵\n*amount*↵\n1.00"
    assert value_shown(built, "amount") == "50000.00"
    labels = [r for r in runs(built["blocks"]) if r in ("amount", "Fingerprint")]
    assert labels == ["amount"], "no forged label, only the real one"


@pytest.mark.parametrize(
    ("value", "shown", "named"),
    [
        ("\u202eproC EMCA", "⟨U+202E⟩proC EMCA", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("AC\u200bME\u200d\u2060\ufeff", "AC⟨U+200B⟩ME⟨U+200D⟩⟨U+2060⟩⟨U+FEFF⟩", "U+200B ZERO WIDTH SPACE"),
        ("ACME\u00a0Corp ", "ACME⟨U+00A0⟩Corp⟨U+0020⟩", "U+00A0 NO-BREAK SPACE"),
        ("ACME ⟨U+202E⟩", "ACME ⟨U+27E8⟩U+202E⟨U+27E9⟩", None),
    ],
)
def test_nothing_invisible_or_reversed(value: str, shown: str, named: str | None):
    built = build_approval_card(card(parameters={"payee": value}))

    assert value_shown(built, "payee") == shown and original(shown) == value
    warnings = [r for r in runs(built["blocks"]) if "hidden characters" in r]
    assert (named is not None) == bool(warnings)
    if named:
        assert named in warnings[0] and "“payee”" in warnings[0]


@pytest.mark.parametrize(("payee", "word"), [("АСМЕ Corp", "АСМЕ"), ("pаypal", "pаypal")])
def test_letters_from_another_alphabet_that_look_latin_are_named(payee: str, word: str):
    built = build_approval_card(card(parameters={"payee": payee}))

    (warning,) = [r for r in runs(built["blocks"]) if "look Latin" in r]
    assert f"“{word}” (Cyrillic" in warning


def test_an_ordinary_cyrillic_name_is_not_a_warning():
    built = build_approval_card(card(parameters={"payee": "ООО Ромашка"[4:]}))

    assert not [r for r in runs(built["blocks"]) if "look Latin" in r]


def test_slacks_escaped_text_is_decoded_once():
    built = build_approval_card(
        card(
            summary="Pay Smith &amp; Sons for invoice &lt;4412&gt; <@U0GRACE> <https://x.example/a?b=1&amp;c=2|here>"
        ),
        names={"U0GRACE": "Grace Hopper"},
    )

    (request,) = [r for r in runs(built["blocks"]) if r.startswith("Pay ")]
    assert request == "Pay Smith & Sons for invoice <4412> @Grace Hopper here (https://x.example/a?b=1&c=2)"
    assert "&amp;" not in str(built["blocks"]) and "&lt;" not in str(built["blocks"])


def test_the_notification_text_names_what_and_who_without_live_syntax():
    built = build_approval_card(card(summary="<!channel> <@U0X> pay now"), names=NAMES)

    assert built["text"] == (
        "Approval needed: Wire transfer, requested by Ada Lovelace. Grace Hopper or Alan Turing may decide."
    )
    assert "<" not in built["text"]


def test_a_card_like_another_pending_one_says_so():
    built = build_approval_card(card(), duplicate=Duplicate("https://example.slack.com/archives/C0/p1"))

    assert "*Same as the request above, still pending* (<https://example.slack.com/archives/C0/p1|" in str(
        built
    )


def test_a_decided_card_reads_as_decided():
    built = build_approval_card(decided(ApprovalStatus.REJECTED, reason="*Duplicate* <!channel>"))

    assert built["blocks"][0]["text"]["text"] == "Rejected: Wire transfer"
    assert [b for b in built["blocks"] if b["type"] == "actions"] == []
    text = reading(built["blocks"])
    assert f"*Decided*\nRejected by <@{APPROVER}> at <!date^1795773600^" in text and "Expires" not in text
    assert "*Duplicate* <!channel>" in runs(built["blocks"]), "the reason, inert"
    assert not any("Duplicate" in t for t in mrkdwn_texts(built))


def test_a_card_whose_action_ran_says_what_it_did_and_one_that_failed_says_so():
    ran = decided(ApprovalStatus.APPROVED)
    ran.execution = ExecutionRecord(
        DECIDED, True, "wire_transfer was sent; the receiving system answered HTTP 200"
    )
    failed = decided(ApprovalStatus.APPROVED)
    failed.execution = ExecutionRecord(DECIDED, False, "", error="Webhook answered HTTP 400: <@U0X> *bad*")

    assert "*Done* at <!date^1795773600^" in reading(build_approval_card(ran)["blocks"])
    assert "answered HTTP 200" in reading(build_approval_card(ran)["blocks"])
    shown = build_approval_card(failed)
    assert "Approved, but it failed to run" in reading(shown["blocks"])
    assert "Webhook answered HTTP 400: <@U0X> *bad*" in runs(shown["blocks"])


def test_an_expired_card_says_expired():
    built = build_approval_card(decided(ApprovalStatus.EXPIRED))

    assert built["blocks"][0]["text"]["text"] == "Expired: Wire transfer"
    assert "Expired: nobody decided in time, so nothing was run." in reading(built["blocks"])


def test_approval_only_says_nothing_runs_automatically():
    built = build_approval_card(card(action="request", approval_only=True, parameters={}))

    assert "*Approval only:* nothing runs automatically." in reading(built["blocks"])


def test_every_limit_holds_for_absurd_input():
    built = build_approval_card(
        card(
            action="a" * 1000,
            summary="s" * 200,
            approvers=[f"U{i:010d}" for i in range(500)],
            parameters={f"k{i}": "v" * 10 for i in range(90)},
        )
    )

    assert block_kit_problems(built["blocks"]) == []
    assert "60 more arguments are only under Show full details: k30, k31," in reading(built["blocks"])
    assert text_length(built["blocks"]) < 13_000
    assert "and 480 more" in str(built["blocks"])


def test_the_temporal_ui_link_escapes_the_workflow_id():
    assert (
        workflow_url("http://127.0.0.1:8233/", "default", "approval-a/b")
        == "http://127.0.0.1:8233/namespaces/default/workflows/approval-a%2Fb"
    )
