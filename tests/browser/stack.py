"""The whole product on loopback: the sandbox, the bot's web server, and a worker on the
real Temporal dev server, each told the others' addresses as `make run` tells them."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from temporalio.client import Client

from bot.http.server import EVENTS_PATH, build_bot_web_app
from countersign.settings import Settings, load_settings
from tests.sandbox_run import RunningSandbox, loopback_socket, port_of, serve_sandbox
from workflows.worker import build_worker


@dataclass
class Stack:
    sandbox: RunningSandbox
    settings: Settings

    @property
    def url(self) -> str:
        return self.sandbox.url


@asynccontextmanager
async def full_stack(client: Client, task_queue: str, **more_settings: str) -> AsyncIterator[Stack]:
    """`more_settings` are extra environment settings, e.g. OPENAI_BASE_URL for a fake model."""
    sandbox_socket, bot_socket = loopback_socket(), loopback_socket()
    settings = load_settings(
        {
            # No SLACK_BOT_TOKEN: sandbox mode, with the sandbox's token and signing secret.
            "SLACK_API_URL": f"http://127.0.0.1:{port_of(sandbox_socket)}/api/",
            "PORT": str(port_of(bot_socket)),
            "TEMPORAL_ADDRESS": client.service_client.config.target_host,
            "TEMPORAL_TASK_QUEUE": task_queue,
            **more_settings,
        },
        env_file="/nonexistent/.env",
    )
    assert settings.sandbox
    request_url = f"http://127.0.0.1:{settings.port}{EVENTS_PATH}"
    bot = web.AppRunner(build_bot_web_app(settings, client), access_log=None)
    async with serve_sandbox(request_url, sock=sandbox_socket) as sandbox, build_worker(client, settings):
        await bot.setup()
        await web.SockSite(bot, bot_socket).start()
        try:
            yield Stack(sandbox=sandbox, settings=settings)
        finally:
            await bot.cleanup()
