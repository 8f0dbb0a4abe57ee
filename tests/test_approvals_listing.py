"""Reading `/approvals <text>` and the visibility query each list runs (pure, no Temporal)."""

import pytest

from bot.approvals.listing import HelpRequest, Listing, PageCursor, Scope, parse_approvals_command

USER = "U0CALLER"


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("", Listing(Scope.TO_DECIDE, USER)),
        ("   ", Listing(Scope.TO_DECIDE, USER)),
        ("mine", Listing(Scope.MINE, USER)),
        (" ALL ", Listing(Scope.ALL, USER)),
        ("<#C0FINANCE|finance>", Listing(Scope.CHANNEL, USER, channel="C0FINANCE")),
        ("<#C0FINANCE>", Listing(Scope.CHANNEL, USER, channel="C0FINANCE")),
        ("<#G0PRIVATE|>", Listing(Scope.CHANNEL, USER, channel="G0PRIVATE")),
    ],
)
def test_each_sub_command_names_its_list(text: str, view: Listing):
    assert parse_approvals_command(text, USER) == view


def test_help_is_help():
    assert parse_approvals_command("help", USER) == HelpRequest()


@pytest.mark.parametrize("text", ["pending", "mine all", "<@U0SOMEONE|someone>", "<#C0FINANCE|finance> mine"])
def test_an_unknown_sub_command_gets_help_saying_what_was_not_understood(text: str):
    asked = parse_approvals_command(text, USER)

    assert isinstance(asked, HelpRequest) and f"`/approvals {text}`" in asked.problem


def test_a_channel_typed_by_name_asks_to_pick_it_from_the_autocomplete():
    asked = parse_approvals_command("#finance", USER)

    assert isinstance(asked, HelpRequest) and "Pick `#finance` from the list" in asked.problem


def test_the_default_list_is_what_the_caller_may_decide_and_did_not_ask_for():
    query = Listing(Scope.TO_DECIDE, USER).visibility_query()

    assert query == (
        "ApprovalStatus = 'pending' AND ExecutionStatus = 'Running' "
        "AND ApprovalApprovers IN ('U0CALLER', '*') AND ApprovalRequester != 'U0CALLER'"
    )


@pytest.mark.parametrize(
    ("view", "clause"),
    [
        (Listing(Scope.MINE, USER), " AND ApprovalRequester = 'U0CALLER'"),
        (Listing(Scope.CHANNEL, USER, "C0FINANCE"), " AND ApprovalChannel = 'C0FINANCE'"),
        (Listing(Scope.ALL, USER), ""),
    ],
)
def test_mine_all_and_channel_narrow_the_pending_approvals(view: Listing, clause: str):
    assert view.visibility_query() == "ApprovalStatus = 'pending' AND ExecutionStatus = 'Running'" + clause


@pytest.mark.parametrize("user", ["U0X' OR ApprovalStatus = 'approved", "u0lower", ""])
def test_anything_but_a_slack_id_is_refused_rather_than_put_in_a_query(user: str):
    with pytest.raises(ValueError, match="not a Slack ID"):
        Listing(Scope.MINE, user).visibility_query()


def test_a_page_cursor_survives_the_trip_through_a_button_value():
    cursor = PageCursor(Scope.CHANNEL, "C0FINANCE", 23, b'{"StartTime":"2026-11-27T02:46:29Z"}\x00\xff')

    assert PageCursor.from_button_value(cursor.to_button_value()) == cursor
    assert cursor.view_for("U0OTHER") == Listing(Scope.CHANNEL, "U0OTHER", "C0FINANCE")
