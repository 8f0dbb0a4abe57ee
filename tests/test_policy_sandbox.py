"""The policy modules are workflow code: they run in Temporal's sandbox, on the policy the
catalog activity hands a workflow."""

import uuid

from temporalio.client import Client
from temporalio.worker import Worker

from countersign.catalog_file import load_action_catalog
from countersign.settings import Settings
from tests.policy_workflows import PolicyCheck, PolicyCheckInput
from workflows.worker import build_worker

ADA, GRACE, ALAN = "U01ADALOVE", "U02GRACEHO", "U03ALANTUR"


async def test_the_wire_policy_runs_in_the_workflow_sandbox(client: Client, settings: Settings):
    checker_queue = f"{settings.temporal_task_queue}-policy"
    async with (
        build_worker(client, settings, catalog=load_action_catalog(settings)),
        Worker(client, task_queue=checker_queue, workflows=[PolicyCheck]),
    ):

        async def check(amount: str, *approvers: str) -> list[str]:
            return await client.execute_workflow(
                PolicyCheck.run,
                PolicyCheckInput(amount, ADA, list(approvers), settings.temporal_task_queue),
                id=f"policy-check-{uuid.uuid4()}",
                task_queue=checker_queue,
            )

        assert await check("5000.00", GRACE) == [f"Manager ✓ @{GRACE} · CFO skipped", "approved"]
        assert await check("25000.00", ALAN, GRACE) == [
            "You are in the CFO stage, which starts after the Manager stage.",
            f"Manager ✓ @{GRACE} · CFO 0/1",
            "pending",
        ]
