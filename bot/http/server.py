"""The bot's web server: Slack's one Request URL, a health check, and the receipts' keys.

`python -m bot.http.server` (the Procfile's `web:` line). HTTP mode serves
`POST /slack/events` on PORT for events, interactivity and slash commands. With
SLACK_APP_TOKEN set, Slack's requests arrive over Socket Mode instead (bot.socket_mode)
and the HTTP server keeps only `GET /healthz`, which then also says whether the
WebSocket is up. `GET /.well-known/jwks.json` serves, in either mode, the public keys that
approval receipts are verified with (countersign.receipts), so receiving systems can
fetch them from here. Either way the bot token is checked with Slack first
(countersign.slack_check): a wrong one ends the start with one line.

Bolt runs each listener to its end before Slack is answered (process_before_response),
and the listeners acknowledge only once Temporal has what they were given: a 200 (or a
Socket Mode ack) means the request or decision survives a crash of any process. What
only tells a person comes after the answer (bot.after_answer).
"""

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from temporalio.client import Client

from activities.slack_client import slack_web_client
from bot.after_answer import finish_after_answer
from bot.app import build_app
from bot.socket_mode import SocketModeConnection
from countersign.logs import configure_logging
from countersign.receipts.configured import signing_key
from countersign.receipts.keys import public_jwks
from countersign.settings import Settings, exit_on_bad_settings, load_settings
from countersign.slack_check import check_slack_token
from countersign.stopping import exit_without_finalizing, stop_on_signals
from countersign.temporal_client import connect

log = logging.getLogger("countersign.bot")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
JWKS_PATH = "/.well-known/jwks.json"
# Receivers may cache the keys this long; a new key is served before it signs anything.
JWKS_MAX_AGE_SECONDS = 300
# Well inside a load balancer's probe timeout, long enough for a healthy cluster.
HEALTH_CHECK_SECONDS = 2.0

Handler = Callable[[web.Request], Awaitable[web.Response]]
SlackConnected = Callable[[], Awaitable[bool]]


def build_web_app(
    bolt_app: AsyncApp,
    temporal_client: Client,
    signing_secret: str | None,
    slack_connected: SlackConnected | None = None,
    jwks: dict[str, Any] | None = None,
) -> web.Application:
    """The aiohttp app; `signing_secret=None` leaves Slack's route out (Socket Mode), whose
    WebSocket `slack_connected` tells the health check about. `jwks` is served as it is."""
    web_app = web.Application()

    async def finish(_: web.Application) -> None:
        # After the listening socket closed and the requests in flight were answered.
        await finish_after_answer()

    web_app.on_cleanup.append(finish)
    web_app.router.add_get(HEALTH_PATH, _health_check(temporal_client, slack_connected))
    if jwks is not None:
        web_app.router.add_get(JWKS_PATH, _static_json(jwks))
    if signing_secret is not None:
        web_app.router.add_post(EVENTS_PATH, _slack_events(bolt_app, signing_secret))
    return web_app


def build_bot_web_app(settings: Settings, temporal_client: Client) -> web.Application:
    """The whole bot's HTTP side: what `python -m bot.http.server` serves, and tests drive."""
    bolt_app = build_app(settings, temporal_client)
    jwks = receipt_jwks(settings)
    return build_web_app(bolt_app, temporal_client, settings.slack_signing_secret, jwks=jwks)


def receipt_jwks(settings: Settings) -> dict[str, Any]:
    """The public half of the key the workers sign receipts with (the same settings, or the
    same kept file on this machine)."""
    return public_jwks(signing_key(settings))


def _static_json(document: dict[str, Any]) -> Handler:
    async def serve_document(_: web.Request) -> web.Response:
        return web.json_response(document, headers={"Cache-Control": f"max-age={JWKS_MAX_AGE_SECONDS}"})

    return serve_document


def _slack_events(bolt_app: AsyncApp, signing_secret: str) -> Handler:
    verifier = SignatureVerifier(signing_secret)

    async def slack_events(request: web.Request) -> web.Response:
        raw_body = await request.text()
        try:
            bolt_request = AsyncBoltRequest(
                body=raw_body, query=request.query_string, headers=dict(request.headers)
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


def _health_check(temporal_client: Client, slack_connected: SlackConnected | None) -> Handler:
    async def healthz(_: web.Request) -> web.Response:
        # In Socket Mode a bot without its WebSocket receives nothing: not healthy.
        if slack_connected is not None and not await slack_connected():
            return web.json_response({"status": "slack disconnected"}, status=503)
        if await temporal_reachable(temporal_client):
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "temporal unreachable"}, status=503)

    return healthz


async def temporal_reachable(temporal_client: Client) -> bool:
    try:
        return await asyncio.wait_for(temporal_client.service_client.check_health(), HEALTH_CHECK_SECONDS)
    except Exception:  # any failure to reach Temporal means unhealthy
        log.warning("Health check: Temporal is unreachable", exc_info=True)
        return False


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Runs the bot until `stop` is set, or by default until SIGTERM or Ctrl-C."""
    checking = slack_web_client(
        settings.slack_bot_token, settings.slack_api_url, retry_connection_errors=False
    )
    await check_slack_token(settings, checking)
    temporal_client = await connect(settings)
    bolt_app = build_app(settings, temporal_client)
    jwks = receipt_jwks(settings)
    socket_handler = None
    if settings.slack_app_token is None:
        web_app = build_web_app(bolt_app, temporal_client, settings.slack_signing_secret, jwks=jwks)
    else:
        # Socket Mode acks over its WebSocket; this server keeps the health check and the keys.
        socket_handler = SocketModeConnection(bolt_app, settings.slack_app_token)
        web_app = build_web_app(bolt_app, temporal_client, None, socket_handler.connected, jwks)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    # Everything made so far lives as long as the process. Left to the collector, every
    # full collection walks it all again while every request in flight waits; frozen, it
    # is skipped.
    gc.freeze()
    await web.TCPSite(runner, "0.0.0.0", settings.port).start()
    if stop is None:
        # Only from here on: until now a SIGTERM simply ends the process, as it should.
        stop = stop_on_signals()
    try:
        # Ready means Slack's requests can arrive: in Socket Mode, once the WebSocket is up.
        if socket_handler is None or await _connected(socket_handler, stop):
            log.info(
                "Bot ready", extra={"mode": "socket" if socket_handler else "http", "port": settings.port}
            )
            await stop.wait()
    finally:
        log.info("Bot stopping")
        if socket_handler:
            await socket_handler.close_async()
        # Closes the listening socket first, then lets requests in flight finish: none was
        # answered yet, so none is lost either way.
        await runner.cleanup()


async def _connected(socket_handler: SocketModeConnection, stop: asyncio.Event) -> bool:
    """Connects, unless told to stop first (a Slack that never answers must not hold a
    SIGTERM up); False when stopped."""
    connecting = asyncio.ensure_future(socket_handler.connect_async())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({connecting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        connected = connecting.done()
        connecting.cancel()  # nothing, once it is done
    if connected:
        connecting.result()  # raises SlackUnusable for an app token Slack refused
    return connected


def main() -> None:
    with exit_on_bad_settings("countersign bot"):
        settings = load_settings()
        configure_logging(settings.log_level)
        # A token Slack refuses is a bad setting too (countersign.slack_check).
        asyncio.run(serve(settings))
    exit_without_finalizing()


if __name__ == "__main__":
    main()
