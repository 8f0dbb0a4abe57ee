"""The sandbox signs like Slack: it reproduces Slack's test vectors, and Bolt's own
verifier (slack_sdk's SignatureVerifier, what the bot runs) accepts what it signs."""

import json
from pathlib import Path

import pytest
from slack_sdk.signature import SignatureVerifier

from sandbox.signing import signed_headers, slack_signature

FIXTURES = Path(__file__).parent / "fixtures/slack"
VECTORS = json.loads((FIXTURES / "signature_test_vectors.json").read_text())


def _body(vector: dict) -> str:
    # "official" vectors carry their body; "derived" ones name a fixture file (no trailing newline).
    return vector["body"] if "body" in vector else (FIXTURES / vector["body_file"]).read_text()


@pytest.mark.parametrize(
    "vector", VECTORS["official"] + VECTORS["derived"], ids=lambda v: v.get("body_file", "inline")
)
def test_signature_matches_slacks_test_vectors(vector):
    assert (
        slack_signature(vector["signing_secret"], vector["timestamp"], _body(vector))
        == vector["expected_signature"]
    )


def test_the_official_vector_verifies_with_slack_sdk_at_its_own_clock():
    vector = VECTORS["official"][0]
    verifier = SignatureVerifier(vector["signing_secret"], clock=_Clock(vector["clock_now_for_valid_check"]))
    signature = slack_signature(vector["signing_secret"], vector["timestamp"], vector["body"])
    assert verifier.is_valid(vector["body"], vector["timestamp"], signature)
    assert not verifier.is_valid(
        vector["body"] + vector["expect_invalid_if_body_plus"], vector["timestamp"], signature
    )


def test_signed_headers_verify_with_bolts_verifier_now():
    body = "token=x&command=%2Fapprovals&text=mine"
    headers = signed_headers("sandbox-signing-secret", body, "application/x-www-form-urlencoded")
    verifier = SignatureVerifier("sandbox-signing-secret")
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)


def test_a_stale_signature_is_refused_by_bolts_verifier():
    body = '{"type": "event_callback"}'
    headers = signed_headers("s", body, "application/json", now=1_000_000)
    assert not SignatureVerifier("s").is_valid_request(body, headers)


class _Clock:
    def __init__(self, now: int) -> None:
        self._now = now

    def now(self) -> float:
        return self._now
