"""Approval receipts: a signed statement, sent with every action that runs, that this
approval approved exactly these arguments, by whom and when.

A receipt is a compact JWS (JWT claims, Ed25519) that the receiving system verifies on its
own with the public keys the web process serves at `/.well-known/jwks.json`:

- `keys`: the signing key (APPROVAL_SIGNING_KEY, or one generated and kept on this machine)
  and its JWKS;
- `claims`: what a receipt says, built from the approval as Temporal recorded it;
- `signing`: the signer the executor activity holds;
- `verify`: what a receiver (and `python -m countersign.receipts verify`) checks.

Nothing is imported here, so `countersign.settings` can use `keys` without a cycle.
"""
