"""Blocks Slack would refuse are refused, each problem with a JSON pointer; the card the
bot really posts passes; the limits are Slack's published ones."""

import json
from datetime import UTC, datetime
from pathlib import Path

from blocks.approval_card import build_approval_card
from blocks.details_modal import build_details_modal
from blocks.reject_modal import RejectTarget, build_reject_modal
from blocks.thread_reply import build_thread_reply
from domain.models import (
    REPLY_FORMAT_INERT,
    ActionRecord,
    Approval,
    ApprovalRequest,
    ApprovalResult,
    ApprovalStatus,
    Decision,
    ExecutionRecord,
    ThreadReply,
)
from sandbox import limits
from sandbox.block_validation import message_block_problems, view_problems
from tests.approvals import pending_state

LIMITS = json.loads((Path(__file__).parent / "fixtures/slack/block_kit_limits.json").read_text())


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def rich_text(*containers) -> dict:
    return {"type": "rich_text", "elements": list(containers)}


def rt_section(*elements) -> dict:
    return {"type": "rich_text_section", "elements": list(elements)}


def button(**changes) -> dict:
    return {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "Go"}, **changes}


def test_the_limits_are_slacks_published_numbers():
    value = lambda group, name: LIMITS[group][name]["value"]  # noqa: E731
    assert limits.MESSAGE_MAX_BLOCKS == value("surface_block_counts", "message_max_blocks")
    assert limits.MODAL_MAX_BLOCKS == value("surface_block_counts", "modal_max_blocks")
    assert limits.SECTION_TEXT_MAX == value("blocks", "section_text_max")
    assert limits.SECTION_FIELDS_MAX == value("blocks", "section_fields_max_items")
    assert limits.SECTION_FIELD_TEXT_MAX == value("blocks", "section_field_text_max")
    assert limits.HEADER_TEXT_MAX == value("blocks", "header_text_max")
    assert limits.ACTIONS_ELEMENTS_MAX == value("blocks", "actions_elements_max_items")
    assert limits.CONTEXT_ELEMENTS_MAX == value("blocks", "context_elements_max_items")
    assert limits.BUTTON_TEXT_MAX == value("button_element", "text_max")
    assert limits.BUTTON_VALUE_MAX == value("button_element", "value_max")
    assert list(limits.BUTTON_STYLES) == value("button_element", "style_allowed")
    assert limits.CONFIRM_TEXT_MAX == value("confirm_dialog", "text_max")
    assert limits.VIEW_TITLE_MAX == value("modal_view", "title_max")
    assert limits.PRIVATE_METADATA_MAX == value("modal_view", "private_metadata_max")


def test_the_bots_own_card_and_modal_pass():
    request = ApprovalRequest(
        action="request", summary="pay <ACME>", parameters={"x": 1}, requester="U1", channel="C1"
    )
    card = Approval(
        workflow_id="approval-1",
        request=request,
        fingerprint="abc",
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    assert message_block_problems(build_approval_card(card, "http://x/y")["blocks"]) == []
    modal = build_reject_modal(
        RejectTarget(workflow_id="approval-1", channel="C1", reason_required=True), pending_state(request)
    )
    assert view_problems(modal) == []


def test_limits_over_by_one_are_refused_at_their_place():
    assert message_block_problems([section("x" * 3000)]) == []
    assert message_block_problems([section("x" * 3001)]) == [
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]
    assert message_block_problems([section("x")] * 51) == [
        "no more than 50 items allowed [json-pointer:/blocks]"
    ]
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert message_block_problems([header]) == [
        "must be less than 151 characters [json-pointer:/blocks/0/text/text]"
    ]
    fields = {"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}
    assert message_block_problems([fields]) == [
        "no more than 10 items allowed [json-pointer:/blocks/0/fields]"
    ]
    too_long_value = {"type": "actions", "elements": [button(value="v" * 2001)]}
    assert message_block_problems([too_long_value]) == [
        "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]"
    ]


def test_unknown_types_and_broken_parts_are_refused():
    assert message_block_problems([{"type": "fancy"}]) == [
        "unsupported block type: 'fancy' [json-pointer:/blocks/0/type]"
    ]
    assert message_block_problems("not a list") == ["must provide an array [json-pointer:/blocks]"]
    assert message_block_problems([{"type": "section"}]) == [
        "must provide text or fields [json-pointer:/blocks/0]"
    ]
    assert message_block_problems([{"type": "actions", "elements": [{"type": "sparkle"}]}]) == [
        "unsupported element type here: 'sparkle' [json-pointer:/blocks/0/elements/0/type]"
    ]
    assert message_block_problems([{"type": "actions", "elements": [button(style="blue")]}]) == [
        "must be one of ['primary', 'danger'] [json-pointer:/blocks/0/elements/0/style]"
    ]
    assert message_block_problems([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}]) == [
        "must be one of ['plain_text'] [json-pointer:/blocks/0/text/type]"
    ]
    assert message_block_problems([section("")]) == [
        "must be more than 0 characters [json-pointer:/blocks/0/text/text]"
    ]


def test_duplicate_ids_are_refused():
    twice = [{**section("a"), "block_id": "b"}, {**section("c"), "block_id": "b"}]
    assert message_block_problems(twice) == ["duplicate block_id: 'b' [json-pointer:/blocks/1/block_id]"]
    same_action = {"type": "actions", "elements": [button(), button()]}
    assert message_block_problems([same_action]) == [
        "duplicate action_id: 'a' [json-pointer:/blocks/0/elements/1/action_id]"
    ]


def test_a_confirm_dialog_needs_all_four_parts_within_limits():
    confirm = {
        "title": {"type": "plain_text", "text": "Sure?"},
        "text": {"type": "mrkdwn", "text": "t" * 301},
        "confirm": {"type": "plain_text", "text": "Yes"},
    }
    problems = message_block_problems([{"type": "actions", "elements": [button(confirm=confirm)]}])
    assert problems == [
        "must be less than 301 characters [json-pointer:/blocks/0/elements/0/confirm/text/text]",
        "must provide a text object [json-pointer:/blocks/0/elements/0/confirm/deny]",
    ]


def test_views_are_checked_like_slack_checks_them():
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "A title longer than 24 chars"},
        "blocks": [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "Why"},
                "element": {"type": "plain_text_input"},
            }
        ],
    }
    assert view_problems(view) == [
        "must be less than 25 characters [json-pointer:/view/title/text]",
        "must provide submit when the view has input blocks [json-pointer:/view/submit]",
    ]
    assert view_problems(
        {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": [section("x")] * 101}
    ) == ["no more than 100 items allowed [json-pointer:/view/blocks]"]
    assert view_problems("nope") == ["must provide an object [json-pointer:/view]"]


def test_the_bots_rich_text_cards_replies_and_modals_pass():
    decided_at = datetime(2030, 1, 1, tzinfo=UTC)
    request = ApprovalRequest(
        action="wire_transfer",
        summary="pay <@U1> *now* <!channel> :x:",
        parameters={"memo": "<script>\nx", "link": "https://x.test/<a>"},
        requester="U1",
        channel="C1",
    )
    rejected = Decision(approved=False, decided_at=decided_at, decided_by="U2", reason="<b>no</b>\n*why*")
    failed = ExecutionRecord(finished_at=decided_at, succeeded=False, summary="", error="HTTP 500 <html>")
    for status, decision, execution in (
        (ApprovalStatus.REJECTED, rejected, None),
        (ApprovalStatus.APPROVED, Decision(approved=True, decided_at=decided_at, decided_by="U2"), failed),
    ):
        card = Approval(
            workflow_id="approval-1",
            request=request,
            fingerprint="abc",
            expires_at=decided_at,
            status=status,
            decision=decision,
            execution=execution,
        )
        assert message_block_problems(build_approval_card(card)["blocks"]) == []
        record = ActionRecord(
            action="wire_transfer",
            approval=ApprovalResult(status=status, fingerprint="abc", decision=decision),
            request=request.summary,
            execution=execution,
        )
        reply = ThreadReply(
            channel="C1", thread_ts="1.1", text="Done <@U1>", records=[record], format=REPLY_FORMAT_INERT
        )
        assert message_block_problems(build_thread_reply(reply, {"U2": "Grace"})["blocks"]) == []
    assert view_problems(build_details_modal(pending_state(request))) == []


def test_rich_text_with_every_part_slack_documents_passes():
    styled = {
        "type": "text",
        "text": "t",
        "style": {"bold": True, "italic": True, "strike": True, "code": True},
    }
    elements = [
        styled,
        {"type": "link", "url": "https://x.test", "text": "x"},
        {"type": "user", "user_id": "U1"},
        {"type": "usergroup", "usergroup_id": "S1"},
        {"type": "channel", "channel_id": "C1"},
        {"type": "broadcast", "range": "everyone"},
        {"type": "emoji", "name": "wave", "unicode": "1f44b"},
        {"type": "date", "timestamp": 1700000000, "format": "{date_num} {time}", "fallback": "then"},
    ]
    block = rich_text(
        rt_section(*elements),
        {"type": "rich_text_quote", "elements": elements, "border": 1},
        {"type": "rich_text_preformatted", "elements": [styled, elements[1]], "border": 0},
        {
            "type": "rich_text_list",
            "style": "ordered",
            "indent": 8,
            "offset": 3,
            "border": 0,
            "elements": [rt_section(*elements)],
        },
        rt_section(),
    )
    assert message_block_problems([block]) == []


def test_rich_text_parts_slack_does_not_know_are_refused_at_their_place():
    assert message_block_problems(
        [rich_text({"type": "rich_text_table"}, rt_section({"type": "sparkle"}))]
    ) == [
        "unsupported element type here: 'rich_text_table' [json-pointer:/blocks/0/elements/0/type]",
        "unsupported element type here: 'sparkle' [json-pointer:/blocks/0/elements/1/elements/0/type]",
    ]
    # A code block holds only text and links (Slack's rich_text_preformatted reference).
    pre = {"type": "rich_text_preformatted", "elements": [{"type": "user", "user_id": "U1"}]}
    assert message_block_problems([rich_text(pre)]) == [
        "unsupported element type here: 'user' [json-pointer:/blocks/0/elements/0/elements/0/type]"
    ]
    # A list's items are sections, nothing else.
    nested = {
        "type": "rich_text_list",
        "style": "bullet",
        "elements": [{"type": "rich_text_quote", "elements": []}],
    }
    assert message_block_problems([rich_text(nested)]) == [
        "unsupported element type here: 'rich_text_quote' [json-pointer:/blocks/0/elements/0/elements/0/type]"
    ]


def test_rich_text_missing_or_undocumented_values_are_refused():
    assert message_block_problems([{"type": "rich_text"}]) == [
        "must provide an array [json-pointer:/blocks/0/elements]"
    ]
    assert message_block_problems([rich_text({"type": "rich_text_section"})]) == [
        "must provide an array [json-pointer:/blocks/0/elements/0/elements]"
    ]
    elements = [
        {"type": "text"},
        {"type": "link", "text": "no url"},
        {"type": "user"},
        {"type": "broadcast", "range": "team"},
        {"type": "emoji", "unicode": "1f44b"},
        {"type": "date", "timestamp": "soon", "fallback": "x"},
        {"type": "text", "text": "t", "style": "bold"},
    ]
    at = "/blocks/0/elements/0/elements"
    assert message_block_problems([rich_text(rt_section(*elements))]) == [
        f"must provide a string [json-pointer:{at}/0/text]",
        f"must provide a string [json-pointer:{at}/1/url]",
        f"must provide a string [json-pointer:{at}/2/user_id]",
        f"must be one of ['here', 'channel', 'everyone'] [json-pointer:{at}/3/range]",
        f"must provide a string [json-pointer:{at}/4/name]",
        f"must provide a number [json-pointer:{at}/5/timestamp]",
        f"must provide a string [json-pointer:{at}/5/format]",
        f"must provide an object [json-pointer:{at}/6/style]",
    ]
    bad_list = {
        "type": "rich_text_list",
        "style": "dashed",
        "indent": 9,
        "offset": "1",
        "border": 2,
        "elements": [],
    }
    assert message_block_problems([rich_text(bad_list)]) == [
        "must be one of ['bullet', 'ordered'] [json-pointer:/blocks/0/elements/0/style]",
        "must be a number from 0 to 8 [json-pointer:/blocks/0/elements/0/indent]",
        "must be a number [json-pointer:/blocks/0/elements/0/offset]",
        "must be one of [0, 1] [json-pointer:/blocks/0/elements/0/border]",
    ]
