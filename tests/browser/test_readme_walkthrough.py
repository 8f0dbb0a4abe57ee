"""The README's sandbox walkthrough, start to finish, as a person would follow it: one
page, the real bot in approval-only mode (`make run` with no model), a worker and the
real Temporal dev server. Each block is one numbered step of the README."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.browser import readme_walkthrough as readme
from tests.browser.conftest import OpenPage
from tests.browser.stack import Stack, full_stack

README = Path(__file__).parents[2] / "README.md"


@pytest.fixture
async def stack(temporal_env: WorkflowEnvironment, task_queue: str) -> AsyncIterator[Stack]:
    async with full_stack(temporal_env.client, task_queue) as running:
        yield running


async def test_the_readme_walkthrough_works_as_written(stack: Stack, open_page: OpenPage):
    # "The page opens as Ada."
    page = await open_page(stack.url, readme.ADA)

    await readme.step_1_ada_asks_for_two_things(page)
    await readme.step_2_ada_may_not_approve_her_own_request(page)
    await readme.step_3_grace_approves_the_wire(page)
    await readme.step_4_alan_rejects_the_licence_with_a_reason(page)
    await readme.step_5_ada_asks_a_third_time(page)
    await readme.step_6_grace_decides_from_approvals(page)


def test_the_walkthrough_here_is_the_readmes():
    """What the steps above type is what the README tells people to type."""
    section = README.read_text().split("## Try it in the local Slack sandbox")[1].split("\n## ")[0]
    for request in (readme.WIRE, readme.LICENCE, readme.LAPTOPS):
        assert f"`@Countersign {request}`" in section
    assert f"`{readme.REJECT_REASON}`" in section
    assert f'"{readme.SELF_APPROVAL_REFUSED}"' in section
    # One step function per numbered step.
    assert re.findall(r"^(\d+)\. ", section, re.MULTILINE) == ["1", "2", "3", "4", "5", "6"]
