"""A short, stable fingerprint of an action and its exact parameters.

The card shows it and the executor checks it, so what was approved is what runs.
"""

import hashlib
import json
from typing import Any


def fingerprint(action: str, parameters: dict[str, Any]) -> str:
    # sort_keys and fixed separators make the same arguments hash the same however
    # the model happened to order them.
    canonical = json.dumps(
        {"action": action, "parameters": parameters},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]
