"""The `/approvals history` builder and query: pure functions, checked against Slack's limits."""

from datetime import UTC, datetime

import pytest

from bot.approvals.decided import DecidedApproval, HistoryPage
from bot.approvals.history_blocks import build_history_list
from bot.approvals.list_blocks import APPROVALS_PER_PAGE, HELP_TEXT, NEXT_PAGE_ACTION_ID
from bot.approvals.listing import Listing, PageCursor, Scope, parse_approvals_command
from domain.models import ApprovalStatus
from tests.fakes.block_kit import block_kit_problems
from tests.fakes.block_text import live_tokens, reading, text_length

VIEWER = "U0VIEWER"
ENDED_AT = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PERMALINK = "https://example.slack.com/archives/C0FINANCE/p1700000001000100"


def ended(n: int = 1, **changes) -> DecidedApproval:
    fields = dict(
        workflow_id=f"approval-{n}",
        summary=f"Wire ${n},000 to ACME",
        action="wire_transfer",
        requester=VIEWER,
        channel="C0FINANCE",
        status=ApprovalStatus.APPROVED,
        ended_by="U0APPROVER",
        ended_at=ENDED_AT,
        deciders=["U0APPROVER"],
        message_ts="1700000001.000100",
    )
    return DecidedApproval(**(fields | changes))


def page(approvals: list[DecidedApproval], total: int = 0, token: bytes | None = None) -> HistoryPage:
    return HistoryPage(approvals, total or len(approvals), shown_before=0, next_page_token=token)


def test_history_is_a_sub_command_and_in_the_help():
    assert parse_approvals_command("history", VIEWER) == Listing(Scope.HISTORY, VIEWER)
    assert "`/approvals history`" in HELP_TEXT


def test_the_query_finds_ended_approvals_the_user_asked_for_or_decided():
    query = Listing(Scope.HISTORY, VIEWER).visibility_query()

    assert "'pending'" not in query and "'withdrawn'" in query
    assert f"(ApprovalRequester = '{VIEWER}' OR ApprovalDecidedBy = '{VIEWER}')" in query


@pytest.mark.parametrize(
    ("approval", "said"),
    [
        (ended(), "You asked · :white_check_mark: Approved by @U0APPROVER at "),
        (ended(requester="U0OTHER", ended_by=VIEWER), "You decided · :white_check_mark: Approved by @"),
        (ended(status=ApprovalStatus.REJECTED), "Rejected by @U0APPROVER at "),
        (ended(status=ApprovalStatus.WITHDRAWN, ended_by=VIEWER, deciders=[]), "Withdrawn by @U0VIEWER at "),
        (ended(status=ApprovalStatus.EXPIRED, ended_by=None), "You asked · :hourglass: Expired at "),
        (ended(status=ApprovalStatus.CANCELLED, ended_by=None, deciders=[]), "Cancelled at "),
    ],
)
def test_each_line_says_the_viewers_role_the_outcome_who_and_when(approval: DecidedApproval, said: str):
    built = build_history_list(Listing(Scope.HISTORY, VIEWER), page([approval]), permalinks={})

    assert said in reading(built["blocks"])
    assert block_kit_problems(built["blocks"]) == []


def test_a_full_page_fits_one_message_and_ends_with_next():
    approvals = [ended(n, summary="x" * 500) for n in range(APPROVALS_PER_PAGE)]

    built = build_history_list(
        Listing(Scope.HISTORY, VIEWER),
        page(approvals, total=1_000, token=b"t" * 40),
        permalinks={a.workflow_id: PERMALINK for a in approvals},
    )

    assert block_kit_problems(built["blocks"]) == []
    assert len(built["blocks"]) <= 50 and text_length(built["blocks"]) < 13_000
    (next_button,) = built["blocks"][-1]["elements"]
    assert next_button["action_id"] == NEXT_PAGE_ACTION_ID
    cursor = PageCursor.from_button_value(next_button["value"])
    assert cursor.view_for(VIEWER) == Listing(Scope.HISTORY, VIEWER)


def test_markup_in_a_summary_is_shown_as_typed_not_obeyed():
    approval = ended(summary="*urgent* <!channel> <https://evil.example|invoice> <@U0CEO>")

    built = build_history_list(Listing(Scope.HISTORY, VIEWER), page([approval]), permalinks={})

    assert live_tokens(built) == []
    assert "*urgent*" in reading(built["blocks"])
