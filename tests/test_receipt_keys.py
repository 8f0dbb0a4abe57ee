"""The approval signing key (a setting, or generated and kept), and the Standard Webhooks
secret and headers."""

import base64
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from activities.webhook import signed_headers, webhook_key
from countersign.receipts.configured import signing_key
from countersign.receipts.keys import LOCAL_KEY_FILE, kept_signing_key, parse_signing_key
from countersign.settings import SettingsError, load_settings
from tests.fakes.webhook_receiver import whsec
from tests.receipt_key import SIGNING_KEY_PEM

NO_FILE = "/nonexistent/.env"
REAL_SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
NOT_A_KEY = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1icm9rZW4=\n-----END PRIVATE KEY-----"


def test_the_signing_key_may_be_given_as_pem_on_one_line_or_as_a_file(tmp_path: Path):
    kid = parse_signing_key(SIGNING_KEY_PEM).kid
    (tmp_path / "key.pem").write_text(SIGNING_KEY_PEM)
    one_line = SIGNING_KEY_PEM.strip().replace("\n", "\\n")

    for given in (SIGNING_KEY_PEM, one_line, str(tmp_path / "key.pem")):
        settings = load_settings({"APPROVAL_SIGNING_KEY": given}, env_file=NO_FILE)
        assert signing_key(settings).kid == kid


@pytest.mark.parametrize(
    ("given", "why"),
    [
        (NOT_A_KEY, "APPROVAL_SIGNING_KEY must be an Ed25519 private key in PEM: it is not an unencrypted"),
        ("/nonexistent/key.pem", "APPROVAL_SIGNING_KEY must be an Ed25519 private key in PEM, or the path"),
        (
            subprocess.run(
                ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout,
            "not an Ed25519 private key",
        ),
    ],
    ids=["broken PEM", "no such file", "a P-256 key"],
)
def test_a_malformed_signing_key_is_named_and_never_shown(given: str, why: str):
    with pytest.raises(SettingsError) as error:
        load_settings({"APPROVAL_SIGNING_KEY": given}, env_file=NO_FILE)

    assert why in str(error.value)
    assert "c2VjcmV0" not in str(error.value) and "BEGIN" not in str(error.value)


def test_the_worker_stops_at_start_with_one_line_on_a_bad_signing_key(tmp_path: Path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEMPORAL_", "APPROVAL_"))}
    run = subprocess.run(
        [sys.executable, "-m", "workflows.worker"],
        env=environ | {"APPROVAL_SIGNING_KEY": NOT_A_KEY},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "countersign worker: APPROVAL_SIGNING_KEY must be an Ed25519 private key in PEM:"
        " it is not an unencrypted PEM private key"
    ]


def test_without_the_setting_a_key_is_generated_once_kept_private_and_reused(tmp_path: Path):
    path = tmp_path / LOCAL_KEY_FILE

    first = kept_signing_key(path)

    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    assert kept_signing_key(path).kid == first.kid, "a restart verifies the receipts signed before it"
    assert [p.name for p in path.parent.iterdir()] == [path.name], "no draft left behind"


def test_with_real_slack_and_no_setting_the_kept_key_is_used_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.chdir(tmp_path)
    sandbox = signing_key(load_settings({}, env_file=NO_FILE))
    assert caplog.records == [] or all(r.levelno < logging.WARNING for r in caplog.records)

    real = signing_key(load_settings(REAL_SLACK, env_file=NO_FILE))

    assert real.kid == sandbox.kid
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "APPROVAL_SIGNING_KEY is not set" in warning.getMessage()


def test_a_kept_file_that_is_not_a_key_stops_the_start_naming_it(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    LOCAL_KEY_FILE.parent.mkdir()
    LOCAL_KEY_FILE.write_text(NOT_A_KEY)

    with pytest.raises(SettingsError, match=r"\.countersign/approval_signing_key\.pem .* is not a key"):
        signing_key(load_settings({}, env_file=NO_FILE))


# Standard Webhooks


def test_the_webhook_headers_verify_with_the_standardwebhooks_library():
    secret = whsec(os.urandom(32))
    body = b'{"amount":"5000.00","payee":"ACME"}'

    headers = signed_headers(secret, "approval-1", datetime.now(UTC), body)

    assert Webhook(secret).verify(body, headers) == {"amount": "5000.00", "payee": "ACME"}
    assert headers["webhook-id"] == "approval-1"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"5000", b"9000"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(whsec(os.urandom(32))).verify(body, headers)


def test_a_plain_secret_from_before_is_used_as_its_bytes_the_same_key_as_its_whsec_form():
    plain = "old-plain-webhook-secret"
    body = b"{}"

    headers = signed_headers(plain, "approval-1", datetime.now(UTC), body)

    assert webhook_key(plain) == webhook_key(whsec(plain.encode())) == plain.encode()
    Webhook(plain.encode()).verify(body, headers)
    Webhook("whsec_" + base64.b64encode(plain.encode()).decode()).verify(body, headers)


@pytest.mark.parametrize("secret", ["whsec_", "whsec_not*base64!", "whsec_abcde"])
def test_a_malformed_standard_webhooks_secret_is_named_and_never_shown(secret: str):
    with pytest.raises(SettingsError) as error:
        load_settings({"WEBHOOK_SIGNING_SECRET": secret}, env_file=NO_FILE)

    assert str(error.value) == "WEBHOOK_SIGNING_SECRET must be whsec_ followed by the key in base64"
