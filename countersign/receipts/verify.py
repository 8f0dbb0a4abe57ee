"""What a receiving system checks before it acts on a request that carries a receipt.

The README's "Receiving webhooks" shows the same checks written with joserfc directly, for
receivers that do not run this project; `python -m countersign.receipts verify` runs these.
"""

import hmac
import json
import time
from collections.abc import Container
from datetime import UTC, datetime
from typing import Any

from joserfc import errors, jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from countersign.receipts.claims import arguments_sha256
from countersign.receipts.keys import ALGORITHM, RECEIPT_TYPE

REQUIRED_CLAIMS = ("jti", "iat", "exp", "action", "arguments_sha256", "requester", "approvers")


class ReceiptRefused(Exception):
    """The receipt does not prove an approval of this body; the message says why in one line."""


def verify_receipt(
    token: str,
    body: bytes,
    keys: KeySet,
    *,
    spent: Container[str] = (),
    now: float | None = None,
) -> dict[str, Any]:
    """The receipt's claims, once it is signed by one of `keys`, unexpired, for exactly the
    arguments in `body` (JSON), and its `jti` is not in `spent` (approvals already acted on)."""
    claims = _signed_claims(token, keys)
    when = int(time.time() if now is None else now)
    registry = JWTClaimsRegistry(now=when, **{name: {"essential": True} for name in REQUIRED_CLAIMS})
    try:
        registry.validate(claims)
    except errors.ExpiredTokenError:
        raise ReceiptRefused(f"the receipt expired at {_when(claims['exp'])}") from None
    except errors.ClaimError as err:
        raise ReceiptRefused(f"the receipt's claims are not a receipt's: {err.description or err}") from None
    try:
        arguments = json.loads(body)
    except ValueError:
        raise ReceiptRefused("the body is not JSON") from None
    actual = arguments_sha256(arguments)
    if not hmac.compare_digest(actual, str(claims["arguments_sha256"])):
        raise ReceiptRefused(
            f"the body is not what {claims['jti']} approved"
            f" (arguments_sha256 {actual}, approved {claims['arguments_sha256']})"
        )
    if claims["jti"] in spent:
        raise ReceiptRefused(f"approval {claims['jti']} was already acted on: a receipt is good once")
    return claims


def _signed_claims(token: str, keys: KeySet) -> dict[str, Any]:
    try:
        decoded = jwt.decode(token.strip(), keys, algorithms=[ALGORITHM])
    except errors.InvalidKeyIdError:
        raise ReceiptRefused("the receipt was signed with a key that is not in the JWKS") from None
    except errors.BadSignatureError:
        raise ReceiptRefused("the receipt's signature does not verify") from None
    except errors.UnsupportedAlgorithmError:
        raise ReceiptRefused(f"the receipt is not signed with {ALGORITHM}") from None
    except (errors.JoseError, ValueError) as err:
        raise ReceiptRefused(f"the receipt is not a compact JWS ({type(err).__name__})") from None
    if decoded.header.get("typ") != RECEIPT_TYPE:
        raise ReceiptRefused(f"the token is not an approval receipt (typ {decoded.header.get('typ')!r})")
    return decoded.claims


def _when(timestamp: Any) -> str:
    return datetime.fromtimestamp(float(timestamp), UTC).isoformat(timespec="seconds")
