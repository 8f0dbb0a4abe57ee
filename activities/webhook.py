"""The webhook executor: POST an approved action's arguments, signed, to its URL.

Every request carries:

- `Content-Type: application/json`; the body is the approved arguments as JSON.
- `X-Countersign-Action`: the catalog action's name.
- `X-Countersign-Timestamp`: unix seconds when this attempt was signed.
- `X-Countersign-Signature`: `v1=` + hex HMAC-SHA256, keyed with WEBHOOK_SIGNING_SECRET,
  of the timestamp, a dot, and the raw body bytes.
- `Idempotency-Key`: the approval's workflow ID, the same on every retry.

To verify one on the receiving side:

1. Read the raw body bytes (before any JSON parsing) and the two headers.
2. Refuse a timestamp more than five minutes from now: a replayed old request.
3. Compute `"v1=" + hmac_sha256(secret, timestamp + "." + body).hexdigest()` and compare it
   with the header using a constant-time comparison (Python: `hmac.compare_digest`).
4. Do the work once per Idempotency-Key: a retry after a timeout sends the same key.

Answers: 2xx is done; 5xx, 429 and network errors are retried by the activity's retry
policy; any other status (a 4xx, a redirect) is final.
"""

import hashlib
import hmac
import json
import time

import aiohttp
from temporalio.exceptions import ApplicationError

from domain.execution import ExecutionRequest, ExecutionResult

SIGNATURE_VERSION = "v1"
EXCERPT_LENGTH = 200


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Countersign-Signature value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


async def post_webhook(
    session: aiohttp.ClientSession, secret: str, request: ExecutionRequest
) -> ExecutionResult:
    url = request.executor.url
    if not url:
        raise ApplicationError(f"{request.action} has no webhook url", non_retryable=True)
    body = json.dumps(request.arguments, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Countersign-Action": request.action,
        "X-Countersign-Timestamp": str(timestamp),
        "X-Countersign-Signature": sign(secret, timestamp, body),
        "Idempotency-Key": request.approval_workflow_id,
    }
    try:
        # A redirect would send signed, approved arguments somewhere nobody configured.
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
            status = response.status
            excerpt = _excerpt(await response.text(errors="replace"))
    except (aiohttp.ClientError, TimeoutError) as err:
        raise ApplicationError(
            f"Webhook for {request.action} unreachable at {url}: {type(err).__name__}: {err}",
            type="WebhookUnavailable",
        ) from err
    if 200 <= status < 300:
        return ExecutionResult(
            action=request.action,
            summary=f"{request.action} was sent; the receiving system answered HTTP {status}",
            details={"url": url, "status": status, "response": excerpt},
        )
    # 429 is "later", not "no": the Idempotency-Key makes trying again safe.
    retryable = status >= 500 or status == 429
    raise ApplicationError(
        f"Webhook for {request.action} answered HTTP {status}" + (f": {excerpt}" if excerpt else ""),
        {"url": url, "status": status, "response": excerpt},
        type="WebhookServerError" if retryable else "WebhookRejected",
        non_retryable=not retryable,
    )


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"
