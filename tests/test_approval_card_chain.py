"""The card and the DM for a chained request: pure builders, no Slack."""

from dataclasses import replace
from datetime import UTC, datetime

from blocks.approval_card import build_approval_card
from blocks.stage_notice import build_stage_notice
from domain.fingerprint import fingerprint
from domain.models import Approval, ApprovalStatus, Decision
from domain.policy import Policy, Stage
from domain.policy_decisions import decide
from domain.policy_progress import Progress, escalate
from domain.stage_notice import NoticeKind, StageNotice
from tests.approvals import CFO, MANAGER, REQUESTER, chained_request, payments_policy
from tests.fakes.block_kit import block_kit_problems
from tests.fakes.block_text import live_tokens

DEADLINE = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
DECIDED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ABOVE_THRESHOLD = {"amount": "50000.00", "currency": "USD", "payee": "ACME", "invoice": "4411"}
# A stage name is the catalog's, yet drawn as text: no broadcast, no link.
SNEAKY = Stage(name="<!channel> *Comms*", approvers=[MANAGER], escalate_to=[CFO])


def chained_card(policy: Policy, progress: Progress | None = None, **changes) -> Approval:
    request = chained_request(policy, **changes)
    return Approval(
        workflow_id="approval-1234",
        request=request,
        fingerprint=fingerprint(request.action, request.parameters),
        expires_at=DEADLINE,
        progress=progress or Progress(),
    )


def fields(message: dict) -> list[str]:
    return [f["text"] for b in message["blocks"] if b["type"] == "section" for f in b.get("fields", [])]


def test_a_pending_card_shows_the_stages_who_decides_now_and_until_when():
    built = build_approval_card(chained_card(payments_policy(), parameters=ABOVE_THRESHOLD))

    assert f"*Who may approve*\n<@{MANAGER}> (Manager stage)" in fields(built)
    assert "*Stages*\nManager 0/1 · CFO waiting" in fields(built)
    assert any(f.startswith("*Expires*\n<!date^1796290200^") for f in fields(built))
    assert built["text"].endswith(f"requested by {REQUESTER}. {MANAGER} may decide.")
    assert block_kit_problems(built["blocks"]) == []


def test_a_decided_card_keeps_who_approved_each_stage():
    card = chained_card(payments_policy(), parameters=ABOVE_THRESHOLD)
    chain = card.request.chain
    progress = decide(chain, Progress(), MANAGER, True, DECIDED)
    progress = decide(chain, progress, CFO, True, DECIDED)
    card = replace(
        card, progress=progress, status=ApprovalStatus.APPROVED, decision=Decision(True, DECIDED, CFO)
    )

    built = build_approval_card(card)

    assert f"*Stages*\nManager ✓ <@{MANAGER}> · CFO ✓ <@{CFO}>" in fields(built)
    assert not any(f.startswith(("*Who may approve*", "*Expires*")) for f in fields(built))


def test_escalation_is_announced_before_and_noted_after_with_the_stage_name_inert():
    policy = Policy(name="comms", stages=[SNEAKY, Stage(name="Legal")])
    before = build_approval_card(chained_card(policy))
    card = chained_card(policy)
    after = build_approval_card(replace(card, progress=escalate(card.request.chain, Progress())))

    assert any(
        f.startswith("*Escalates*\n<!date^") and f"then <@{CFO}> can decide it too" in f
        for f in fields(before)
    )
    assert "reached its deadline, so <@U03ALANTUR> can decide it too" in str(after["blocks"])
    for built in (before, after):
        tokens = live_tokens(built)
        assert "<!channel>" not in tokens
        assert all(t.startswith(("<@", "<!date^")) for t in tokens), tokens
        assert "&lt;!channel&gt; *Comms*" in str(built["blocks"])


def test_a_one_stage_shorthand_has_no_stages_line():
    built = build_approval_card(chained_card(Policy(name="p", stages=[Stage(name="Approval")])))

    assert not any(f.startswith("*Stages*") for f in fields(built))
    assert f"*Who may approve*\nanyone but <@{REQUESTER}>" in fields(built)


def test_the_dm_names_the_stage_links_the_card_and_carries_nothing_the_requester_wrote():
    notice = StageNotice(
        user=CFO,
        kind=NoticeKind.ESCALATED,
        action="company_announcement",
        requester=REQUESTER,
        stage=SNEAKY.name,
        deadline=DEADLINE,
        channel="C0FINANCE",
        message_ts="1700000001.000100",
    )

    text = build_stage_notice(notice, "https://example.slack.com/archives/C0FINANCE/p1700000001000100")[
        "text"
    ]
    assert text.startswith(":arrow_double_up: *Company announcement* requested by <@U0REQUESTER>")
    assert "reached the &lt;!channel&gt; *Comms* stage's deadline" in text
    assert text.endswith("<https://example.slack.com/archives/C0FINANCE/p1700000001000100|Open the card>")
    assert "The card is in <#C0FINANCE>." in build_stage_notice(notice, None)["text"]
