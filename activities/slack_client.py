"""The one way this project builds a Slack Web API client."""

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def slack_web_client(token: str, base_url: str) -> AsyncWebClient:
    return use_slack_api(AsyncWebClient(token=token), base_url)


def use_slack_api(client: AsyncWebClient, base_url: str) -> AsyncWebClient:
    """Points `client` (one built here, or the one Bolt builds from its token) at `base_url`,
    with this project's retries."""
    client.base_url = base_url if base_url.endswith("/") else base_url + "/"
    # slack_sdk retries only connection errors by default; a 429 must also wait for
    # Retry-After inside the same call, or the activity retry would post twice.
    client.retry_handlers = [
        AsyncConnectionErrorRetryHandler(),
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
    ]
    return client
