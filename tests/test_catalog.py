"""validate_arguments: what the model is told about arguments that don't fit, and that workflow
code (the sandbox) can read the catalog through its activity and validate with it."""

import uuid

from temporalio.client import Client
from temporalio.worker import Worker

from countersign.catalog_file import load_action_catalog
from countersign.settings import Settings, load_settings
from domain.catalog import MAX_PROBLEMS, ActionSpec, ExecutorKind, ExecutorSpec, validate_arguments
from tests.executor_workflows import CatalogCheck, CatalogCheckInput
from workflows.worker import build_worker

CATALOG = load_action_catalog(load_settings({}, "/nonexistent/.env"))
WIRE = CATALOG.get("wire_transfer")
GOOD_WIRE = {
    "amount": "5000.00",
    "currency": "USD",
    "payee": "ACME",
    "account": "DE89370400440532013000",
    "reference": "invoice 4411",
}


def test_arguments_that_match_have_no_problems():
    assert validate_arguments(WIRE, GOOD_WIRE) == []


def test_each_problem_is_a_short_line_naming_the_argument():
    arguments = GOOD_WIRE | {"amount": 5000, "currency": "BTC", "memo": "x"}
    del arguments["payee"]

    assert validate_arguments(WIRE, arguments) == [
        "'payee' is a required property",
        "Additional properties are not allowed ('memo' was unexpected)",
        "amount: 5000 is not of type 'string'",
        "currency: 'BTC' is not one of ['USD', 'EUR', 'GBP']",
    ]


def test_nested_problems_name_their_path():
    spec = ActionSpec(
        name="order",
        description="Order items.",
        parameters={
            "type": "object",
            "properties": {"lines": {"type": "array", "items": {"type": "integer", "minimum": 1}}},
        },
        executor=ExecutorSpec(ExecutorKind.WEBHOOK, url="https://example.com"),
    )

    assert validate_arguments(spec, {"lines": [1, 0]}) == ["lines.1: 0 is less than the minimum of 1"]


def test_arguments_that_are_not_an_object_get_one_line():
    assert validate_arguments(WIRE, ["5000.00"]) == ["arguments must be a JSON object, not list"]


def test_many_problems_are_capped_and_long_ones_cut():
    spec = ActionSpec(
        name="many",
        description="Many fields.",
        parameters={"type": "object", "additionalProperties": {"type": "integer"}},
        executor=ExecutorSpec(ExecutorKind.WEBHOOK, url="https://example.com"),
    )
    arguments = {f"f{i:02}": "x" * 500 for i in range(15)}

    problems = validate_arguments(spec, arguments)

    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == "... and 5 more problems"
    assert all(len(p) <= 200 for p in problems)
    assert validate_arguments(spec, dict(reversed(arguments.items()))) == problems


async def test_workflow_code_reads_the_catalog_through_its_activity_and_validates_in_the_sandbox(
    client: Client, settings: Settings
):
    checker_queue = f"{settings.temporal_task_queue}-checker"
    catalog = load_action_catalog(settings)
    async with (
        build_worker(client, settings, catalog=catalog),
        Worker(client, task_queue=checker_queue, workflows=[CatalogCheck]),
    ):

        async def check(action: str, arguments: dict) -> list[str]:
            return await client.execute_workflow(
                CatalogCheck.run,
                CatalogCheckInput(action, arguments, settings.temporal_task_queue),
                id=f"catalog-check-{uuid.uuid4()}",
                task_queue=checker_queue,
            )

        assert await check("wire_transfer", GOOD_WIRE) == []
        assert await check("wire_transfer", GOOD_WIRE | {"amount": "lots"}) == [
            "amount: 'lots' does not match '^[0-9]+\\\\.[0-9]{2}$'"
        ]
        assert await check("company_announcement", {"channel": "C0ALL"}) == ["'text' is a required property"]
