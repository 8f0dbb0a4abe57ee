"""Approvals decided on the dev server, and the executor activity run for them directly."""

import dataclasses

from temporalio.client import Client
from temporalio.testing import ActivityEnvironment

from activities.executors import ActionExecutors
from countersign.settings import Settings
from domain.catalog import ExecutorKind, ExecutorSpec
from domain.execution import ExecutionRequest, ExecutionResult
from domain.fingerprint import fingerprint
from domain.models import ApprovalRequest, DecisionSubmission
from tests.approvals import APPROVER, FROM_LIST, start_approval
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from workflows.approval import ApprovalWorkflow


async def decided(
    client: Client,
    settings: Settings,
    slack: FakeSlackWebApi,
    request: ApprovalRequest,
    approved: bool = True,
) -> str:
    """Starts an approval, waits for its card, decides it and waits for it to finish."""
    cards = len(slack.calls_to("chat.postMessage"))
    handle = await start_approval(client, settings.temporal_task_queue, request)
    await slack.wait_for_call("chat.postMessage", count=cards + 1)
    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=approved, user=APPROVER, origin=FROM_LIST)
    )
    await handle.result()
    return handle.id


def execution(
    approval_id: str, approved: ApprovalRequest, executor: ExecutorSpec, **changes
) -> ExecutionRequest:
    request = ExecutionRequest(
        action=approved.action,
        arguments=dict(approved.parameters),
        fingerprint=fingerprint(approved.action, approved.parameters),
        approval_workflow_id=approval_id,
        executor=executor,
        requester=approved.requester,
    )
    return dataclasses.replace(request, **changes)


def webhook_to(webhooks: FakeWebhookReceiver) -> ExecutorSpec:
    return ExecutorSpec(kind=ExecutorKind.WEBHOOK, url=f"{webhooks.url}/wire-transfer")


async def run(executors: ActionExecutors, request: ExecutionRequest) -> ExecutionResult:
    return await ActivityEnvironment().run(executors.execute_action, request)
