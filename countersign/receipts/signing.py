"""The signer the executor activity holds: claims in, a compact JWS out.

Built by the worker from its settings, so the private key stays in the worker's memory and
never enters a workflow's input, result or history.
"""

import time
from collections.abc import Callable

from joserfc import jwt
from joserfc.jwk import OKPKey

from countersign.receipts.claims import receipt_claims
from countersign.receipts.keys import ALGORITHM, RECEIPT_TYPE
from domain.execution import ExecutionRequest
from domain.models import ApprovalRequest, ApprovalResult


class ReceiptSigner:
    def __init__(self, key: OKPKey, clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self._clock = clock

    @property
    def key(self) -> OKPKey:
        return self._key

    def receipt(self, request: ExecutionRequest, asked: ApprovalRequest, result: ApprovalResult) -> str:
        """A receipt for running `request` now, as approved (`asked`, `result` from Temporal)."""
        claims = receipt_claims(request, asked, result, issued_at=int(self._clock()))
        header = {"alg": ALGORITHM, "kid": self._key.kid}
        return jwt.encode(header, claims, self._key, algorithms=[ALGORITHM], default_type=RECEIPT_TYPE)
