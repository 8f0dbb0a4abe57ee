"""Slack's request signing (v0): what the bot's verifier checks on every request.

Slack signs `v0:{timestamp}:{raw body}` with the app's signing secret (HMAC-SHA256, hex)
and sends it as `X-Slack-Signature: v0=…` beside `X-Slack-Request-Timestamp`.
"""

import hashlib
import hmac
import time


def slack_signature(signing_secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(signing_secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return f"v0={digest.hexdigest()}"


def signed_headers(
    signing_secret: str, body: str, content_type: str, now: float | None = None
) -> dict[str, str]:
    """The headers Slack sends with `body`, signed at `now` (default: this second)."""
    timestamp = str(int(time.time() if now is None else now))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature(signing_secret, timestamp, body),
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
