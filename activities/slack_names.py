"""People's names from Slack (users.info), so messages can name people without pinging them.

A card that wrote `<@U…>` for someone mentioned in a request would notify them; the
card writes their name instead. Names are cached for a while: a card and its update
name the same people, and a busy channel names the same approvers all day. A name that
cannot be looked up (no `users:read` scope, a deleted user, Slack down) is simply the ID.
"""

import asyncio
import logging
import time
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("countersign.activities")

CACHE_SECONDS = 600
# A card names at most this many people; the rest are shown by ID.
LOOKUPS_MAX = 25
LOOKUP_TIMEOUT_SECONDS = 5


class SlackNames:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._cache: dict[str, tuple[float, str]] = {}

    async def names_of(self, user_ids: Iterable[str]) -> dict[str, str]:
        """Display names of those that could be looked up, by user ID."""
        wanted = list(dict.fromkeys(u for u in user_ids if u))[:LOOKUPS_MAX]
        now = time.monotonic()
        missing = [u for u in wanted if u not in self._cache or self._cache[u][0] < now]
        if missing:
            found = await asyncio.gather(*(self._look_up(u) for u in missing))
            for user, name in zip(missing, found, strict=True):
                if name:
                    self._cache[user] = (now + CACHE_SECONDS, name)
        return {u: self._cache[u][1] for u in wanted if u in self._cache}

    async def _look_up(self, user: str) -> str | None:
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT_SECONDS):
                response = await self._client.users_info(user=user)
        except SlackApiError as err:
            log.info("No name for %s: %s", user, err.response.get("error"))
            return None
        except (TimeoutError, OSError) as err:
            log.info("No name for %s: %s", user, type(err).__name__)
            return None
        person = response.get("user") or {}
        profile = person.get("profile") or {}
        return profile.get("display_name") or profile.get("real_name") or person.get("real_name") or None
