"""Helpers for tests that start approvals."""

import asyncio
import time
import uuid
from datetime import UTC, datetime

from temporalio.client import Client, WorkflowHandle

from domain import approval_memo
from domain.fingerprint import fingerprint
from domain.models import Approval, ApprovalRequest, ApprovalStatus, ClickOrigin
from domain.policy import Condition, ConditionOp, Policy, Stage
from domain.policy_progress import chain_for
from workflows.approval import ApprovalWorkflow

REQUESTER = "U0REQUESTER"
APPROVER = "U0APPROVER"
OTHER_APPROVER = "U0APPROVER2"
BYSTANDER = "U0BYSTANDER"
CHANNEL = "C0FINANCE"
# actions.example.yml's people (the sandbox's): the manager, and the CFO.
MANAGER = "U02GRACEHO"
CFO = "U03ALANTUR"
FROM_LIST = ClickOrigin(from_list=True)
# actions.example.yml's wire_transfer parameters.
WIRE_SCHEMA = {
    "type": "object",
    "properties": {
        "amount": {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"},
        "currency": {"type": "string", "enum": ["USD", "EUR", "GBP"]},
        "payee": {"type": "string", "minLength": 1, "maxLength": 140},
        "account": {"type": "string", "pattern": "^[A-Z0-9 ]{8,34}$"},
        "reference": {"type": "string", "maxLength": 140},
    },
    "required": ["amount", "currency", "payee", "account", "reference"],
    "additionalProperties": False,
}
"""Where a decision signalled by a test was made: an `/approvals` list (the bot checked it),
so it counts whether or not the card is posted yet."""


def wire_request(**changes) -> ApprovalRequest:
    request = ApprovalRequest(
        action="wire_transfer",
        summary="Wire $5,000 to ACME for invoice 4411",
        parameters={"amount": "5000.00", "currency": "USD", "payee": "ACME", "invoice": "4411"},
        requester=REQUESTER,
        channel=CHANNEL,
        thread_ts="1700000000.000001",
        approvers=[APPROVER, OTHER_APPROVER],
        timeout_seconds=3600,
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return request


def payments_policy(timeout_seconds: int = 3600) -> Policy:
    """actions.example.yml's `payments`: the manager, then the CFO above 10,000."""
    return Policy(
        name="payments",
        stages=[
            Stage(name="Manager", approvers=[MANAGER], timeout_seconds=timeout_seconds),
            Stage(
                name="CFO",
                approvers=[CFO],
                timeout_seconds=timeout_seconds,
                when=[Condition(arg="amount", op=ConditionOp.GT, value=10000)],
            ),
        ],
    )


def chained_request(
    policy: Policy, members: dict[str, list[str]] | None = None, **changes
) -> ApprovalRequest:
    """`wire_request(**changes)` decided by `policy`, its groups resolved to `members`."""
    request = wire_request(**changes)
    request.approvers = []
    request.chain = chain_for(policy, request.parameters, request.requester, members or {})
    return request


def editable_wire(parameters: dict) -> ApprovalRequest:
    """A wire decided by `payments_policy()` with `allow_edit`, carrying the example
    catalog's wire_transfer schema, as the agent's tool asks for one."""
    policy = payments_policy()
    request = chained_request(
        Policy(name=policy.name, stages=policy.stages, allow_edit=True), parameters=dict(parameters)
    )
    request.parameters_schema = WIRE_SCHEMA
    return request


def pending_state(request: ApprovalRequest | None = None, message_ts: str = "1700000001.000100") -> Approval:
    """What `get_status` answers for a pending approval of `request` whose card is posted."""
    request = request or wire_request()
    return Approval(
        workflow_id="approval-pending",
        status=ApprovalStatus.PENDING,
        request=request,
        fingerprint=fingerprint(request.action, request.parameters),
        expires_at=datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
        message_ts=message_ts,
    )


async def start_approval(
    client: Client, task_queue: str, request: ApprovalRequest | None = None
) -> WorkflowHandle[ApprovalWorkflow, object]:
    return await client.start_workflow(
        ApprovalWorkflow.run,
        request or wire_request(),
        id=f"approval-{uuid.uuid4()}",
        task_queue=task_queue,
    )


async def waiting_on_its_card(handle: WorkflowHandle, timeout: float = 30) -> None:
    """Waits until the approval's card is posted and no workflow task is pending: the worker
    that ran it holds it cached and idle, as a card waits for its click."""
    deadline = time.monotonic() + timeout
    while True:
        state = await handle.query(ApprovalWorkflow.get_status)
        description = await handle.describe()
        if state.message_ts and not description.raw_description.HasField("pending_workflow_task"):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{handle.id} not idle on its card after {timeout:.0f}s")
        await asyncio.sleep(0.05)


async def listed(client: Client, query: str, count: int, timeout: float = 20) -> None:
    """Waits until visibility lists `count` approvals for `query`, each with its card's ts."""
    # Visibility is eventually consistent, and the card's ts comes after its post.
    deadline = time.monotonic() + timeout
    while True:
        executions = [w async for w in client.list_workflows(query)]
        memos = [await w.memo() for w in executions]
        if len(executions) == count and all(m.get(approval_memo.MESSAGE_TS) for m in memos):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"visibility listed {len(executions)} of {count} for {query}")
        await asyncio.sleep(0.1)


async def card_recorded(approval: WorkflowHandle, timeout: float = 10) -> Approval:
    """Waits until the approval has recorded its card's ts (a little after Slack has the card)."""
    deadline = time.monotonic() + timeout
    while not (state := await approval.query(ApprovalWorkflow.get_status)).message_ts:
        if time.monotonic() > deadline:
            raise AssertionError(f"{approval.id} never recorded its card")
        await asyncio.sleep(0.05)
    return state
