"""`python -m countersign.receipts jwks | verify TOKEN --body FILE [--jwks FILE|URL] [--spent FILE]`.

`jwks` prints the public keys receipts are verified with (the same JSON the web process
serves at /.well-known/jwks.json). `verify` checks a receipt against a request's body, as a
receiver would: the signature (with the JWKS given, else this install's own key), the
expiry, that the body's arguments are the approved ones, and (with --spent, a file of the
`jti`s already acted on, one a line) that this approval was not. It prints the claims, or
one line saying what failed and exits 1.
"""

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from countersign.receipts.configured import signing_key
from countersign.receipts.keys import public_jwks
from countersign.receipts.verify import ReceiptRefused, verify_receipt
from countersign.settings import exit_on_bad_settings, load_settings

PROGRAM = "countersign receipts"
JWKS_FETCH_SECONDS = 10


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "jwks":
        print(json.dumps(_own_jwks(), indent=2))
        return 0
    try:
        body = sys.stdin.buffer.read() if args.body == "-" else Path(args.body).read_bytes()
        spent = set(Path(args.spent).read_text().split()) if args.spent else set()
    except OSError as err:
        print(f"{PROGRAM}: cannot read {err.filename}: {err.strerror}", file=sys.stderr)
        return 1
    try:
        keys = KeySet.import_key_set(_load_jwks(args.jwks) if args.jwks else _own_jwks())
    except (OSError, ValueError, KeyError, TypeError, JoseError) as err:
        print(f"{PROGRAM}: cannot read the JWKS {args.jwks}: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    try:
        claims = verify_receipt(args.token, body, keys, spent=spent)
    except ReceiptRefused as refused:
        print(f"{PROGRAM}: refused: {refused}", file=sys.stderr)
        return 1
    print(json.dumps(claims, indent=2))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m countersign.receipts", description="Approval receipts.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("jwks", help="print the public keys receipts are verified with")
    verify = commands.add_parser("verify", help="check a receipt against a request body")
    verify.add_argument("token", help="the receipt: the Countersign-Approval header's value")
    verify.add_argument("--body", required=True, help="file holding the request's raw body ('-': stdin)")
    verify.add_argument("--jwks", help="a JWKS file or http(s) URL; default: this install's own key")
    verify.add_argument("--spent", help="a file of the approval IDs (jti) already acted on, one a line")
    return parser


def _own_jwks() -> dict[str, Any]:
    with exit_on_bad_settings(PROGRAM):
        return public_jwks(signing_key(load_settings()))


def _load_jwks(source: str) -> dict[str, Any]:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=JWKS_FETCH_SECONDS) as response:  # noqa: S310
            return json.load(response)
    return json.loads(Path(source).read_text())


if __name__ == "__main__":
    sys.exit(main())
