"""The one way this project builds a Slack Web API client."""

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def slack_web_client(token: str, base_url: str, *, retry_connection_errors: bool = True) -> AsyncWebClient:
    """`retry_connection_errors=False` where the caller retries them itself (the start check),
    so a Slack that is not up yet costs one attempt, and one log line, per try."""
    return use_slack_api(
        AsyncWebClient(token=token), base_url, retry_connection_errors=retry_connection_errors
    )


def use_slack_api(
    client: AsyncWebClient, base_url: str, *, retry_connection_errors: bool = True
) -> AsyncWebClient:
    """Points `client` (one built here, or the one Bolt builds from its token) at `base_url`,
    with this project's retries."""
    client.base_url = base_url if base_url.endswith("/") else base_url + "/"
    # slack_sdk retries only connection errors by default; a 429 must also wait for
    # Retry-After inside the same call, or the activity retry would post twice.
    client.retry_handlers = [
        *([AsyncConnectionErrorRetryHandler()] if retry_connection_errors else []),
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
    ]
    return client
