"""Executors behind the gate: real ApprovalWorkflows on the dev server, a real receiver."""

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from joserfc.jwk import KeySet
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from activities.executors import ActionExecutors
from activities.slack_client import slack_web_client
from countersign.receipts.keys import parse_signing_key
from countersign.receipts.signing import ReceiptSigner
from countersign.receipts.verify import verify_receipt
from countersign.settings import Settings
from domain.catalog import ExecutorKind, ExecutorSpec
from domain.execution import ExecutionRequest
from domain.fingerprint import fingerprint
from domain.models import ApprovalRequest, DecisionSubmission, EditSubmission
from tests.approvals import APPROVER, FROM_LIST, MANAGER, editable_wire, start_approval, wire_request
from tests.conftest import WEBHOOK_SECRET
from tests.executions import decided, execution, run, webhook_to
from tests.executor_workflows import ApproveThenExecute, ApproveThenExecuteInput
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from tests.receipt_key import JWKS, SIGNING_KEY_PEM
from workflows.approval import ApprovalWorkflow

WIRE = {
    "amount": "5000.00",
    "currency": "USD",
    "payee": "ACME Corp",
    "account": "DE89370400440532013000",
    "reference": "4411",
}


@dataclasses.dataclass
class Driver:
    """Starts ApproveThenExecute (the agent's approve-then-run, minus the agent)."""

    client: Client
    settings: Settings
    slack: FakeSlackWebApi
    webhooks: FakeWebhookReceiver
    task_queue: str

    async def start(self, approval: ApprovalRequest) -> WorkflowHandle:
        approval_id = f"approval-{uuid.uuid4()}"
        return await self.client.start_workflow(
            ApproveThenExecute.run,
            ApproveThenExecuteInput(
                approval=approval,
                approval_id=approval_id,
                execution=execution(approval_id, approval, webhook_to(self.webhooks)),
                task_queue=self.settings.temporal_task_queue,
            ),
            id=f"driver-{uuid.uuid4()}",
            task_queue=self.task_queue,
        )

    async def approve_child(self) -> str:
        """Approves the driver's approval once its card is up; returns the approval's ID."""
        card = await self.slack.wait_for_call("chat.postMessage")
        (approval_id,) = {
            b["value"] for b in card.args["blocks"] if b["type"] == "actions" for b in b["elements"]
        }
        await self.client.get_workflow_handle(approval_id).signal(
            ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST)
        )
        return approval_id


@pytest.fixture
async def driver(
    client: Client, settings: Settings, slack: FakeSlackWebApi, webhooks: FakeWebhookReceiver, worker: Worker
) -> AsyncIterator[Driver]:
    task_queue = f"{settings.temporal_task_queue}-driver"
    async with Worker(client, task_queue=task_queue, workflows=[ApproveThenExecute]):
        yield Driver(client, settings, slack, webhooks, task_queue)


@pytest.fixture
def executors(client: Client, slack: FakeSlackWebApi) -> ActionExecutors:
    return ActionExecutors(
        client,
        slack_web_client("xoxb-test-token", slack.api_url),
        WEBHOOK_SECRET,
        ReceiptSigner(parse_signing_key(SIGNING_KEY_PEM)),
    )


async def refusal(executors: ActionExecutors, request: ExecutionRequest) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        await run(executors, request)
    assert error.value.type == "ExecutionRefused" and error.value.non_retryable
    return error.value


async def test_an_approved_webhook_is_sent_once_signed_with_the_approval_as_webhook_id(
    client: Client, settings: Settings, slack, webhooks: FakeWebhookReceiver, executors, worker
):
    approved = wire_request()
    approval_id = await decided(client, settings, slack, approved)

    result = await run(executors, execution(approval_id, approved, webhook_to(webhooks)))

    (delivery,) = webhooks.attempts
    assert delivery.verified and delivery.acted and delivery.status == 200
    assert delivery.path == "/wire-transfer"
    assert delivery.json == approved.parameters
    assert delivery.webhook_id == delivery.idempotency_key == approval_id
    assert delivery.headers["X-Countersign-Action"] == "wire_transfer"
    assert delivery.receipt and delivery.receipt["jti"] == approval_id
    assert result.receipt == delivery.headers["Countersign-Approval"]
    assert (result.action, result.details["status"]) == ("wire_transfer", 200)


async def test_arguments_changed_after_the_approval_are_refused_and_nothing_is_sent(
    client: Client, settings: Settings, slack, webhooks: FakeWebhookReceiver, executors, worker
):
    approved = wire_request()
    approval_id = await decided(client, settings, slack, approved)
    changed = approved.parameters | {"amount": "50000.00"}

    # As the model would send them, still carrying the approved fingerprint ...
    error = await refusal(
        executors, execution(approval_id, approved, webhook_to(webhooks), arguments=changed)
    )
    assert "not the approved ones" in error.message
    # ... and with a fingerprint recomputed to match them: Temporal has the approved one.
    error = await refusal(
        executors,
        execution(
            approval_id,
            approved,
            webhook_to(webhooks),
            arguments=changed,
            fingerprint=fingerprint("wire_transfer", changed),
        ),
    )
    assert "different arguments" in error.message
    assert webhooks.attempts == []


async def test_an_edited_approval_runs_only_the_edited_version(
    client: Client, settings: Settings, slack, webhooks: FakeWebhookReceiver, executors, worker
):
    asked = editable_wire(WIRE | {"amount": "5000.00"})
    edited = asked.parameters | {"amount": "4500.00"}
    handle = await start_approval(client, settings.temporal_task_queue, asked)
    await slack.wait_for_call("chat.postMessage")
    edit = EditSubmission(user=MANAGER, parameters=edited, origin=FROM_LIST)
    await handle.signal(ApprovalWorkflow.edit, edit)
    await handle.result()

    # The arguments as asked were not approved: the edit took their place.
    error = await refusal(executors, execution(handle.id, asked, webhook_to(webhooks)))
    assert "different arguments" in error.message
    assert webhooks.attempts == []
    ran = dataclasses.replace(asked, parameters=edited)
    await run(executors, execution(handle.id, ran, webhook_to(webhooks)))
    (delivery,) = webhooks.accepted
    assert delivery.json == edited and delivery.receipt["edited"]["edits"][0]["user"] == MANAGER


async def test_a_rejected_approval_is_refused(
    client: Client, settings: Settings, slack, webhooks: FakeWebhookReceiver, executors, worker
):
    approved = wire_request()
    approval_id = await decided(client, settings, slack, approved, approved=False)

    error = await refusal(executors, execution(approval_id, approved, webhook_to(webhooks)))

    assert f"approval {approval_id} was rejected" in error.message
    assert webhooks.attempts == []


async def test_a_pending_approval_is_refused(
    client: Client, settings: Settings, slack, webhooks: FakeWebhookReceiver, executors, worker
):
    pending = wire_request()
    handle = await start_approval(client, settings.temporal_task_queue, pending)
    await slack.wait_for_call("chat.postMessage")

    error = await refusal(executors, execution(handle.id, pending, webhook_to(webhooks)))

    assert "still pending" in error.message
    assert webhooks.attempts == []


async def test_an_expired_approval_is_refused(
    client: Client, settings: Settings, slack, webhooks: FakeWebhookReceiver, executors, worker
):
    expiring = wire_request(timeout_seconds=1)
    handle = await start_approval(client, settings.temporal_task_queue, expiring)
    await handle.result()

    error = await refusal(executors, execution(handle.id, expiring, webhook_to(webhooks)))

    assert "was expired" in error.message


async def test_an_unknown_approval_is_refused(webhooks: FakeWebhookReceiver, executors):
    error = await refusal(
        executors, execution(f"approval-{uuid.uuid4()}", wire_request(), webhook_to(webhooks))
    )

    assert "there is no approval" in error.message
    assert webhooks.attempts == []


async def test_an_approval_of_another_action_or_requester_is_refused(
    client: Client, settings: Settings, slack, webhooks: FakeWebhookReceiver, executors, worker
):
    approved = wire_request()
    approval_id = await decided(client, settings, slack, approved)
    purchase = dataclasses.replace(approved, action="purchase_request")

    error = await refusal(executors, execution(approval_id, purchase, webhook_to(webhooks)))
    assert "was for wire_transfer" in error.message
    error = await refusal(
        executors, execution(approval_id, approved, webhook_to(webhooks), requester="U0SOMEONEELSE")
    )
    assert "asked for by someone else" in error.message
    assert webhooks.attempts == []


async def test_a_workflow_that_is_not_an_approval_is_refused(
    driver: Driver, webhooks: FakeWebhookReceiver, executors
):
    # A completed workflow of another type, whose result is not an ApprovalResult.
    handle = await driver.start(wire_request())
    await driver.approve_child()
    await handle.result()

    error = await refusal(executors, execution(handle.id, wire_request(), webhook_to(webhooks)))

    assert "is not an approval" in error.message


async def test_an_approval_asked_for_by_one_workflow_cannot_be_spent_by_another(
    driver: Driver, webhooks: FakeWebhookReceiver, executors
):
    approved = wire_request()
    handle = await driver.start(approved)
    approval_id = await driver.approve_child()
    await handle.result()
    assert len(webhooks.accepted) == 1

    # Outside any workflow (ActivityEnvironment's workflow ID is "test"): not its approval.
    error = await refusal(executors, execution(approval_id, approved, webhook_to(webhooks)))

    assert "asked for by another workflow" in error.message
    assert len(webhooks.attempts) == 1


async def test_a_server_error_is_retried_by_the_activity_with_the_same_idempotency_key(
    driver: Driver, webhooks: FakeWebhookReceiver
):
    webhooks.fail(500)
    handle = await driver.start(wire_request())
    approval_id = await driver.approve_child()

    result = await handle.result()

    assert [d.status for d in webhooks.attempts] == [500, 200]
    assert all(d.verified for d in webhooks.attempts)
    assert {d.webhook_id for d in webhooks.attempts} == {approval_id}
    assert {d.receipt["jti"] for d in webhooks.attempts if d.receipt} == {approval_id}
    assert [d.acted for d in webhooks.attempts] == [False, True]
    assert result.details["status"] == 200


async def test_a_client_error_is_final_and_says_what_the_receiver_answered(
    driver: Driver, webhooks: FakeWebhookReceiver
):
    webhooks.fail(400, body='{"error": "unknown payee account"}')
    handle = await driver.start(wire_request())
    await driver.approve_child()

    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()

    cause = failure.value.cause.cause
    assert isinstance(cause, ApplicationError) and cause.non_retryable
    assert cause.type == "WebhookRejected"
    assert "HTTP 400" in cause.message and "unknown payee account" in cause.message
    assert len(webhooks.attempts) == 1


async def test_which_answers_are_worth_retrying(
    client: Client, settings: Settings, slack, webhooks: FakeWebhookReceiver, executors, worker
):
    approved = wire_request()
    approval_id = await decided(client, settings, slack, approved)
    request = execution(approval_id, approved, webhook_to(webhooks))

    retryable = {}
    for status in (500, 503, 429, 400, 404, 409, 302):
        webhooks.fail(status)
        with pytest.raises(ApplicationError) as error:
            await run(executors, request)
        retryable[status] = not error.value.non_retryable

    assert retryable == {500: True, 503: True, 429: True, 400: False, 404: False, 409: False, 302: False}


async def test_an_unreachable_receiver_is_a_retryable_error(
    client: Client, settings: Settings, slack, webhooks: FakeWebhookReceiver, executors, worker
):
    approved = wire_request()
    approval_id = await decided(client, settings, slack, approved)
    await webhooks.stop()

    with pytest.raises(ApplicationError) as error:
        await run(executors, execution(approval_id, approved, webhook_to(webhooks)))

    assert error.value.type == "WebhookUnavailable" and not error.value.non_retryable


ANNOUNCEMENT = {"channel": "C0ANNOUNCE", "text": "The office is closed on Friday."}
INVITE = {"channel": "G0SECRET", "user": "U0NEWHIRE", "reason": "joins the deal team"}


def slack_request(action: str, parameters: dict[str, Any]) -> ApprovalRequest:
    return wire_request(action=action, summary=action, parameters=parameters)


async def test_slack_post_posts_the_approved_text_in_the_approved_channel(
    client: Client, settings: Settings, slack: FakeSlackWebApi, executors, worker
):
    approved = slack_request("company_announcement", ANNOUNCEMENT)
    approval_id = await decided(client, settings, slack, approved)

    result = await run(executors, execution(approval_id, approved, ExecutorSpec(ExecutorKind.SLACK_POST)))

    post = slack.calls_to("chat.postMessage")[-1]
    assert (post.args["channel"], post.args["text"]) == ("C0ANNOUNCE", "The office is closed on Friday.")
    assert result.details["ts"]
    # A Slack action has no receiver to send it to: the result, in history, keeps it.
    claims = verify_receipt(result.receipt, json.dumps(ANNOUNCEMENT).encode(), KeySet.import_key_set(JWKS))
    assert (claims["jti"], claims["action"]) == (approval_id, "company_announcement")


async def test_slack_post_to_a_fixed_channel(
    client: Client, settings: Settings, slack: FakeSlackWebApi, executors, worker
):
    approved = slack_request("all_hands", {"text": "All hands at 3pm"})
    approval_id = await decided(client, settings, slack, approved)
    fixed = ExecutorSpec(ExecutorKind.SLACK_POST, channel="C0ALLHANDS")

    await run(executors, execution(approval_id, approved, fixed))

    post = slack.calls_to("chat.postMessage")[-1]
    assert (post.args["channel"], post.args["text"]) == ("C0ALLHANDS", "All hands at 3pm")


async def test_slack_invite_invites_the_approved_user(
    client: Client, settings: Settings, slack: FakeSlackWebApi, executors, worker
):
    approved = slack_request("grant_channel_access", INVITE)
    approval_id = await decided(client, settings, slack, approved)

    result = await run(executors, execution(approval_id, approved, ExecutorSpec(ExecutorKind.SLACK_INVITE)))

    (invite,) = slack.calls_to("conversations.invite")
    assert (invite.args["channel"], invite.args["users"]) == ("G0SECRET", "U0NEWHIRE")
    assert result.summary == "Invited <@U0NEWHIRE> to <#G0SECRET>"
    assert verify_receipt(result.receipt, json.dumps(INVITE).encode(), KeySet.import_key_set(JWKS))


async def test_slack_invite_of_someone_already_in_the_channel_succeeds(
    client: Client, settings: Settings, slack: FakeSlackWebApi, executors, worker
):
    approved = slack_request("grant_channel_access", INVITE)
    approval_id = await decided(client, settings, slack, approved)
    slack.fail("conversations.invite", error="already_in_channel")

    result = await run(executors, execution(approval_id, approved, ExecutorSpec(ExecutorKind.SLACK_INVITE)))

    assert result.details["users"] == ["U0NEWHIRE"]


async def test_a_slack_refusal_is_final_and_named(
    client: Client, settings: Settings, slack: FakeSlackWebApi, executors, worker
):
    approved = slack_request("grant_channel_access", INVITE)
    approval_id = await decided(client, settings, slack, approved)
    slack.fail("conversations.invite", error="channel_not_found")

    with pytest.raises(ApplicationError) as error:
        await run(executors, execution(approval_id, approved, ExecutorSpec(ExecutorKind.SLACK_INVITE)))

    assert error.value.non_retryable
    assert "conversations.invite in channel G0SECRET: channel_not_found" in error.value.message


async def test_slack_executors_are_gated_too(
    client: Client, settings: Settings, slack: FakeSlackWebApi, executors, worker
):
    approved = slack_request("company_announcement", ANNOUNCEMENT)
    approval_id = await decided(client, settings, slack, approved, approved=False)

    await refusal(executors, execution(approval_id, approved, ExecutorSpec(ExecutorKind.SLACK_POST)))

    assert len(slack.calls_to("chat.postMessage")) == 1  # the card only
