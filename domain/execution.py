"""Running an approved catalog action: what goes to the executor activity and back.

Workflow-safe: dataclasses and pure builders only. The executor activity
(`activities.executors.ActionExecutors.execute_action`) re-checks everything here
against Temporal before it runs anything.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio.common import RetryPolicy

from domain.catalog import ActionSpec, ExecutorSpec
from domain.models import ApprovalRequest, ApprovalResult

# Network errors and 5xx retry with backoff for about ten minutes (the webhook's
# webhook-id makes that safe); a refusal or a 4xx is non-retryable and fails at once.
EXECUTION_CALL = dict(
    start_to_close_timeout=timedelta(seconds=60),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=2),
        maximum_interval=timedelta(minutes=2),
        maximum_attempts=10,
    ),
)


@dataclass
class ExecutionRequest:
    """One approved action to run, exactly as approved."""

    action: str
    arguments: dict[str, Any]
    fingerprint: str
    """The approved fingerprint (from the ApprovalResult); the executor recomputes it."""
    approval_workflow_id: str
    """The ApprovalWorkflow that approved these arguments; the executor asks Temporal."""
    executor: ExecutorSpec
    requester: str
    """Slack user ID of the person who asked; must match the approval's requester."""


@dataclass
class ExecutionResult:
    """What the executor did, in a line the model and the thread can read."""

    action: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    """Kind-specific: webhook status and body excerpt, Slack channel and ts, ..."""
    receipt: str = ""
    """The approval receipt (a JWS, countersign.receipts) the run carried: the webhook sent it
    as Countersign-Approval; for Slack actions this record, in the workflow's history, is
    where it is kept. Empty in results from before receipts."""


def approval_request_for(
    spec: ActionSpec,
    arguments: dict[str, Any],
    *,
    summary: str,
    requester: str,
    channel: str,
    thread_ts: str | None,
) -> ApprovalRequest:
    """The approval card for one call of a catalog action, with the catalog's rules."""
    return ApprovalRequest(
        action=spec.name,
        summary=summary,
        parameters=arguments,
        requester=requester,
        channel=channel,
        thread_ts=thread_ts,
        approvers=list(spec.approvers),
        timeout_seconds=spec.timeout_seconds,
        reason_required=spec.reason_required,
        # Only where an edit may happen: the approval checks one against it.
        parameters_schema=spec.parameters if spec.policy and spec.policy.allow_edit else None,
    )


def execution_request_for(
    spec: ActionSpec,
    arguments: dict[str, Any],
    *,
    approval_workflow_id: str,
    approval: ApprovalResult,
    requester: str,
) -> ExecutionRequest:
    """What to hand the executor after `approval` (which must be approved) came back."""
    return ExecutionRequest(
        action=spec.name,
        arguments=arguments,
        fingerprint=approval.fingerprint,
        approval_workflow_id=approval_workflow_id,
        executor=spec.executor,
        requester=requester,
    )
