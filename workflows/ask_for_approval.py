"""The one way workflow code asks a person to approve something: a child ApprovalWorkflow.

Workflow code only (it runs inside a workflow's event loop). The agent's tools call it
for every action with side effects, so each approval gets its own card and its own ID.
"""

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.models import ApprovalRequest, ApprovalResult
    from workflows.approval import ApprovalWorkflow


async def ask_for_approval(request: ApprovalRequest) -> ApprovalResult:
    """Starts an approval child and waits (durably, for as long as it takes) for its outcome."""
    # A fresh ID per call: two approvals from one agent run must never collide, and a
    # replay draws the same uuid4 so the child is not started twice.
    return await workflow.execute_child_workflow(
        ApprovalWorkflow.run,
        request,
        id=f"approval-{workflow.uuid4()}",
        # If the conversation ends (terminated, cancelled), its approval is withdrawn and its
        # card says so, rather than keeping buttons nobody's answer can reach.
        parent_close_policy=ParentClosePolicy.REQUEST_CANCEL,
    )
