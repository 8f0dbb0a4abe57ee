"""The bot's web server: Slack's one Request URL and a health check.

`python -m bot.server` (the Procfile's `web:` line). HTTP mode serves
`POST /slack/events` on PORT for events, interactivity and slash commands. With
SLACK_APP_TOKEN set, Slack's requests arrive over Socket Mode instead and the HTTP
server keeps only `GET /healthz`.
"""

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_sdk.signature import SignatureVerifier

from bot.ack_first import acks_first
from bot.dispatch import Dispatch, SlackRequest
from bot.dispatch_process import DispatchProcess
from countersign.logs import configure_logging
from countersign.settings import Settings, exit_on_bad_settings, load_settings
from countersign.stopping import stop_on_signals

log = logging.getLogger("countersign.bot")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

Handler = Callable[[web.Request], Awaitable[web.Response]]


def build_web_app(dispatch: Dispatch, signing_secret: str | None) -> web.Application:
    """The aiohttp app; `signing_secret=None` leaves Slack's route out (Socket Mode)."""
    web_app = web.Application()

    async def finish_dispatching(_: web.Application) -> None:
        # Runs once the listening socket is closed, so nothing new arrives while it waits.
        await dispatch.finish()

    web_app.on_shutdown.append(finish_dispatching)
    web_app.router.add_get(HEALTH_PATH, _health_check(dispatch))
    if signing_secret is not None:
        web_app.router.add_post(EVENTS_PATH, _slack_events(dispatch, signing_secret))
    return web_app


def _slack_events(dispatch: Dispatch, signing_secret: str) -> Handler:
    verifier = SignatureVerifier(signing_secret)

    async def slack_events(request: web.Request) -> web.Response:
        raw_body = await request.text()
        slack_request = SlackRequest(raw_body, request.query_string, dict(request.headers))
        if _signed(verifier, raw_body, request) and acks_first(raw_body, request.content_type):
            dispatch.after_ack(slack_request)
            return web.Response(status=200)
        try:
            return await to_aiohttp_response(await dispatch.answer(slack_request))
        except Exception:
            # Bolt raises, instead of answering, on a body it cannot read (not JSON, not an
            # object, a click without actions). A forged one is answered as Bolt would; a
            # genuine but unreadable one gets 400, which Slack does not retry.
            if not _signed(verifier, raw_body, request):
                return web.json_response({"error": "invalid request"}, status=401)
            log.exception("Refused a signed request that Bolt could not handle")
            return web.json_response({"error": "malformed request"}, status=400)

    return slack_events


def _signed(verifier: SignatureVerifier, raw_body: str, request: web.Request) -> bool:
    return verifier.is_valid(
        raw_body,
        request.headers.get("X-Slack-Request-Timestamp", "0"),
        request.headers.get("X-Slack-Signature", ""),
    )


def _health_check(dispatch: Dispatch) -> Handler:
    async def healthz(_: web.Request) -> web.Response:
        if await dispatch.healthy():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "temporal unreachable"}, status=503)

    return healthz


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Runs the bot until `stop` is set, or by default until SIGTERM or Ctrl-C."""
    socket_handler = None
    if settings.slack_app_token is None:
        # Slack's HTTP requests: acked here, handled by Bolt in a child process.
        bolt_process = DispatchProcess()
        await bolt_process.start()
        web_app = build_web_app(bolt_process, settings.slack_signing_secret)
    else:
        # Socket Mode acks over its WebSocket; this server keeps only the health check.
        # Imported here: over HTTP this process only acks and need not load the app.
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        from bot.app import build_app
        from bot.dispatch_in_process import InProcessDispatch
        from countersign.temporal_client import connect

        temporal_client = await connect(settings)
        bolt_app = build_app(settings, temporal_client)
        web_app = build_web_app(InProcessDispatch(bolt_app, temporal_client), None)
        socket_handler = AsyncSocketModeHandler(bolt_app, settings.slack_app_token)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    # Everything made so far lives as long as the process. Left to the collector, every
    # full collection walks it all again (10 ms here on an idle machine, many times that on
    # a busy one) while every ack in flight waits; frozen, it is skipped.
    gc.freeze()
    await web.TCPSite(runner, "0.0.0.0", settings.port).start()
    if socket_handler:
        await socket_handler.connect_async()
    log.info("Bot ready", extra={"mode": "socket" if socket_handler else "http", "port": settings.port})
    if stop is None:
        stop = stop_on_signals()
    try:
        await stop.wait()
    finally:
        log.info("Bot stopping")
        if socket_handler:
            await socket_handler.close_async()
        await runner.cleanup()


def main() -> None:
    with exit_on_bad_settings("countersign bot"):
        settings = load_settings()
    configure_logging(settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
