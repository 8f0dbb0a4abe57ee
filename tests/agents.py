"""Helpers for tests of the agent's conversation workflows."""

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy

from domain.models import AgentAnswer, AgentRequest
from tests.bot.cards import thread_replies
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows.agent import AgentWorkflow, Conversation


async def wait_for_answers(
    agent: WorkflowHandle, slack: FakeSlackWebApi, count: int = 1, timeout: float = 20
) -> list[AgentAnswer]:
    """Waits until the agent has answered `count` times in its thread; returns the answers."""
    await slack.wait_for(
        lambda: len(thread_replies(slack)) >= count, timeout=timeout, what=f"{count} thread replies"
    )
    return await agent.query(AgentWorkflow.get_answers)


async def send_message(
    client: Client,
    task_queue: str,
    request: AgentRequest,
    workflow_id: str,
    conversation: Conversation | None = None,
) -> WorkflowHandle:
    """What the bot does with a mention: signal-with-start of the thread's workflow (which
    starts with `conversation` when given, as a fresh one otherwise)."""
    return await client.start_workflow(
        AgentWorkflow.run,
        conversation or Conversation(team=request.team, channel=request.channel, thread_ts=request.thread_ts),
        id=workflow_id,
        task_queue=task_queue,
        start_signal="add_message",
        start_signal_args=[request],
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
