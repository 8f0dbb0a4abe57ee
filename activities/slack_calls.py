"""One Slack Web API call from an activity, with Slack's errors mapped for Temporal.

Shared by the Slack activities and the Slack action executors, so both retry the same
errors and explain the same codes.
"""

from collections.abc import Collection
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.exceptions import ApplicationError

# Everything else Slack answers with ok:false is a fact about the request (a bad channel,
# a revoked token), which a retry would only repeat.
TRANSIENT_ERRORS = {
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}

HINTS = {
    "channel_not_found": "the channel does not exist or the bot cannot see it",
    "not_in_channel": "invite the bot to the channel first (/invite @Countersign)",
    "invalid_auth": "SLACK_BOT_TOKEN is not valid for this workspace",
    "not_authed": "no SLACK_BOT_TOKEN was sent",
    "token_revoked": "SLACK_BOT_TOKEN was revoked; reinstall the app",
    "account_inactive": "the bot's account is deactivated; reinstall the app",
    "missing_scope": "the app lacks a scope; reinstall it from slack_manifest.yml",
    "is_archived": "the channel is archived",
    "message_not_found": "the card was deleted",
    "user_not_in_channel": "that user is not in the channel",
    "user_not_found": "no such user in this workspace",
    "cant_invite_self": "the bot cannot invite itself",
    "no_such_subteam": "no such user group in this workspace",
}


async def call_slack(
    client: AsyncWebClient, method: str, *, accept: Collection[str] = (), **arguments: Any
) -> dict[str, Any]:
    """Calls `method` with the non-None `arguments`; a refusal raises an ApplicationError,
    non-retryable unless Slack said it was transient. Error codes in `accept` mean the
    call's goal already holds (an invite of someone already in the channel): their
    response is returned."""
    arguments = {k: v for k, v in arguments.items() if v is not None}
    try:
        response = await client.api_call(method, json=arguments)
    except SlackApiError as err:
        if slack_error_code(err) in accept:
            return err.response.data  # type: ignore[return-value]
        raise slack_api_error(method, arguments.get("channel"), err) from err
    return response.data  # type: ignore[return-value]


def slack_error_code(err: SlackApiError) -> str:
    return err.response.get("error", "") if isinstance(err.response.data, dict) else ""


def slack_api_error(method: str, channel: str | None, err: SlackApiError) -> ApplicationError:
    code = slack_error_code(err)
    status = err.response.status_code
    where = f" in channel {channel}" if channel else ""
    message = f"Slack refused {method}{where}: {code or f'HTTP {status}'}"
    if hint := HINTS.get(code):
        message += f" ({hint})"
    retryable = status >= 500 or status == 429 or code in TRANSIENT_ERRORS
    return ApplicationError(message, type="SlackApiError", non_retryable=not retryable)
