"""Asking Slack at start whether the bot token works (`auth.test`), before anything waits on it.

A wrong token otherwise passes every check until the first mention, and an unreachable
SLACK_API_URL until the first card. Both are configuration problems, so both end the
process the way a bad setting does: one line naming the setting, exit code 2.
"""

import asyncio
import logging
import time

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from countersign.settings import Settings, SettingsError

log = logging.getLogger(__name__)

# The sandbox starts beside the bot and the worker (`make run`), as the dev server does for
# Temporal: a refused connection at first is Slack coming up, not Slack missing.
SLACK_WAIT_SECONDS = 30
ATTEMPT_SECONDS = 10
# Slack's answers that say "later", not "no".
_TRANSIENT_ERRORS = {"ratelimited", "rate_limited", "request_timeout", "fatal_error", "internal_error"}


class SlackUnusable(SettingsError):
    """Slack refused a token, or could not be reached where SLACK_API_URL points."""


class _Later(Exception):
    """A failure worth another attempt while there is time."""


async def check_slack_token(
    settings: Settings, client: AsyncWebClient, *, wait_seconds: float = SLACK_WAIT_SECONDS
) -> dict:
    """The bot's identity as `auth.test` answers it; SlackUnusable when the token is refused,
    or Slack cannot be reached within `wait_seconds`."""
    deadline = time.monotonic() + wait_seconds
    waiting = False
    while True:
        try:
            return await _auth_test(settings, client)
        except _Later as later:
            if time.monotonic() >= deadline:
                where = f"SLACK_API_URL={settings.slack_api_url}"
                raise SlackUnusable(f"cannot reach Slack at {where}: {later}") from None
            if not waiting:
                log.info(
                    "Waiting up to %.0f s for Slack at %s: %s", wait_seconds, settings.slack_api_url, later
                )
                waiting = True
            await asyncio.sleep(1)


async def _auth_test(settings: Settings, client: AsyncWebClient) -> dict:
    try:
        answer = await asyncio.wait_for(client.auth_test(), ATTEMPT_SECONDS)
    except SlackApiError as err:
        status, data = err.response.status_code, err.response.data
        error = data.get("error") if isinstance(data, dict) else None
        if error in _TRANSIENT_ERRORS or status >= 500:
            raise _Later(error or f"HTTP {status}") from None
        if error:
            raise SlackUnusable(f"SLACK_BOT_TOKEN was refused by Slack ({error})") from None
        # Not Slack's JSON at all: SLACK_API_URL points at something else.
        raise SlackUnusable(
            f"SLACK_API_URL={settings.slack_api_url} does not answer like Slack's Web API "
            f"(auth.test got HTTP {status})"
        ) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as err:
        raise _Later(f"{type(err).__name__}: {err}".rstrip(": ")) from None
    return answer.data if isinstance(answer.data, dict) else {}
