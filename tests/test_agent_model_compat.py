"""The agent on model servers that are not OpenAI, and on models that misbehave: every turn
ends with a line in the thread, requests are shaped for strict servers, a rejected call is
not asked again in the same turn, and a slow model is said to be slow, then cut off.

The fake model server on loopback plays the servers (`like="llama.cpp"`: no Responses API,
null content refused); the rest is real: Temporal dev server, worker, fake Slack."""

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle

from countersign.model_client import server_message
from countersign.settings import Settings
from domain.models import AgentAnswer
from tests.approvals import MANAGER
from tests.bot.cards import cards, said, thread_replies
from tests.fakes.openai_server import LLAMA_CPP_NULL_CONTENT, FakeOpenAI, message, tool_call
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from tests.test_agent import WIRE, Thread
from workflows.agent import STILL_WORKING, AgentWorkflow
from workflows.worker import build_worker


@asynccontextmanager
async def worker_for(
    client: Client, settings: Settings, model_url: str, style: str = "chat_completions", **changes
) -> AsyncIterator[None]:
    with_model = dataclasses.replace(
        settings, openai_api_key="sk-test", openai_base_url=model_url, openai_api_style=style, **changes
    )
    async with build_worker(client, with_model):
        yield


async def answered(agent: WorkflowHandle, count: int = 1, timeout: float = 30) -> list[AgentAnswer]:
    """The agent's answers once it has `count` (the thread's messages include notices, so
    they are not counted there)."""
    deadline = time.monotonic() + timeout
    while len(answers := await agent.query(AgentWorkflow.get_answers)) < count:
        assert time.monotonic() < deadline, f"{len(answers)} answers after {timeout:.0f}s"
        await asyncio.sleep(0.2)
    return answers


def texts(slack: FakeSlackWebApi) -> list[str]:
    """What each reply in the thread reads now (updates drawn over what they replaced)."""
    shown = {c.response["ts"]: said(c) for c in thread_replies(slack)}
    for update in slack.calls_to("chat.update"):
        if update.args["ts"] in shown:
            shown[update.args["ts"]] = said(update)
    return list(shown.values())


@pytest.fixture
async def llama() -> AsyncIterator[FakeOpenAI]:
    fake = await FakeOpenAI(like="llama.cpp").start()
    yield fake
    await fake.stop()


@pytest.mark.parametrize("style", ["responses", "chat_completions"])
async def test_every_request_says_tool_choice_and_carries_string_content(
    style: str, client: Client, settings: Settings, slack: FakeSlackWebApi, webhooks: FakeWebhookReceiver
):
    # OpenAI itself for the Responses API; the llama.cpp-like fake (null content refused) for chat.
    model = await FakeOpenAI(like="openai" if style == "responses" else "llama.cpp").start()
    model.then(tool_call("wire_transfer", WIRE), message("Sent."))
    thread = Thread(client, settings, slack)
    async with worker_for(client, settings, model.base_url, style):
        await thread.say("wire $5,000 to ACME Corp for invoice 4411")
        await thread.decide()
        (answer,) = await answered(thread.agent)
    await model.stop()

    assert answer.text == "Sent." and [d.json for d in webhooks.accepted] == [WIRE]
    assert [r.status for r in model.requests] == [200, 200]
    # After a tool call too: openai-agents would drop it then unless told not to.
    assert [r.body.get("tool_choice") for r in model.requests] == ["auto", "auto"]
    assert all("wire_transfer" in r.tools for r in model.requests)
    assert [r.null_contents for r in model.requests] == [[], []]


async def test_an_empty_answer_says_the_model_gave_none(
    client: Client, settings: Settings, slack: FakeSlackWebApi, model: FakeOpenAI
):
    model.then(message(""), tool_call("wire_transfer", WIRE), message("  "))
    thread = Thread(client, settings, slack)
    async with worker_for(client, settings, model.base_url):
        await thread.say("hello?")
        await answered(thread.agent)
        await thread.say("wire $5,000 to ACME Corp for invoice 4411")
        await thread.decide(approved=False, reason="Not now")
        first, second = await answered(thread.agent, 2)

    assert first.text == "The model gave no answer; nothing was done."
    assert second.text == "The model gave no answer; nothing else was done."
    assert len(cards(slack)) == 1
    first_reply, second_reply = thread_replies(slack)
    assert said(first_reply) == first.text
    assert "Rejected by" in said(second_reply), "the record of what was decided is kept"


async def test_a_reply_slack_refuses_gets_a_line_and_the_conversation_goes_on(
    client: Client, settings: Settings, slack: FakeSlackWebApi, model: FakeOpenAI
):
    model.then(message("First answer."), message("Second answer."))
    thread = Thread(client, settings, slack)
    slack.fail("chat.postMessage", error="invalid_blocks")
    async with worker_for(client, settings, model.base_url):
        await thread.say("first")
        await slack.wait_for(lambda: thread_replies(slack), what="the fallback line")
        await thread.say("second")
        await answered(thread.agent, 2)
        await slack.wait_for(lambda: len(thread_replies(slack)) == 2, what="the second reply")

    fallback, second = texts(slack)
    assert fallback == (
        "⚠️ This answer could not be shown: "
        "Slack refused chat.postMessage in channel C0FINANCE: invalid_blocks."
    )
    assert second == "Second answer."
    assert (await thread.agent.describe()).status is WorkflowExecutionStatus.RUNNING


@pytest.mark.parametrize(
    ("style", "trouble", "says"),
    [
        ("responses", "no Responses API", "HTTP 404 (Not Found) to the Responses API"),
        ("chat_completions", "a bad key", "(HTTP 401: Incorrect API key provided); check OPENAI_API_KEY"),
        ("chat_completions", "validation", "HTTP 400: Input should be a valid string"),
        (
            "chat_completions",
            "nobody listening",
            "could not connect to the model server; check OPENAI_BASE_URL",
        ),  # noqa: E501
    ],
)
async def test_a_model_error_says_what_to_fix(
    style: str, trouble: str, says: str, client: Client, settings: Settings, slack: FakeSlackWebApi, llama
):
    url = "http://127.0.0.1:9/v1" if trouble == "nobody listening" else llama.base_url
    if trouble == "a bad key":
        llama.fail(401)
    if trouble == "validation":
        llama.fail(400, text=LLAMA_CPP_NULL_CONTENT)
    thread = Thread(client, settings, slack)
    async with worker_for(client, settings, url, style):
        await thread.say("wire $5,000 to ACME Corp")
        (answer,) = await answered(thread.agent)

    assert answer.text.startswith("⚠️ I could not finish this request: ") and says in answer.text
    if trouble == "no Responses API":
        assert answer.text.endswith("needs OPENAI_API_STYLE=chat_completions.")
    assert ".." not in answer.text and ":." not in answer.text and "\n" not in answer.text
    assert cards(slack) == [] and texts(slack) == [answer.text]


async def test_a_call_rejected_in_this_turn_is_not_asked_again_until_the_next_mention(
    client: Client, settings: Settings, slack: FakeSlackWebApi, model: FakeOpenAI, webhooks
):
    model.then(
        tool_call("wire_transfer", WIRE),
        tool_call("wire_transfer", WIRE),  # the model did not take the rejection in
        message("It was rejected."),
        tool_call("wire_transfer", WIRE),  # the requester asked again, in a new mention
        message("Rejected again."),
    )
    thread = Thread(client, settings, slack)
    async with worker_for(client, settings, model.base_url):
        await thread.say("wire $5,000 to ACME Corp for invoice 4411")
        await thread.decide(approved=False, reason="Invoice 4411 was paid last week")
        (answer,) = await answered(thread.agent)
        told = model.requests[2].tool_outputs[-1]
        assert len(cards(slack)) == 1, "no second card for the same call"
        await thread.say("please wire it again, it was not paid")
        await thread.decide(2, approved=False, reason="Still paid")
        await answered(thread.agent, 2)

    assert "already rejected" in told and "NOT sent for approval again" in told
    assert f"Rejected by Slack user {MANAGER}" in told and "Invoice 4411 was paid last week" in told
    assert len(answer.records) == 1 and len(cards(slack)) == 2
    assert webhooks.attempts == []


async def test_a_call_approved_and_run_in_this_turn_is_not_asked_or_run_again(
    client: Client, settings: Settings, slack: FakeSlackWebApi, model: FakeOpenAI, webhooks
):
    model.then(
        tool_call("wire_transfer", WIRE),
        tool_call("wire_transfer", WIRE),  # a small model looping: the same wire again
        message("Sent."),
    )
    thread = Thread(client, settings, slack)
    async with worker_for(client, settings, model.base_url):
        await thread.say("wire $5,000 to ACME Corp for invoice 4411")
        await thread.decide(approved=True)
        (answer,) = await answered(thread.agent)
        told = model.requests[2].tool_outputs[-1]

    assert "already ran" in told and "NOT run a second time" in told
    assert len(cards(slack)) == 1 and len(answer.records) == 1
    assert len(webhooks.accepted) == 1, "one wire, once"


async def test_a_slow_model_is_said_to_be_slow_once_and_the_answer_takes_the_notices_place(
    client: Client, settings: Settings, slack: FakeSlackWebApi, model: FakeOpenAI
):
    model.then(message("Here it is.", delay=3))
    thread = Thread(client, settings, slack)
    async with worker_for(
        client, settings, model.base_url, model_slow_notice_seconds=1, model_turn_timeout_seconds=20
    ):
        await thread.say("a hard question")
        (notice,) = await slack.wait_for(lambda: thread_replies(slack), what="the notice")
        assert said(notice) == STILL_WORKING
        assert await thread.agent.query(AgentWorkflow.get_answers) == [], "said while it waits"
        (answer,) = await answered(thread.agent)
        update = await slack.wait_for_call("chat.update")

    assert answer.text == "Here it is."
    assert update.args["ts"] == notice.response["ts"] and said(update) == "Here it is."
    assert len(thread_replies(slack)) == 1, "the answer took the notice's place"


async def test_a_hung_model_ends_the_turn_at_the_bound_and_the_thread_says_so(
    client: Client, settings: Settings, slack: FakeSlackWebApi, model: FakeOpenAI
):
    model.then(message("Too late.", delay=60), message("Back again."))
    thread = Thread(client, settings, slack)
    started = time.monotonic()
    async with worker_for(
        client, settings, model.base_url, model_slow_notice_seconds=1, model_turn_timeout_seconds=3
    ):
        await thread.say("a hard question")
        (answer,) = await answered(thread.agent)
        waited = time.monotonic() - started
        await thread.say("are you there?")
        await answered(thread.agent, 2)

    assert answer.text == "⚠️ The model did not answer within 3 s; nothing was done."
    assert 3 <= waited < 15
    assert texts(slack) == [answer.text, "Back again."], "the notice became the line"
    assert [said(r) for r in thread_replies(slack)][0] == STILL_WORKING
    assert (await thread.agent.describe()).status is WorkflowExecutionStatus.RUNNING


@pytest.mark.parametrize(
    ("body", "first"),
    [
        ({"error": {"message": LLAMA_CPP_NULL_CONTENT}}, "Input should be a valid string"),
        ({"detail": [{"msg": "Field required", "loc": ["body", "model"]}]}, "Field required (body.model)"),
        ({"detail": "Not Found"}, "Not Found"),
        ({"error": {"message": "The model `x` does not exist.\nMore."}}, "The model `x` does not exist."),
        ("upstream timed out\n", "upstream timed out"),
        ({}, None),
    ],
)
def test_the_servers_first_message_is_what_an_error_quotes(body: object, first: str | None):
    assert server_message(body) == first
