"""The sandbox's aiohttp app: Web API, response URLs, the page and its live updates."""

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from sandbox import api_chat, api_views, api_workspace, ui
from sandbox.context import SANDBOX, Sandbox
from sandbox.hooks import response_url
from sandbox.live import LivePage
from sandbox.request_url import RequestUrl
from sandbox.settings import SandboxSettings
from sandbox.state_file import StateFile, load_messages
from sandbox.web_api import web_api_handler
from sandbox.webhooks import RECEIVED, webhook_received
from sandbox.workspace import Workspace

WEB_API_METHODS = api_chat.METHODS | api_views.METHODS | api_workspace.METHODS


def build_sandbox_app(settings: SandboxSettings) -> web.Application:
    app = web.Application()
    api = web_api_handler(WEB_API_METHODS)
    app.router.add_route("*", "/api/{method}", api)
    app.router.add_post("/hooks/{token:.+}", response_url)
    app.router.add_post("/webhooks/{name:.+}", webhook_received)
    app[RECEIVED] = set()
    ui.add_routes(app)
    app.router.add_get("/live", _live)
    app.cleanup_ctx.append(_sandbox_context(settings))
    # On shutdown, not at cleanup: aiohttp waits for the handlers still running (an open
    # tab's WebSocket is one) between the two, up to its 60 s shutdown timeout.
    app.on_shutdown.append(_close_live_pages)
    return app


def _sandbox_context(settings: SandboxSettings):
    async def sandbox_context(app: web.Application) -> AsyncIterator[None]:
        messages, last_ts = load_messages(settings.state_file) if settings.state_file else ([], "0")
        workspace = Workspace(settings.public_url, messages, last_ts)
        state_file = StateFile(workspace, settings.state_file) if settings.state_file else None
        async with aiohttp.ClientSession() as session:
            sandbox = Sandbox(
                settings=settings,
                workspace=workspace,
                live=LivePage(workspace),
                bot=RequestUrl(settings.request_url, settings.signing_secret, session),
            )
            app[SANDBOX] = sandbox
            yield
            await sandbox.stop_background()
        if state_file:
            state_file.flush()

    return sandbox_context


async def _close_live_pages(app: web.Application) -> None:
    await app[SANDBOX].live.close()


async def _live(request: web.Request) -> web.WebSocketResponse:
    return await request.app[SANDBOX].live.serve(request)
