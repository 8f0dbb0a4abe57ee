"""Approval receipts: what they say, and each way the documented verification refuses one,
by `countersign.receipts.verify` and by `python -m countersign.receipts verify` as a process."""

import hashlib
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey

from countersign.receipts.claims import RECEIPT_LIFETIME, arguments_sha256
from countersign.receipts.keys import new_signing_key_pem, parse_signing_key, public_jwks
from countersign.receipts.signing import ReceiptSigner
from countersign.receipts.verify import ReceiptRefused, verify_receipt
from domain.catalog import ExecutorKind, ExecutorSpec
from domain.fingerprint import fingerprint
from domain.models import ApprovalResult, ApprovalStatus, Decision
from domain.policy_progress import Progress, StageDecision
from tests.approvals import APPROVER, CFO, MANAGER, REQUESTER, chained_request, payments_policy, wire_request
from tests.executions import execution
from tests.receipt_key import JWKS, SIGNING_KEY_PEM

KEY = parse_signing_key(SIGNING_KEY_PEM)
KEYS = KeySet.import_key_set(JWKS)
APPROVAL_ID = "approval-0d5c3b9e"
DECIDED_AT = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)
WEBHOOK = ExecutorSpec(ExecutorKind.WEBHOOK, url="http://127.0.0.1:9/wire-transfer")
BIG_WIRE = {"amount": "25000.00", "currency": "USD", "payee": "ACME", "invoice": "4411"}


def one_step_receipt(issued_at: float | None = None, key=KEY) -> tuple[str, bytes]:
    """A receipt for wire_request() approved by APPROVER, and the body it was sent with."""
    asked = wire_request()
    result = ApprovalResult(
        ApprovalStatus.APPROVED,
        fingerprint(asked.action, asked.parameters),
        decision=Decision(approved=True, decided_at=DECIDED_AT, decided_by=APPROVER),
        workflow_id=APPROVAL_ID,
    )
    signer = ReceiptSigner(key, clock=lambda: time.time() if issued_at is None else issued_at)
    token = signer.receipt(execution(APPROVAL_ID, asked, WEBHOOK), asked, result)
    return token, json.dumps(asked.parameters).encode()


def test_a_receipt_names_the_approval_the_exact_arguments_and_each_approver_with_their_stage():
    asked = chained_request(payments_policy(), parameters=BIG_WIRE)
    decisions = [
        StageDecision(user=MANAGER, stage=0, approved=True, decided_at=DECIDED_AT),
        StageDecision(user=CFO, stage=1, approved=True, decided_at=DECIDED_AT.replace(minute=45)),
    ]
    result = ApprovalResult(
        ApprovalStatus.APPROVED,
        fingerprint(asked.action, asked.parameters),
        workflow_id=APPROVAL_ID,
        progress=Progress(decisions=decisions),
    )
    token = ReceiptSigner(KEY, clock=lambda: 1_800_000_000).receipt(
        execution(APPROVAL_ID, asked, WEBHOOK), asked, result
    )

    decoded = jwt.decode(token, KEYS, algorithms=["Ed25519"])
    assert decoded.header == {
        "typ": "countersign-receipt+jwt",
        "alg": "Ed25519",
        "kid": KEY.thumbprint(),
    }
    assert decoded.claims == {
        "jti": APPROVAL_ID,
        "iat": 1_800_000_000,
        "exp": 1_800_000_000 + int(RECEIPT_LIFETIME.total_seconds()),
        "action": "wire_transfer",
        "fingerprint": fingerprint("wire_transfer", BIG_WIRE),
        "arguments_sha256": arguments_sha256(BIG_WIRE),
        "requester": REQUESTER,
        "approvers": [
            {"user": MANAGER, "stage": "Manager", "stage_index": 0, "approved_at": 1736155800},
            {"user": CFO, "stage": "CFO", "stage_index": 1, "approved_at": 1736156700},
        ],
        "policy": "payments",
    }


def test_the_argument_hash_is_of_the_canonical_json_however_the_body_was_written():
    canonical = b'{"amount":"5000.00","currency":"USD","invoice":"4411","payee":"ACME"}'
    token, body = one_step_receipt()
    rewritten = json.dumps(json.loads(body), indent=4, sort_keys=False).encode()

    claims = verify_receipt(token, rewritten, KEYS)

    assert claims["arguments_sha256"] == hashlib.sha256(canonical).hexdigest()
    assert claims["approvers"] == [
        {"user": APPROVER, "stage": None, "stage_index": None, "approved_at": 1736155800}
    ]
    assert claims["policy"] is None


def changed(body: bytes) -> bytes:
    return body.replace(b"5000.00", b"50000.00")


def test_a_body_changed_after_signing_is_refused():
    token, body = one_step_receipt()

    with pytest.raises(ReceiptRefused, match=f"the body is not what {APPROVAL_ID} approved"):
        verify_receipt(token, changed(body), KEYS)


def test_an_expired_receipt_is_refused():
    issued = time.time() - RECEIPT_LIFETIME.total_seconds() - 1
    token, body = one_step_receipt(issued_at=issued)

    with pytest.raises(ReceiptRefused, match="the receipt expired at "):
        verify_receipt(token, body, KEYS)


def test_a_receipt_from_another_key_is_refused():
    other = parse_signing_key(new_signing_key_pem())
    token, body = one_step_receipt(key=other)

    with pytest.raises(ReceiptRefused, match="signed with a key that is not in the JWKS"):
        verify_receipt(token, body, KEYS)
    # Another key passing itself off under this key's kid: the signature gives it away.
    forged = other.as_dict(private=True) | {"kid": KEY.kid}
    impostor = jwt.encode(
        {"alg": "Ed25519", "kid": KEY.kid, "typ": "countersign-receipt+jwt"},
        jwt.decode(token, KeySet.import_key_set(public_jwks(other)), algorithms=["Ed25519"]).claims,
        KeySet.import_key_set({"keys": [forged]}),
        algorithms=["Ed25519"],
    )
    with pytest.raises(ReceiptRefused, match="signature does not verify"):
        verify_receipt(impostor, body, KEYS)


def test_a_replayed_receipt_is_refused_once_its_approval_was_acted_on():
    token, body = one_step_receipt()
    acted_on: set[str] = set()

    acted_on.add(verify_receipt(token, body, KEYS, spent=acted_on)["jti"])

    with pytest.raises(ReceiptRefused, match=f"approval {APPROVAL_ID} was already acted on"):
        verify_receipt(token, body, KEYS, spent=acted_on)


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("not-a-receipt", "not a compact JWS"),
        (
            jwt.encode({"alg": "Ed25519", "kid": KEY.kid}, {"jti": APPROVAL_ID}, KEY, algorithms=["Ed25519"]),
            "not an approval receipt",
        ),
        (
            jwt.encode(
                {"alg": "HS256"}, {"jti": APPROVAL_ID}, OctKey.import_key("k" * 32), algorithms=["HS256"]
            ),
            "Ed25519",
        ),
    ],
    ids=["garbage", "another kind of JWT", "another algorithm"],
)
def test_a_token_that_is_not_a_receipt_is_refused(token: str, why: str):
    with pytest.raises(ReceiptRefused, match=why):
        verify_receipt(token, b"{}", KEYS)


# The CLI, as a receiver's operator would run it.


def receipts_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "countersign.receipts", *args],
        env={**os.environ, "APPROVAL_SIGNING_KEY": SIGNING_KEY_PEM},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    token, body = one_step_receipt()
    (tmp_path / "token").write_text(token)
    (tmp_path / "body.json").write_bytes(body)
    (tmp_path / "changed.json").write_bytes(changed(body))
    (tmp_path / "jwks.json").write_text(json.dumps(JWKS))
    (tmp_path / "other-jwks.json").write_text(
        json.dumps(public_jwks(parse_signing_key(new_signing_key_pem())))
    )
    (tmp_path / "spent").write_text(f"approval-earlier\n{APPROVAL_ID}\n")
    expired, _ = one_step_receipt(issued_at=time.time() - 2 * RECEIPT_LIFETIME.total_seconds())
    (tmp_path / "expired").write_text(expired)
    return tmp_path


def test_the_cli_prints_the_jwks_of_the_configured_key(tmp_path: Path):
    run = receipts_cli("jwks", cwd=tmp_path)

    assert run.returncode == 0, run.stderr
    (key,) = json.loads(run.stdout)["keys"]
    assert key["kid"] == KEY.thumbprint() and "d" not in key, "public half only"
    assert not (tmp_path / ".countersign").exists(), "nothing kept when the setting is given"


def test_the_cli_verifies_a_receipt_against_the_body_and_prints_its_claims(files: Path):
    for jwks in ([], ["--jwks", str(files / "jwks.json")]):
        run = receipts_cli("verify", (files / "token").read_text(), "--body", "body.json", *jwks, cwd=files)

        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["jti"] == APPROVAL_ID


@pytest.mark.parametrize(
    ("token", "args", "line"),
    [
        ("token", ["--body", "changed.json"], f"refused: the body is not what {APPROVAL_ID} approved"),
        ("expired", ["--body", "body.json"], "refused: the receipt expired at "),
        (
            "token",
            ["--body", "body.json", "--jwks", "other-jwks.json"],
            "refused: the receipt was signed with a key that is not in the JWKS",
        ),
        (
            "token",
            ["--body", "body.json", "--spent", "spent"],
            f"refused: approval {APPROVAL_ID} was already acted on",
        ),
    ],
    ids=["body changed", "expired", "another key", "replayed"],
)
def test_the_cli_says_in_one_line_why_it_refused(files: Path, token: str, args: list[str], line: str):
    run = receipts_cli("verify", (files / token).read_text(), *args, cwd=files)

    assert run.returncode == 1
    (said,) = run.stderr.strip().splitlines()
    assert said.startswith(f"countersign receipts: {line}"), said
    assert run.stdout == ""
