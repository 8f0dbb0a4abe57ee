"""The webhook executor: POST an approved action's arguments, signed, to its URL.

Requests follow the Standard Webhooks convention (standardwebhooks.com), so a receiver can
check them with that project's libraries in any language. Every request carries:

- `Content-Type: application/json`; the body is the approved arguments as RFC 8785
  canonical JSON (so its SHA-256 is the receipt's `arguments_sha256` as it stands).
- `webhook-id`: the approval's workflow ID, the same on every retry: do the work once per ID.
  `Idempotency-Key` repeats it for receivers that deduped on it before.
- `webhook-timestamp`: unix seconds when this attempt was signed.
- `webhook-signature`: `v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`,
  keyed with WEBHOOK_SIGNING_SECRET (`whsec_` + base64 key; any other text is the key's bytes).
- `Countersign-Approval`: the approval receipt (countersign.receipts), a JWS the receiver
  checks with the web process's JWKS: who approved exactly these arguments, once.
- `X-Countersign-Action`: the catalog action's name.

To verify one (README, "Receiving webhooks"): `Webhook(secret).verify(raw_body, headers)`
(it refuses a timestamp more than five minutes off), then the receipt with the JWKS, its
`arguments_sha256` against the body, and its `jti` (= webhook-id) not acted on before.

Answers: 2xx is done; 5xx, 429 and network errors are retried by the activity's retry
policy; any other status (a 4xx, a redirect) is final.
"""

import base64
from datetime import UTC, datetime

import aiohttp
import rfc8785
from standardwebhooks.webhooks import Webhook
from temporalio.exceptions import ApplicationError

from domain.execution import ExecutionRequest, ExecutionResult

EXCERPT_LENGTH = 200
SECRET_PREFIX = "whsec_"
RECEIPT_HEADER = "Countersign-Approval"


def webhook_key(secret: str) -> bytes:
    """The HMAC key in WEBHOOK_SIGNING_SECRET (checked when settings are read).

    `whsec_…` is Standard Webhooks' format. Any other text is a secret from before, used as
    its UTF-8 bytes: receivers keep it as it is with `Webhook(secret.encode())`, or move to
    `"whsec_" + base64(secret)`, which is the same key.
    """
    if secret.startswith(SECRET_PREFIX):
        encoded = secret.removeprefix(SECRET_PREFIX)
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4))
    return secret.encode()


def signed_headers(secret: str, webhook_id: str, sent_at: datetime, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for `body`, signed by the standardwebhooks library."""
    signature = Webhook(webhook_key(secret)).sign(webhook_id, sent_at, body.decode())
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
    }


async def post_webhook(
    session: aiohttp.ClientSession, secret: str, request: ExecutionRequest, receipt: str
) -> ExecutionResult:
    url = request.executor.url
    if not url:
        raise ApplicationError(f"{request.action} has no webhook url", non_retryable=True)
    # The receipt was made from this same canonical form, so it cannot fail here.
    body = rfc8785.dumps(request.arguments)
    headers = {
        "Content-Type": "application/json",
        **signed_headers(secret, request.approval_workflow_id, datetime.now(UTC), body),
        "Idempotency-Key": request.approval_workflow_id,
        RECEIPT_HEADER: receipt,
        "X-Countersign-Action": request.action,
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
            receipt=receipt,
        )
    # 429 is "later", not "no": the webhook-id makes trying again safe.
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
