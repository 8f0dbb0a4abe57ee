"""The `/approvals` list builder: pure functions, checked against Slack's published limits."""

from datetime import UTC, datetime, timedelta

import pytest

from blocks.approval_card import APPROVE_ACTION_ID, DETAILS_ACTION_ID, REJECT_ACTION_ID, WITHDRAW_ACTION_ID
from bot.approvals.list_blocks import (
    APPROVALS_PER_PAGE,
    HELP_TEXT,
    NEXT_PAGE_ACTION_ID,
    age,
    build_approvals_help,
    build_approvals_list,
)
from bot.approvals.listing import Listing, PageCursor, Scope
from bot.approvals.pending import ApprovalsPage, PendingApproval
from domain.search_attributes import ANYONE
from tests.fakes.block_kit import block_kit_problems
from tests.fakes.block_text import live_tokens, reading, text_length

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
VIEWER = "U0VIEWER"
PERMALINK = "https://example.slack.com/archives/C0FINANCE/p1700000001000100"


def pending(n: int = 1, **changes) -> PendingApproval:
    fields = dict(
        workflow_id=f"approval-{n}",
        summary=f"Wire ${n},000 to ACME",
        requester="U0REQUESTER",
        approvers=[VIEWER],
        channel="C0FINANCE",
        requested_at=NOW - timedelta(hours=3),
        expires_at=datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
        message_ts="1700000001.000100",
        action="wire_transfer",
    )
    return PendingApproval(**(fields | changes))


def page(approvals: list[PendingApproval], *, total: int | None = None, token: bytes | None = None):
    return ApprovalsPage(approvals, total or len(approvals), shown_before=0, next_page_token=token)


def actions(built: dict) -> list[dict]:
    return [b for b in built["blocks"] if b["type"] == "actions"]


def listed(view: Listing, approvals: list[PendingApproval], **options) -> dict:
    options.setdefault("permalinks", {})
    return build_approvals_list(
        view, page(approvals, **options.pop("paging", {})), now=NOW, seal=SEAL, **options
    )


def seal(workflow_id: str) -> str:
    return f"sealed:{workflow_id}"


SEAL = seal


def test_each_approval_shows_its_action_summary_requester_age_expiry_and_a_link_to_its_card():
    built = listed(Listing(Scope.TO_DECIDE, VIEWER), [pending()], permalinks={"approval-1": PERMALINK})

    line = reading(built["blocks"][1:2])
    assert line.startswith("Wire transfer: Wire $1,000 to ACME ")
    for shown in ("Requested by @U0REQUESTER 3 h ago", "in #C0FINANCE", "expires 2026-12-03 09:30 UTC"):
        assert shown in line
    assert {"type": "link", "url": PERMALINK, "text": "Open the card"} in built["blocks"][1]["elements"][1][
        "elements"
    ]
    assert built["blocks"][0]["text"]["text"] == "*Approvals waiting for you* · 1–1 of 1"
    assert built["text"] == "Approvals waiting for you: 1"


def test_the_buttons_are_the_cards_own_sealed_to_the_list_with_a_block_id_unique_in_the_message():
    built = listed(Listing(Scope.TO_DECIDE, VIEWER), [pending(1), pending(2)])

    blocks = actions(built)
    assert [[(e["action_id"], e["value"]) for e in b["elements"]] for b in blocks] == [
        [
            (APPROVE_ACTION_ID, "sealed:approval-1"),
            (REJECT_ACTION_ID, "sealed:approval-1"),
            (DETAILS_ACTION_ID, "approval-1"),
        ],
        [
            (APPROVE_ACTION_ID, "sealed:approval-2"),
            (REJECT_ACTION_ID, "sealed:approval-2"),
            (DETAILS_ACTION_ID, "approval-2"),
        ],
    ]
    assert len({b["block_id"] for b in blocks}) == 2


def test_approvals_the_viewer_may_not_decide_have_no_decision_buttons_and_say_who_may():
    approvals = [
        pending(1, requester=VIEWER, approvers=[ANYONE]),
        pending(2, approvers=["U0BOSS", "U0CFO"]),
        pending(3, approvers=[ANYONE]),
    ]

    built = listed(Listing(Scope.ALL, VIEWER), approvals)

    # Their own request: only Withdraw, sealed to the list like the others.
    assert [[(e["action_id"], e["value"]) for e in b["elements"]][:1] for b in actions(built)] == [
        [(WITHDRAW_ACTION_ID, "sealed:approval-1")],
        [(APPROVE_ACTION_ID, "sealed:approval-3")],
    ]
    assert len(actions(built)[0]["elements"]) == 1
    text = reading(built["blocks"])
    assert f"Can be decided by anyone but @{VIEWER}." in text
    assert "Can be decided by @U0BOSS, @U0CFO." in text


def test_a_channel_list_names_the_channel_once_in_its_title():
    built = listed(Listing(Scope.CHANNEL, VIEWER, "C0FINANCE"), [pending()])

    assert built["blocks"][0]["text"]["text"].startswith("*Pending approvals in <#C0FINANCE>*")
    assert "#C0FINANCE" not in reading(built["blocks"][1:2])


@pytest.mark.parametrize(
    ("view", "said"),
    [
        (Listing(Scope.TO_DECIDE, VIEWER), "Nothing is waiting for you to decide."),
        (Listing(Scope.MINE, VIEWER), "None of your requests is waiting for a decision."),
        (Listing(Scope.ALL, VIEWER), "No approvals are pending."),
        (Listing(Scope.CHANNEL, VIEWER, "C0FINANCE"), "No approvals are pending in <#C0FINANCE>."),
    ],
)
def test_an_empty_list_says_so(view: Listing, said: str):
    built = listed(view, [])

    assert built["text"] == said and said in built["blocks"][0]["text"]["text"]
    assert actions(built) == []


def test_a_full_page_fits_one_message_and_ends_with_next_carrying_where_to_go_on():
    approvals = [pending(n, summary="€&<>" * 125, approvers=[ANYONE]) for n in range(APPROVALS_PER_PAGE)]
    token = b'{"CloseTime":"9999-12-31T23:59:59Z","StartTime":"2026-11-27T02:46:29.824741Z"}'

    built = listed(
        Listing(Scope.CHANNEL, VIEWER, "C0FINANCE"),
        approvals,
        paging={"total": 10_000, "token": token},
        permalinks={a.workflow_id: PERMALINK for a in approvals},
    )

    assert block_kit_problems(built["blocks"]) == []
    assert len(built["blocks"]) <= 50 and text_length(built["blocks"]) < 13_000
    assert f"1–{APPROVALS_PER_PAGE} of 10,000" in built["blocks"][0]["text"]["text"]
    (next_button,) = actions(built)[-1]["elements"]
    assert next_button["action_id"] == NEXT_PAGE_ACTION_ID
    assert next_button["text"]["text"] == f"Next {APPROVALS_PER_PAGE}"
    assert PageCursor.from_button_value(next_button["value"]) == PageCursor(
        Scope.CHANNEL, "C0FINANCE", APPROVALS_PER_PAGE, token
    )


def test_the_last_page_has_no_next_button():
    built = listed(Listing(Scope.ALL, VIEWER), [pending()])

    assert NEXT_PAGE_ACTION_ID not in str(built["blocks"])


def test_a_long_summary_is_shortened_and_says_so_and_the_facts_still_follow():
    built = listed(
        Listing(Scope.TO_DECIDE, VIEWER),
        [pending(summary="x" * 500)],
        permalinks={"approval-1": PERMALINK},
    )

    assert block_kit_problems(built["blocks"]) == []
    line = reading(built["blocks"][1:2])
    assert "… (shortened: the card has all of it)" in line and "Open the card" in line


def test_markup_in_a_summary_is_shown_as_typed_not_obeyed():
    built = listed(
        Listing(Scope.TO_DECIDE, VIEWER),
        [pending(summary="Pay <!channel> *now* &amp; <https://evil.example|ACME>")],
    )

    assert "Pay @channel *now* & ACME (https://evil.example)" in reading(built["blocks"][1:2])
    assert live_tokens(built) == []


@pytest.mark.parametrize(
    ("elapsed", "said"),
    [
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(hours=23, minutes=59), "23 h ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=6, hours=5), "6 days ago"),
    ],
)
def test_age(elapsed: timedelta, said: str):
    assert age(elapsed) == said


def test_help_follows_what_went_wrong():
    built = build_approvals_help("I don't know `/approvals pending`.")

    assert built["text"] == f"I don't know `/approvals pending`.\n\n{HELP_TEXT}"
    assert build_approvals_help()["text"] == HELP_TEXT
    for sub_command in ("`/approvals`", "`/approvals mine`", "`/approvals all`", "`/approvals #channel`"):
        assert sub_command in HELP_TEXT
