"""The gate in front of every executor: Temporal itself must vouch for the approval.

Nothing the caller says is taken on trust. The approval is looked up by its workflow ID
and must be an ApprovalWorkflow that completed, approved, for this action, these exact
arguments (as asked, or as an approver edited them where the policy allows) and this
requester; and an approval asked for by one workflow cannot be spent
by another. A model cannot get past this, and neither can a bug in the agent.
"""

from dataclasses import dataclass

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionDescription, WorkflowExecutionStatus
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.execution import ExecutionRequest
from domain.fingerprint import fingerprint
from domain.models import APPROVAL_WORKFLOW_TYPE, ApprovalRequest, ApprovalResult, ApprovalStatus

REFUSED = "ExecutionRefused"
"""ApplicationError type of every refusal; non-retryable, as asking again changes nothing."""


@dataclass(frozen=True)
class VouchedApproval:
    """The approval as Temporal holds it, once the gate let a run through: what the card
    asked and how it ended, which the run's receipt states."""

    asked: ApprovalRequest
    result: ApprovalResult


def refused(request: ExecutionRequest, why: str) -> ApplicationError:
    return ApplicationError(f"Refused to run {request.action}: {why}", type=REFUSED, non_retryable=True)


async def check_approval(
    temporal: Client, request: ExecutionRequest, caller_workflow_id: str | None
) -> VouchedApproval:
    """Returns the approval when `request` may run; raises a non-retryable ApplicationError otherwise.

    Temporal being unreachable raises a retryable error: the approval may well be fine.
    """
    actual = fingerprint(request.action, request.arguments)
    if actual != request.fingerprint:
        raise refused(request, f"these arguments (fingerprint {actual}) are not the approved ones")
    approval_id = request.approval_workflow_id
    description = await _describe(temporal, request)
    if description.workflow_type != APPROVAL_WORKFLOW_TYPE:
        raise refused(request, f"{approval_id} is not an approval")
    if description.status is WorkflowExecutionStatus.RUNNING:
        raise refused(request, f"approval {approval_id} is still pending")
    if description.status is not WorkflowExecutionStatus.COMPLETED:
        status = description.status.name.lower() if description.status else "unknown"
        raise refused(request, f"approval {approval_id} ended without a decision ({status})")
    if description.parent_id and description.parent_id != caller_workflow_id:
        raise refused(request, f"approval {approval_id} was asked for by another workflow")

    asked = await _approval_request(temporal, description, request)
    if asked.action != request.action:
        raise refused(request, f"approval {approval_id} was for {asked.action}")
    if asked.requester != request.requester:
        raise refused(request, f"approval {approval_id} was asked for by someone else")

    handle = temporal.get_workflow_handle(approval_id, run_id=description.run_id, result_type=ApprovalResult)
    result = await handle.result(follow_runs=False)
    if result.status is not ApprovalStatus.APPROVED:
        raise refused(request, f"approval {approval_id} was {result.status.value}")
    if result.edits and not (asked.chain and asked.chain.policy.allow_edit):
        raise refused(request, f"approval {approval_id} was edited, which its policy does not allow")
    # An approver's edit is what was approved; the arguments as asked no longer are.
    approved = result.approved_parameters if result.edits else asked.parameters
    if approved != request.arguments:
        raise refused(request, f"approval {approval_id} was for different arguments")
    if result.fingerprint != request.fingerprint:
        raise refused(request, f"approval {approval_id} approved fingerprint {result.fingerprint}")
    return VouchedApproval(asked, result)


async def _describe(temporal: Client, request: ExecutionRequest) -> WorkflowExecutionDescription:
    try:
        return await temporal.get_workflow_handle(request.approval_workflow_id).describe()
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            raise refused(request, f"there is no approval {request.approval_workflow_id}") from None
        raise


async def _approval_request(
    temporal: Client, description: WorkflowExecutionDescription, request: ExecutionRequest
) -> ApprovalRequest:
    # The request as the workflow was started with it, from history: what the card showed.
    handle = temporal.get_workflow_handle(description.id, run_id=description.run_id)
    async for event in handle.fetch_history_events(page_size=1):
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            payloads = event.workflow_execution_started_event_attributes.input.payloads
            (asked,) = await temporal.data_converter.decode(payloads, [ApprovalRequest])
            return asked
        break
    raise refused(request, f"approval {description.id} has no start event")
