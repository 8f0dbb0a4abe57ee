"""Connecting to Temporal: the embedded dev server, a self-hosted cluster or Temporal Cloud."""

import asyncio
import logging
import time
from datetime import timedelta

from temporalio.client import Client
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.service import TLSConfig

from countersign.settings import Settings

log = logging.getLogger(__name__)


def agents_plugin() -> OpenAIAgentsPlugin:
    """The OpenAI Agents plugin: model calls become activities; its converter is the project's."""
    return OpenAIAgentsPlugin(
        model_params=ModelActivityParameters(start_to_close_timeout=timedelta(seconds=120))
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
                plugins=[agents_plugin()],
            )
        except RuntimeError as err:
            if time.monotonic() > deadline:
                raise
            log.info("Waiting for Temporal at %s: %s", settings.temporal_address, err)
            await asyncio.sleep(1)
