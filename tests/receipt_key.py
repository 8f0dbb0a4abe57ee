"""The tests' approval signing key: one per test process, never written to disk."""

from countersign.receipts.keys import new_signing_key_pem, parse_signing_key, public_jwks

SIGNING_KEY_PEM = new_signing_key_pem()
"""What the tests' settings give as APPROVAL_SIGNING_KEY."""
JWKS = public_jwks(parse_signing_key(SIGNING_KEY_PEM))
"""Its public half, as the web process would serve it."""
