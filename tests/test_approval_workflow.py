"""ApprovalWorkflow on the real Temporal dev server, Slack faked on loopback."""

import pytest
from temporalio.client import Client

from bot.blocks.approval_card import APPROVE_ACTION_ID, REJECT_ACTION_ID
from countersign.settings import Settings
from tests.approvals import APPROVER, CHANNEL, start_approval
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.approval import ApprovalWorkflow
from workflows.models import ApprovalStatus, DecisionSubmission
from workflows.worker import build_worker


def buttons(call) -> list[dict]:
    return [e for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]]


def card_text(call) -> str:
    return str(call.args["blocks"])


@pytest.fixture
async def worker(client: Client, settings: Settings):
    async with build_worker(client, settings) as running:
        yield running


async def test_approve_posts_card_once_and_updates_it_with_the_approver(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    handle = await start_approval(client, settings.temporal_task_queue)
    card = await slack.wait_for_call("chat.postMessage")
    assert card.args["channel"] == CHANNEL
    assert card.args["thread_ts"] == "1700000000.000001"
    assert [(b["action_id"], b["value"]) for b in buttons(card)] == [
        (APPROVE_ACTION_ID, handle.id),
        (REJECT_ACTION_ID, handle.id),
    ]
    assert "ACME" in card_text(card) and "invoice" in card_text(card)

    await handle.signal(ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER))
    result = await handle.result()

    assert result.status is ApprovalStatus.APPROVED
    assert result.decision.decided_by == APPROVER
    update = slack.calls_to("chat.update")[-1]
    assert update.args["ts"] == result.message_ts
    assert buttons(update) == []
    assert f"Approved by <@{APPROVER}>" in card_text(update)
    assert len(slack.calls_to("chat.postMessage")) == 1
