"""The bot's web server: Slack's one Request URL and a health check.

`python -m bot.server` (the Procfile's `web:` line). HTTP mode serves
`POST /slack/events` on PORT for events, interactivity and slash commands. With
SLACK_APP_TOKEN set, Slack's requests arrive over Socket Mode instead and the HTTP
server keeps only `GET /healthz`.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from temporalio.client import Client

from bot.ack_first import acks_first
from bot.app import build_app
from countersign.logs import configure_logging
from countersign.settings import Settings, exit_on_bad_settings, load_settings
from countersign.stopping import stop_on_signals
from countersign.temporal_client import connect

log = logging.getLogger("countersign.bot")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Well inside a load balancer's probe timeout, long enough for a healthy cluster.
HEALTH_CHECK_SECONDS = 2.0

# Requests acked before Bolt ran are still being handled; a stop waits for them this long.
SHUTDOWN_GRACE_SECONDS = 10.0
DISPATCHING = web.AppKey("dispatching", set)

Handler = Callable[[web.Request], Awaitable[web.Response]]


def build_web_app(bolt_app: AsyncApp, temporal_client: Client, signing_secret: str | None) -> web.Application:
    """The aiohttp app; `signing_secret=None` leaves Slack's route out (Socket Mode)."""
    web_app = web.Application()
    web_app[DISPATCHING] = set()
    # Runs once the listening socket is closed, so nothing new arrives while it waits.
    web_app.on_shutdown.append(finish_dispatching)
    web_app.router.add_get(HEALTH_PATH, _health_check(temporal_client))
    if signing_secret is not None:
        web_app.router.add_post(EVENTS_PATH, _slack_events(bolt_app, signing_secret, web_app[DISPATCHING]))
    return web_app


async def finish_dispatching(web_app: web.Application) -> None:
    """Lets requests Slack was already answered for finish: Slack will not send them again."""
    if pending := web_app[DISPATCHING]:
        log.info("Finishing %d acknowledged requests before stopping", len(pending))
        await asyncio.wait(pending, timeout=SHUTDOWN_GRACE_SECONDS)


def _slack_events(bolt_app: AsyncApp, signing_secret: str, dispatching: set[asyncio.Task[None]]) -> Handler:
    verifier = SignatureVerifier(signing_secret)

    async def dispatch_after_ack(bolt_request: AsyncBoltRequest) -> None:
        try:
            await bolt_app.async_dispatch(bolt_request)
        except Exception:
            log.exception("A request answered before dispatch failed in Bolt")

    async def slack_events(request: web.Request) -> web.Response:
        raw_body = await request.text()
        if _signed(verifier, raw_body, request) and acks_first(raw_body, request.content_type):
            bolt_request = AsyncBoltRequest(
                body=raw_body, query=request.query_string, headers=request.headers
            )
            task = asyncio.create_task(dispatch_after_ack(bolt_request))
            # Kept referenced until done: the event loop holds tasks only weakly.
            dispatching.add(task)
            task.add_done_callback(dispatching.discard)
            return web.Response(status=200)
        try:
            bolt_request = AsyncBoltRequest(
                body=raw_body, query=request.query_string, headers=request.headers
            )
            return await to_aiohttp_response(await bolt_app.async_dispatch(bolt_request))
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


def _health_check(temporal_client: Client) -> Handler:
    async def healthz(_: web.Request) -> web.Response:
        try:
            healthy = await asyncio.wait_for(
                temporal_client.service_client.check_health(), HEALTH_CHECK_SECONDS
            )
        except Exception:  # any failure to reach Temporal means unhealthy
            log.warning("Health check: Temporal is unreachable", exc_info=True)
            healthy = False
        if healthy:
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "temporal unreachable"}, status=503)

    return healthz


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Runs the bot until `stop` is set, or by default until SIGTERM or Ctrl-C."""
    temporal_client = await connect(settings)
    bolt_app = build_app(settings, temporal_client)
    socket_mode = settings.slack_app_token is not None
    web_app = build_web_app(bolt_app, temporal_client, None if socket_mode else settings.slack_signing_secret)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", settings.port).start()
    socket_handler = None
    if settings.slack_app_token:
        socket_handler = AsyncSocketModeHandler(bolt_app, settings.slack_app_token)
        await socket_handler.connect_async()
    log.info("Bot ready", extra={"mode": "socket" if socket_mode else "http", "port": settings.port})
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
