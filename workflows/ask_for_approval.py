"""The one way workflow code asks a person to approve something: a child ApprovalWorkflow.

Workflow code only (it runs inside a workflow's event loop). The agent's tools call it
for every action with side effects, so each approval gets its own card and its own ID.
"""

import dataclasses

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.deciders import DeciderActivities
    from domain.models import ApprovalRequest, ApprovalResult
    from domain.policy import Policy
    from domain.policy_progress import chain_for, groups_to_resolve
    from domain.user_groups import UserGroups
    from workflows.approval import SLACK_CALL, ApprovalWorkflow

# workflow.patched IDs: each guards a change to what the workflow does, so conversations
# that were already running when it shipped replay their history unchanged.
CARRIES_OUT_POLICIES = "approval-carries-out-its-policy"


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


async def with_chain(request: ApprovalRequest, policy: Policy | None) -> ApprovalRequest:
    """`request` to be decided by `policy` (a catalog action's), stage by stage: the chain is
    settled now, its user groups resolved, so the approval keeps the people it started
    with. Raises ActivityError when a group cannot be resolved: nothing is asked then.

    Conversations from before this shipped go on asking in one step, as they did.
    """
    if policy is None or not workflow.patched(CARRIES_OUT_POLICIES):
        return request
    members = {}
    if groups := groups_to_resolve(policy):
        resolved = await workflow.execute_activity_method(
            DeciderActivities.members_of_groups, UserGroups(groups), **SLACK_CALL
        )
        members = resolved.members
    chain = chain_for(policy, request.parameters, request.requester, members)
    return dataclasses.replace(request, chain=chain)
