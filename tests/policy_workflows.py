"""A workflow that carries out the example catalog's wire policy in workflow code, to show
the policy modules run in Temporal's sandbox (imported there afresh, not passed through)
on a policy that came through the catalog activity's payload."""

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow

from domain.policy_chain_line import chain_plain, chain_progress
from domain.policy_decisions import decide, refusal
from domain.policy_progress import Progress, chain_for, outcome

with workflow.unsafe.imports_passed_through():
    from activities.agent_setup import AgentSetupActivities


@dataclass
class PolicyCheckInput:
    amount: str
    requester: str
    approvers: list[str]
    """Who clicks Approve, in order; a refused click is reported, not recorded."""
    task_queue: str


@workflow.defn
class PolicyCheck:
    @workflow.run
    async def run(self, request: PolicyCheckInput) -> list[str]:
        setup = await workflow.execute_activity_method(
            AgentSetupActivities.get_agent_setup,
            task_queue=request.task_queue,
            start_to_close_timeout=timedelta(seconds=10),
        )
        policy = setup.catalog.get("wire_transfer").policy
        chain = chain_for(policy, {"amount": request.amount}, request.requester, {})
        progress, told = Progress(), []
        for user in request.approvers:
            if why := refusal(chain, progress, user):
                told.append(why)
            else:
                progress = decide(chain, progress, user, True, workflow.now())
        return [*told, chain_plain(chain_progress(chain, progress), {}), outcome(chain, progress).value]
