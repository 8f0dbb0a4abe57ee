"""The one way this project builds a Slack Web API client."""

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def slack_web_client(token: str, base_url: str) -> AsyncWebClient:
    # slack_sdk retries only connection errors by default; a 429 must also wait for
    # Retry-After inside the same call, or the activity retry would post twice.
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        ],
    )
