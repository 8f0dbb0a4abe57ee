"""The fake model server speaks well enough for the real `openai` client and openai-agents."""

import dataclasses
import uuid
from collections.abc import AsyncIterator

import openai
import pytest
from agents import Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, RunConfig, Runner, function_tool
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion
from openai.types.responses import Response
from temporalio.client import Client
from temporalio.worker import Worker

from countersign.settings import Settings
from countersign.temporal_client import agents_plugin
from tests.fakes.openai_server import FakeOpenAI, ToolCall, message, tool_call, tool_calls
from tests.model_workflows import AskTheClerk

NO_TRACING = RunConfig(tracing_disabled=True)


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAI]:
    fake = await FakeOpenAI(api_key="test").start()
    yield fake
    await fake.stop()


def openai_client(fake: FakeOpenAI, max_retries: int = 0) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=fake.base_url, api_key="test", max_retries=max_retries)


def invoice_agent(model_for_agent, looked_up: list[str]) -> Agent:
    @function_tool
    def look_up_invoice(invoice: str) -> str:
        """Says whether an invoice is paid.

        Args:
            invoice: The invoice number.
        """
        looked_up.append(invoice)
        return f"invoice {invoice} was paid on 2024-05-01"

    return Agent(
        name="Clerk",
        instructions="Answer questions about invoices.",
        tools=[look_up_invoice],
        model=model_for_agent,
    )


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_an_agent_runs_a_scripted_tool_call_then_answers(model: FakeOpenAI, api: str):
    model.then(tool_call("look_up_invoice", {"invoice": "4411"}), message("Invoice 4411 is paid."))
    client = openai_client(model)
    models = {
        "responses": OpenAIResponsesModel(model="fake", openai_client=client),
        "chat": OpenAIChatCompletionsModel(model="fake", openai_client=client),
    }
    looked_up: list[str] = []

    result = await Runner.run(
        invoice_agent(models[api], looked_up), "Is invoice 4411 paid?", run_config=NO_TRACING
    )

    assert looked_up == ["4411"]
    assert result.final_output == "Invoice 4411 is paid."
    first, second = model.requests
    assert (first.api, first.tools, first.instructions) == (
        api,
        ["look_up_invoice"],
        "Answer questions about invoices.",
    )
    assert first.user_messages == ["Is invoice 4411 paid?"]
    assert second.tool_outputs == ["invoice 4411 was paid on 2024-05-01"]


async def test_parallel_tool_calls_and_answers_computed_from_what_the_model_was_shown(model: FakeOpenAI):
    model.then(
        tool_calls(
            ToolCall("look_up_invoice", {"invoice": "1"}), ToolCall("look_up_invoice", {"invoice": "2"})
        ),
        lambda request: message(" / ".join(request.tool_outputs)),
    )
    looked_up: list[str] = []
    agent = invoice_agent(OpenAIResponsesModel(model="fake", openai_client=openai_client(model)), looked_up)

    result = await Runner.run(agent, "Are 1 and 2 paid?", run_config=NO_TRACING)

    assert sorted(looked_up) == ["1", "2"]
    assert result.final_output == "invoice 1 was paid on 2024-05-01 / invoice 2 was paid on 2024-05-01"


async def test_answers_validate_against_the_openai_types(model: FakeOpenAI):
    model.then(tool_call("look_up_invoice", {"invoice": "9"}), message("ok"), message("ok"))
    client = openai_client(model)

    called = await client.responses.with_raw_response.create(model="fake", input="hi")
    answered = await client.responses.with_raw_response.create(model="fake", input="hi")
    chat = await client.chat.completions.with_raw_response.create(
        model="fake", messages=[{"role": "user", "content": "hi"}]
    )

    # Strict validation, not the client's lenient construction.
    assert Response.model_validate_json(called.content).output[0].type == "function_call"
    assert Response.model_validate_json(answered.content).output_text == "ok"
    assert ChatCompletion.model_validate_json(chat.content).choices[0].message.content == "ok"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, openai.AuthenticationError),
        (429, openai.RateLimitError),
        (500, openai.InternalServerError),
    ],
)
async def test_a_failure_is_the_error_openai_raises(model: FakeOpenAI, status, error):
    model.fail(status)
    model.then(message("never sent"))
    agent = invoice_agent(OpenAIResponsesModel(model="fake", openai_client=openai_client(model)), [])

    with pytest.raises(error):
        await Runner.run(agent, "hello", run_config=NO_TRACING)

    assert [r.status for r in model.requests] == [status]


async def test_failures_come_before_the_script_so_a_retry_gets_the_answer(model: FakeOpenAI):
    model.fail(429, times=2)
    model.then(message("Hello."))
    agent = invoice_agent(OpenAIResponsesModel(model="fake", openai_client=openai_client(model, 2)), [])

    result = await Runner.run(agent, "hello", run_config=NO_TRACING)

    assert result.final_output == "Hello."
    assert [r.status for r in model.requests] == [429, 429, 200]


async def test_a_wrong_api_key_is_refused(model: FakeOpenAI):
    model.then(message("never sent"))
    client = AsyncOpenAI(base_url=model.base_url, api_key="wrong", max_retries=0)

    with pytest.raises(openai.AuthenticationError):
        await client.responses.create(model="fake", input="hi")


async def test_a_request_past_the_end_of_the_script_fails_clearly(model: FakeOpenAI):
    with pytest.raises(openai.BadRequestError) as error:
        await openai_client(model).responses.create(model="fake", input="hi")

    assert "no turn left" in str(error.value)


async def test_the_fake_drives_an_agent_inside_a_workflow_through_the_plugin(
    model: FakeOpenAI, client: Client, settings: Settings
):
    model.then(tool_call("look_up_invoice", {"invoice": "4411"}), message("Invoice 4411 is paid."))
    with_model = dataclasses.replace(settings, openai_api_key="test", openai_base_url=model.base_url)
    task_queue = f"{settings.temporal_task_queue}-clerk"

    async with Worker(
        client, task_queue=task_queue, workflows=[AskTheClerk], plugins=[agents_plugin(with_model)]
    ):
        answer = await client.execute_workflow(
            AskTheClerk.run, "Is invoice 4411 paid?", id=f"clerk-{uuid.uuid4()}", task_queue=task_queue
        )

    assert answer == "Invoice 4411 is paid."
    assert model.requests[1].tool_outputs == ["invoice 4411 was paid on 2024-05-01"]
