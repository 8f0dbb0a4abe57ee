"""Small workflows that drive the catalog and executor activities the way the agent will:
inside the workflow sandbox, against the activities `build_worker` registers."""

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.agent_setup import AgentSetupActivities
    from activities.executors import ActionExecutors
    from domain.catalog import validate_arguments
    from domain.execution import ExecutionRequest, ExecutionResult
    from domain.models import ApprovalRequest
    from workflows.approval import ApprovalWorkflow


@dataclass
class ApproveThenExecuteInput:
    approval: ApprovalRequest
    approval_id: str
    execution: ExecutionRequest
    """Run after the approval, with the approval's fingerprint filled in."""
    task_queue: str
    """Where build_worker's worker runs approvals and executors."""
    max_attempts: int = 3


@workflow.defn
class ApproveThenExecute:
    """Asks for one approval as a child, then runs the executor whatever the outcome,
    so the executor's own gate is what decides."""

    @workflow.run
    async def run(self, request: ApproveThenExecuteInput) -> ExecutionResult:
        approval = await workflow.execute_child_workflow(
            ApprovalWorkflow.run, request.approval, id=request.approval_id, task_queue=request.task_queue
        )
        return await workflow.execute_activity_method(
            ActionExecutors.execute_action,
            dataclasses.replace(request.execution, fingerprint=approval.fingerprint),
            task_queue=request.task_queue,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(milliseconds=100), maximum_attempts=request.max_attempts
            ),
        )


@dataclass
class CatalogCheckInput:
    action: str
    arguments: dict[str, Any]
    task_queue: str


@workflow.defn
class CatalogCheck:
    """Reads the catalog through its activity and validates arguments in workflow code."""

    @workflow.run
    async def run(self, request: CatalogCheckInput) -> list[str]:
        setup = await workflow.execute_activity_method(
            AgentSetupActivities.get_agent_setup,
            task_queue=request.task_queue,
            start_to_close_timeout=timedelta(seconds=10),
        )
        spec = setup.catalog.get(request.action)
        if spec is None:
            return [f"no action {request.action} in {setup.catalog.names}"]
        return validate_arguments(spec, request.arguments)
