"""The card builder: pure functions, checked against Slack's published limits."""

from datetime import UTC, datetime

from blocks.approval_card import build_approval_card, workflow_url
from tests.approvals import APPROVER, REQUESTER, wire_request
from tests.fakes.block_kit import block_kit_problems
from workflows.fingerprint import fingerprint
from workflows.models import ApprovalCard, ApprovalStatus, Decision

EXPIRES = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


def card(**changes) -> ApprovalCard:
    request = wire_request(**changes)
    return ApprovalCard(
        workflow_id="approval-1234",
        request=request,
        fingerprint=fingerprint(request.action, request.parameters),
        expires_at=EXPIRES,
    )


def test_the_card_shows_what_an_approver_needs_to_decide():
    built = build_approval_card(card(), "http://127.0.0.1:8233/namespaces/default/workflows/approval-1234")
    text = str(built["blocks"])

    assert built["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Approval needed: Wire transfer"},
    }
    for shown in (
        "Wire $5,000 to ACME",
        "*payee*\\nACME",
        "*amount*\\n5000.00",
        f"<@{REQUESTER}>",
        f"<@{APPROVER}>",
    ):
        assert shown in text
    assert "<!date^1796290200^" in text  # the expiry, in each reader's time zone
    assert f"`{card().fingerprint}`" in text
    assert "View in Temporal" in text
    assert built["text"] == "Approval needed: Wire $5,000 to ACME for invoice 4411"
    assert block_kit_problems(built["blocks"]) == []


def test_text_from_the_request_cannot_ping_the_channel_or_fake_a_link():
    built = build_approval_card(card(summary="<!channel> pay <http://evil|ACME>", parameters={"x": "<@U1>"}))

    assert "<!channel>" not in str(built["blocks"]) and "<@U1>" not in str(built["blocks"])
    assert "&lt;!channel&gt;" in str(built["blocks"])


def test_a_decided_card_loses_its_buttons_and_says_who_decided_and_why():
    decided = card()
    decided.status = ApprovalStatus.REJECTED
    decided.decision = Decision(
        approved=False,
        decided_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        decided_by=APPROVER,
        reason="Duplicate",
    )

    built = build_approval_card(decided)

    assert [b for b in built["blocks"] if b["type"] == "actions"] == []
    assert built["blocks"][-1]["text"]["text"].startswith(
        f":x: Rejected by <@{APPROVER}> at <!date^1795773600^"
    )
    assert built["blocks"][-1]["text"]["text"].endswith(": Duplicate")


def test_an_expired_card_says_expired():
    expired = card()
    expired.status = ApprovalStatus.EXPIRED

    assert build_approval_card(expired)["blocks"][-1]["text"]["text"] == ":hourglass: Expired"


def test_every_limit_holds_for_absurd_input():
    built = build_approval_card(
        card(
            action="a" * 1000,
            summary="s" * 50_000,
            approvers=[f"U{i:010d}" for i in range(500)],
            parameters={f"{'k' * 3000}{i}": "v" * 10_000 for i in range(1000)},
        )
    )

    assert block_kit_problems(built["blocks"]) == []
    assert len(built["text"]) <= 3000


def test_the_temporal_ui_link_escapes_the_workflow_id():
    assert (
        workflow_url("http://127.0.0.1:8233/", "default", "approval-a/b")
        == "http://127.0.0.1:8233/namespaces/default/workflows/approval-a%2Fb"
    )
