"""Helpers for tests that start approvals."""

import uuid

from temporalio.client import Client, WorkflowHandle

from workflows.approval import ApprovalWorkflow
from workflows.models import ApprovalRequest

REQUESTER = "U0REQUESTER"
APPROVER = "U0APPROVER"
OTHER_APPROVER = "U0APPROVER2"
BYSTANDER = "U0BYSTANDER"
CHANNEL = "C0FINANCE"


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


async def start_approval(
    client: Client, task_queue: str, request: ApprovalRequest | None = None
) -> WorkflowHandle[ApprovalWorkflow, object]:
    return await client.start_workflow(
        ApprovalWorkflow.run,
        request or wire_request(),
        id=f"approval-{uuid.uuid4()}",
        task_queue=task_queue,
    )
