"""Connecting to Temporal (the embedded dev server, a cluster or Temporal Cloud) and the
OpenAI Agents plugin the worker runs with."""

import asyncio
import logging
import time
from datetime import timedelta

from agents.models.openai_provider import OpenAIProvider
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.converter import DataConverter
from temporalio.openai_agents import (
    ModelActivityParameters,
    OpenAIAgentsPlugin,
    OpenAIPayloadConverter,
)
from temporalio.service import TLSConfig

from countersign.model_client import CompatibleOpenAI
from countersign.settings import Settings

log = logging.getLogger(__name__)

# The agents plugin's converter (pydantic-aware JSON); every client, the bot's included,
# uses it so payloads read the same on both sides.
DATA_CONVERTER = DataConverter(payload_converter_class=OpenAIPayloadConverter)
# One attempt at a model call; a longer answer is retried (or the turn's bound ends it).
MODEL_CALL_TIMEOUT = timedelta(seconds=120)


def agents_plugin(settings: Settings) -> OpenAIAgentsPlugin:
    """Model calls become activities with a timeout; Temporal's retry policy does the
    retrying, so the OpenAI client itself does not."""
    turn_timeout = timedelta(seconds=settings.model_turn_timeout_seconds)
    client = CompatibleOpenAI(
        # Without a key the agent runs in approval-only mode and never calls a model.
        api_key=settings.openai_api_key or "not-configured",
        base_url=settings.openai_base_url,
        max_retries=0,
    )
    return OpenAIAgentsPlugin(
        model_params=ModelActivityParameters(
            # Inside the turn's bound (MODEL_TURN_TIMEOUT_SECONDS), attempts and retries
            # together: the workflow stops waiting then, and so does the activity.
            start_to_close_timeout=min(MODEL_CALL_TIMEOUT, turn_timeout),
            schedule_to_close_timeout=turn_timeout,
            # 429s and 5xx retry a few times (about 8 s in all); a 401 fails at once. Then
            # the agent tells the thread what failed instead of waiting on a dead model.
            retry_policy=RetryPolicy(
                initial_interval=timedelta(milliseconds=500),
                maximum_interval=timedelta(seconds=8),
                maximum_attempts=5,
            ),
        ),
        model_provider=OpenAIProvider(
            openai_client=client, use_responses=settings.openai_api_style == "responses"
        ),
    )


async def connect(settings: Settings, *, wait_seconds: float = 60) -> Client:
    """Connects, retrying while the server comes up (the dev server starts beside us)."""
    tls: bool | TLSConfig = settings.temporal_tls or bool(settings.temporal_api_key)
    if settings.temporal_tls_cert and settings.temporal_tls_key:
        tls = TLSConfig(
            client_cert=settings.temporal_tls_cert.read_bytes(),
            client_private_key=settings.temporal_tls_key.read_bytes(),
        )
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return await Client.connect(
                settings.temporal_address,
                namespace=settings.temporal_namespace,
                tls=tls,
                api_key=settings.temporal_api_key,
                data_converter=DATA_CONVERTER,
            )
        except RuntimeError as err:
            if time.monotonic() > deadline:
                raise
            log.info("Waiting for Temporal at %s: %s", settings.temporal_address, err)
            await asyncio.sleep(1)
