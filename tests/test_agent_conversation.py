"""A thread's conversation over a long life: a continue-as-new mid-thread carries only what
the next run reads and still drops Slack's redeliveries."""

import dataclasses
import uuid
from collections.abc import AsyncIterator

import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from countersign.settings import Settings
from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from tests.agents import send_message, wait_for_answers
from tests.approvals import REQUESTER
from tests.fakes.openai_server import FakeOpenAI, message
from tests.fakes.slack_web_api import FakeSlackWebApi
from workflows import search_attributes
from workflows.agent import TURNS_REMEMBERED, Conversation, carried_forward
from workflows.models import AgentRequest
from workflows.worker import build_worker

TEAM, CHANNEL = "T0", "C0THREAD"
# Temporal suggests a continue-as-new once a run's history is this long (4,096 by default):
# a few mentions each, on a server of this module's own.
SUGGEST_CONTINUE_AS_NEW_AT = 40


@pytest.fixture(scope="module")
async def short_histories() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        search_attributes=search_attributes.ALL,
        data_converter=DATA_CONVERTER,
        dev_server_extra_args=[
            "--dynamic-config-value",
            f"limit.historyCount.suggestContinueAsNew={SUGGEST_CONTINUE_AS_NEW_AT}",
        ],
    )
    yield env
    await env.shutdown()


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAI]:
    fake = await FakeOpenAI().start()
    yield fake
    await fake.stop()


def mention(thread_ts: str, n: int) -> AgentRequest:
    """The thread's `n`-th mention (the 0th started it)."""
    return AgentRequest(
        team=TEAM,
        channel=CHANNEL,
        user=REQUESTER,
        text=f"question {n}",
        event_ts=f"{thread_ts[:-3]}{n:03d}",
        thread_ts=thread_ts,
    )


class Thread:
    """One Slack thread: its mentions, numbered, and the workflow that answers them."""

    def __init__(self, client: Client, task_queue: str, **conversation) -> None:
        self.client, self.task_queue = client, task_queue
        self.ts = f"{1_700_000_000 + uuid.uuid4().int % 10**8}.000100"
        self.workflow_id = f"agent-{TEAM}-{CHANNEL}-{self.ts}"
        self.conversation = Conversation(team=TEAM, channel=CHANNEL, thread_ts=self.ts, **conversation)

    def mention(self, n: int) -> AgentRequest:
        return mention(self.ts, n)

    async def say(self, n: int) -> WorkflowHandle:
        """Mention `n`; the same `n` again is Slack redelivering it."""
        return await send_message(
            self.client, self.task_queue, self.mention(n), self.workflow_id, self.conversation
        )

    async def runs(self) -> list[Conversation]:
        """What each run of the thread's workflow started with, first run first."""
        run_id = (await self.client.get_workflow_handle(self.workflow_id).describe()).run_id
        started_with = []
        while run_id:
            handle = self.client.get_workflow_handle(self.workflow_id, run_id=run_id)
            start = (await handle.fetch_history()).events[0].workflow_execution_started_event_attributes
            (conversation,) = await DATA_CONVERTER.decode(start.input.payloads, [Conversation])
            started_with.insert(0, conversation)
            run_id = start.continued_execution_run_id
        return started_with


def asked(model: FakeOpenAI) -> list[str]:
    """The mention each model request answered (its last user message)."""
    return [r.user_messages[-1].splitlines()[-1] for r in model.requests]


async def test_a_long_thread_continues_as_new_with_its_recent_turns_and_drops_a_redelivery(
    short_histories: WorkflowEnvironment, settings: Settings, slack: FakeSlackWebApi, model: FakeOpenAI
):
    client = short_histories.client
    with_model = dataclasses.replace(settings, openai_api_key="sk-test", openai_base_url=model.base_url)
    thread = Thread(client, settings.temporal_task_queue)
    mentions = TURNS_REMEMBERED + 3
    model.then(*(message(f"Answer {n}.") for n in range(mentions + 1)))

    async with build_worker(client, with_model):
        for n in range(mentions):
            agent = await thread.say(n)
            await wait_for_answers(agent, slack, n + 1)
        await thread.say(0)  # Slack redelivers the first mention, from runs ago
        agent = await thread.say(mentions)
        await wait_for_answers(agent, slack, mentions + 1)
    runs = await thread.runs()

    assert len(runs) >= 3, "the thread should have continued as new more than once"
    # Answered once each, in order; the redelivery was dropped, so never reached the model.
    assert asked(model) == [f"question {n}" for n in range(mentions + 1)]
    # The last answer saw the turns before it, across the continue-as-new, as many as are read.
    remembered = [m.splitlines()[-1] for m in model.requests[-1].user_messages[:-1]]
    assert remembered == [f"question {n}" for n in range(mentions - TURNS_REMEMBERED, mentions)]
    for conversation in runs[1:]:
        assert len(conversation.turns) <= TURNS_REMEMBERED
        assert thread.mention(0).event_ts in conversation.seen_event_ts


def test_a_continue_as_new_carries_the_turns_read_and_enough_seen_events_to_drop_redeliveries():
    conversation = Conversation(
        team=TEAM,
        channel=CHANNEL,
        thread_ts="1700000000.000100",
        turns=[[{"role": "user", "content": f"turn {n}"}] for n in range(3 * TURNS_REMEMBERED)],
        seen_event_ts=[f"1700000000.{n:06d}" for n in range(1000)],
        pending=[mention("1700000000.000100", n) for n in range(3)],
    )

    carried = carried_forward(conversation)

    assert carried.turns == conversation.turns[-TURNS_REMEMBERED:]
    assert carried.seen_event_ts == conversation.seen_event_ts[-100:]
    assert carried.pending == conversation.pending
    assert (carried.team, carried.channel, carried.thread_ts) == ("T0", CHANNEL, "1700000000.000100")
