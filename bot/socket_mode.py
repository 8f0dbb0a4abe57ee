"""Socket Mode (SLACK_APP_TOKEN set): Slack's requests over a WebSocket the bot opens.

Bolt's handler and slack_sdk's client, with their connecting replaced. Theirs retries a
failed connection for ever, every few seconds, logging a full traceback each time, and
gives no way to tell "connected" from "still trying" — so a bot nobody could reach said
it was healthy. Here each attempt that fails is one WARNING line with its reason, attempts
back off, a token Slack refuses at start ends the start, and `connected()` is what
`/healthz` reports.
"""

import asyncio
import logging
import time

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient

from countersign.slack_check import SlackUnusable

log = logging.getLogger("countersign.bot")

# Slack pings every few seconds; the SDK's default for aiohttp.
PING_INTERVAL = 10
# One attempt's WebSocket handshake; aiohttp's own limit is five minutes.
HANDSHAKE_SECONDS = 30
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0
# apps.connections.open's answers that no retry will change: the app token is wrong.
_REFUSALS = {"not_authed", "invalid_auth", "account_inactive", "token_revoked", "not_allowed_token_type"}


class SocketModeConnection(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler on a `_Connection`; `connect_async()` returns once connected."""

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        # Not super().__init__(): it would build slack_sdk's own client (an aiohttp session
        # and a running task) only for it to be replaced.
        self.app = app
        self.app_token = app_token
        self.client = _Connection(
            app_token=app_token, logger=app.logger, web_client=app.client, ping_interval=PING_INTERVAL
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    async def connected(self) -> bool:
        """Whether the WebSocket is up and answering pings now."""
        return await self.client.is_connected()


class _Connection(SocketModeClient):
    """slack_sdk's aiohttp client; only how it (re)connects differs."""

    _ever_connected = False

    async def connect(self) -> None:
        """Returns once connected (or closed); each failed attempt is one WARNING line."""
        delay = FIRST_RETRY_SECONDS
        while not self.closed:
            try:
                await self._connect_once()
                return
            except Exception as err:  # every failure is retried; what it was is logged
                if self.closed:
                    return
                if (refusal := _refusal(err)) and not self._ever_connected:
                    raise SlackUnusable(f"SLACK_APP_TOKEN was refused by Slack ({refusal})") from None
                log.warning(
                    "Socket Mode: cannot connect to Slack (%s); next attempt in %.0f s",
                    _reason(err),
                    delay,
                    extra={"retry_seconds": delay},
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)

    async def connect_to_new_endpoint(self, force: bool = False) -> None:
        # Called by the SDK's session monitor and on Slack's "disconnect" message. Its own
        # version fetches the new URL outside connect(), where a failure is logged as an
        # error and retried on the monitor's clock, not ours.
        try:
            acquired = await asyncio.wait_for(self.connect_operation_lock.acquire(), timeout=5)
        except TimeoutError:
            return  # another reconnect is under way
        try:
            if force or not await self.is_connected():
                await self.connect()
        finally:
            if acquired:
                self.connect_operation_lock.release()

    async def _connect_once(self) -> None:
        # What SocketModeClient.connect does in one pass, with a fresh URL each time (Slack's
        # WebSocket URLs are single-use) and the old session closed first (Slack counts it).
        self.auto_reconnect_enabled = False
        if self.current_session is not None and not self.current_session.closed:
            await self.current_session.close()
        if self.aiohttp_client_session.closed:
            self.aiohttp_client_session = aiohttp.ClientSession()
        answer = await self.web_client.apps_connections_open(app_token=self.app_token)
        self.wss_uri = answer["url"]
        self.current_session = await asyncio.wait_for(
            self.aiohttp_client_session.ws_connect(
                self.wss_uri,
                autoping=False,
                heartbeat=self.ping_interval,
                proxy=self.proxy,
                ssl=self.web_client.ssl if self.web_client.ssl is not None else True,
            ),
            HANDSHAKE_SECONDS,
        )
        self.auto_reconnect_enabled = self.default_auto_reconnect_enabled
        self.stale = False
        # A stale session's last pong would make the new one look dead until its first.
        self.last_ping_pong_time = None
        self._ever_connected = True
        log.info("Socket Mode: connected to Slack")
        await self.current_session.ping(f"sdk-ping-pong:{time.time()}".encode())
        # No await from here on: the monitor being replaced may be the task running this.
        if self.current_session_monitor is not None:
            self.current_session_monitor.cancel()
        self.current_session_monitor = asyncio.ensure_future(self.monitor_current_session())
        if self.message_receiver is not None:
            self.message_receiver.cancel()
        self.message_receiver = asyncio.ensure_future(self.receive_messages())


def _refusal(err: Exception) -> str | None:
    if isinstance(err, SlackApiError) and isinstance(err.response.data, dict):
        error = err.response.data.get("error")
        return error if error in _REFUSALS else None
    return None


def _reason(err: Exception) -> str:
    if isinstance(err, SlackApiError):
        data = err.response.data
        error = data.get("error") if isinstance(data, dict) else None
        return f"apps.connections.open: {error or f'HTTP {err.response.status_code}'}"
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
