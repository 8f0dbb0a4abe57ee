"""What a receipt says: the approval as Temporal recorded it, and a hash of what ran.

Claims (JWT names where JWT has one):

- `jti`: the approval's workflow ID. One approval, one action: a receiver acts on a `jti`
  once (the same value is the webhook's `webhook-id`).
- `iat`, `exp`: when this receipt was signed, and until when it may be acted on.
- `action`: the catalog action; `fingerprint`: the short fingerprint the card showed.
- `arguments_sha256`: hex SHA-256 of the arguments' RFC 8785 (JCS) canonical JSON, so any
  system that parses the body, however it re-serialises it, can recompute it.
- `requester`: Slack user ID of who asked.
- `approvers`: who approved, in order: `user` (Slack user ID, null when approved through
  Temporal directly), `stage` (the policy stage's name, null without a policy),
  `stage_index`, `approved_at` (unix seconds).
- `policy`: the policy's name, null for a one-step approval.
- `edited` (only when an approver edited the arguments before approving): the arguments as
  asked, by `asked_arguments_sha256` and `asked_fingerprint`, and each edit: `user`,
  `stage`, `edited_at` (unix seconds), `arguments_sha256` of the version they approved.
  `arguments_sha256` above is always of what ran: the last edit's.
"""

import hashlib
from datetime import timedelta
from typing import Any

import rfc8785

from domain.execution import ExecutionRequest
from domain.models import ApprovalRequest, ApprovalResult

RECEIPT_LIFETIME = timedelta(hours=1)
"""Each executor attempt signs a fresh receipt, so this only has to outlast the delivery and
the receiver's own queue, not the retries: an hour. Shorter limits what a leaked receipt is
worth; receivers remember a `jti` at least this long (README: "Receiving webhooks")."""


def arguments_sha256(arguments: Any) -> str:
    """Hex SHA-256 of `arguments` as RFC 8785 canonical JSON."""
    return hashlib.sha256(rfc8785.dumps(arguments)).hexdigest()


def receipt_claims(
    request: ExecutionRequest, asked: ApprovalRequest, result: ApprovalResult, *, issued_at: int
) -> dict[str, Any]:
    """The claims for running `request`, approved as `result` after `asked` (both from Temporal)."""
    return {
        "jti": request.approval_workflow_id,
        "iat": issued_at,
        "exp": issued_at + int(RECEIPT_LIFETIME.total_seconds()),
        "action": request.action,
        "fingerprint": result.fingerprint,
        "arguments_sha256": arguments_sha256(request.arguments),
        "requester": asked.requester,
        "approvers": _approvers(asked, result),
        "policy": asked.chain.policy.name if asked.chain else None,
        **_edited(asked, result),
    }


def _edited(asked: ApprovalRequest, result: ApprovalResult) -> dict[str, Any]:
    if not result.edits:
        return {}
    stages = asked.chain.policy.stages if asked.chain else []
    return {
        "edited": {
            "asked_arguments_sha256": arguments_sha256(asked.parameters),
            "asked_fingerprint": result.asked_fingerprint,
            "edits": [
                {
                    "user": e.user,
                    "stage": stages[e.stage].name if e.stage is not None and e.stage < len(stages) else None,
                    "edited_at": int(e.edited_at.timestamp()),
                    "arguments_sha256": arguments_sha256(e.parameters),
                }
                for e in result.edits
            ],
        }
    }


def _approvers(asked: ApprovalRequest, result: ApprovalResult) -> list[dict[str, Any]]:
    if asked.chain and result.progress:
        stages = asked.chain.policy.stages
        return [
            {
                "user": d.user,
                "stage": stages[d.stage].name,
                "stage_index": d.stage,
                "approved_at": int(d.decided_at.timestamp()),
            }
            for d in result.progress.counted
            if d.approved
        ]
    decision = result.decision
    if decision is None or not decision.approved:
        return []
    return [
        {
            "user": decision.decided_by,
            "stage": None,
            "stage_index": None,
            "approved_at": int(decision.decided_at.timestamp()),
        }
    ]
