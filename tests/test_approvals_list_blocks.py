"""The `/approvals` list builder: pure functions, checked against Slack's published limits."""

from datetime import UTC, datetime, timedelta

import pytest

from blocks.approval_card import APPROVE_ACTION_ID, REJECT_ACTION_ID
from bot.approvals_query import ApprovalsPage, PendingApproval
from bot.approvals_view import ApprovalsView, PageCursor, Scope
from bot.blocks.approvals_list import (
    APPROVALS_PER_PAGE,
    HELP_TEXT,
    NEXT_PAGE_ACTION_ID,
    age,
    build_approvals_help,
    build_approvals_list,
)
from tests.fakes.block_kit import block_kit_problems
from workflows.search_attributes import ANYONE

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
    )
    return PendingApproval(**(fields | changes))


def page(approvals: list[PendingApproval], *, total: int | None = None, token: bytes | None = None):
    return ApprovalsPage(approvals, total or len(approvals), shown_before=0, next_page_token=token)


def actions(built: dict) -> list[dict]:
    return [b for b in built["blocks"] if b["type"] == "actions"]


def test_each_approval_shows_summary_requester_age_expiry_and_a_link_to_its_card():
    built = build_approvals_list(
        ApprovalsView(Scope.TO_DECIDE, VIEWER),
        page([pending()]),
        now=NOW,
        permalinks={"approval-1": PERMALINK},
    )

    line = built["blocks"][1]["text"]["text"]
    assert line.startswith("*Wire $1,000 to ACME*\n")
    for shown in ("Requested by <@U0REQUESTER> 3 h ago", "in <#C0FINANCE>", "expires <!date^1796290200^"):
        assert shown in line
    assert f"<{PERMALINK}|Open the card>" in line
    assert built["blocks"][0]["text"]["text"] == "*Approvals waiting for you* · 1–1 of 1"
    assert built["text"] == "Approvals waiting for you: 1"


def test_the_buttons_are_the_cards_own_with_a_block_id_unique_in_the_message():
    built = build_approvals_list(
        ApprovalsView(Scope.TO_DECIDE, VIEWER), page([pending(1), pending(2)]), now=NOW, permalinks={}
    )

    blocks = actions(built)
    assert [[(e["action_id"], e["value"]) for e in b["elements"]] for b in blocks] == [
        [(APPROVE_ACTION_ID, "approval-1"), (REJECT_ACTION_ID, "approval-1")],
        [(APPROVE_ACTION_ID, "approval-2"), (REJECT_ACTION_ID, "approval-2")],
    ]
    assert len({b["block_id"] for b in blocks}) == 2


def test_approvals_the_viewer_may_not_decide_have_no_buttons_and_say_who_may():
    approvals = [
        pending(1, requester=VIEWER, approvers=[ANYONE]),
        pending(2, approvers=["U0BOSS", "U0CFO"]),
        pending(3, approvers=[ANYONE]),
    ]

    built = build_approvals_list(ApprovalsView(Scope.ALL, VIEWER), page(approvals), now=NOW, permalinks={})

    assert [b["elements"][0]["value"] for b in actions(built)] == ["approval-3"]
    text = str(built["blocks"])
    assert f"Can be decided by anyone but <@{VIEWER}>." in text
    assert "Can be decided by <@U0BOSS>, <@U0CFO>." in text


def test_a_channel_list_names_the_channel_once_in_its_title():
    built = build_approvals_list(
        ApprovalsView(Scope.CHANNEL, VIEWER, "C0FINANCE"), page([pending()]), now=NOW, permalinks={}
    )

    assert built["blocks"][0]["text"]["text"].startswith("*Pending approvals in <#C0FINANCE>*")
    assert "in <#C0FINANCE>" not in built["blocks"][1]["text"]["text"]


@pytest.mark.parametrize(
    ("view", "said"),
    [
        (ApprovalsView(Scope.TO_DECIDE, VIEWER), "Nothing is waiting for you to decide."),
        (ApprovalsView(Scope.MINE, VIEWER), "None of your requests is waiting for a decision."),
        (ApprovalsView(Scope.ALL, VIEWER), "No approvals are pending."),
        (ApprovalsView(Scope.CHANNEL, VIEWER, "C0FINANCE"), "No approvals are pending in <#C0FINANCE>."),
    ],
)
def test_an_empty_list_says_so(view: ApprovalsView, said: str):
    built = build_approvals_list(view, page([]), now=NOW, permalinks={})

    assert built["text"] == said and said in built["blocks"][0]["text"]["text"]
    assert actions(built) == []


def test_a_full_page_fits_one_message_and_ends_with_next_carrying_where_to_go_on():
    approvals = [pending(n, summary="€" * 600, approvers=[ANYONE]) for n in range(APPROVALS_PER_PAGE)]
    token = b'{"CloseTime":"9999-12-31T23:59:59Z","StartTime":"2026-11-27T02:46:29.824741Z"}'

    built = build_approvals_list(
        ApprovalsView(Scope.CHANNEL, VIEWER, "C0FINANCE"),
        page(approvals, total=10_000, token=token),
        now=NOW,
        permalinks={a.workflow_id: PERMALINK for a in approvals},
    )

    assert block_kit_problems(built["blocks"]) == []
    assert len(built["blocks"]) <= 50
    assert f"1–{APPROVALS_PER_PAGE} of 10,000" in built["blocks"][0]["text"]["text"]
    (next_button,) = actions(built)[-1]["elements"]
    assert next_button["action_id"] == NEXT_PAGE_ACTION_ID
    assert next_button["text"]["text"] == f"Next {APPROVALS_PER_PAGE}"
    assert PageCursor.from_button_value(next_button["value"]) == PageCursor(
        Scope.CHANNEL, "C0FINANCE", APPROVALS_PER_PAGE, token
    )


def test_the_last_page_has_no_next_button():
    built = build_approvals_list(ApprovalsView(Scope.ALL, VIEWER), page([pending()]), now=NOW, permalinks={})

    assert NEXT_PAGE_ACTION_ID not in str(built["blocks"])


def test_a_long_summary_is_cut_before_the_facts_that_follow_it():
    built = build_approvals_list(
        ApprovalsView(Scope.TO_DECIDE, VIEWER),
        page([pending(summary="x" * 5000)]),
        now=NOW,
        permalinks={"approval-1": PERMALINK},
    )

    assert block_kit_problems(built["blocks"]) == []
    assert "Open the card>" in built["blocks"][1]["text"]["text"]


def test_markup_in_a_summary_is_shown_not_obeyed():
    built = build_approvals_list(
        ApprovalsView(Scope.TO_DECIDE, VIEWER),
        page([pending(summary="Pay <!channel> & <https://evil.example|ACME>")]),
        now=NOW,
        permalinks={},
    )

    assert (
        "Pay &lt;!channel&gt; &amp; &lt;https://evil.example|ACME&gt;" in built["blocks"][1]["text"]["text"]
    )


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
