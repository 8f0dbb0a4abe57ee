"""A click while the approval's worker is down or busy still counts: the check times out,
the decision is signalled anyway, and the workflow (the gate) applies it when it runs."""

import asyncio
import time

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from countersign.settings import Settings
from domain.models import ApprovalStatus
from tests.approvals import APPROVER, start_approval
from tests.bot.cards import click
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.worker import build_worker


async def test_an_approve_click_while_no_worker_runs_is_applied_when_one_does(
    bot: SlackRequests, client: Client, settings: Settings, slack: FakeSlackWebApi
):
    async with build_worker(client, settings):
        approval = await start_approval(client, settings.temporal_task_queue)
        card = await slack.wait_for_call("chat.postMessage")

    response = await bot.interaction(click(card, APPROVER, approve=True))

    assert response.status == 200
    # The listener's check waits 2 s for an answer nobody can give, then signals anyway.
    await _wait_for_signal(approval, timeout=15)
    async with build_worker(client, settings):
        result = await approval.result()
    assert result.status is ApprovalStatus.APPROVED and result.decision.decided_by == APPROVER
    assert slack.calls_to("chat.postEphemeral") == [], "nobody was told Sorry"


async def _wait_for_signal(approval: WorkflowHandle, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = [e async for e in approval.fetch_history_events()]
        if any(e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED for e in events):
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the click was never signalled to the approval")
