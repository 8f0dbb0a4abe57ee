"""The approval signing key: APPROVAL_SIGNING_KEY, or one generated once and kept here.

Ed25519 (an RFC 8037 OKP key). Its `kid` is its RFC 7638 thumbprint, so each receipt names
the key that signed it and a JWKS can carry an old key beside a new one.
"""

import logging
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import KeySet, OKPKey

log = logging.getLogger("countersign.receipts")

ALGORITHM = "Ed25519"
"""RFC 9864's name for EdDSA over Ed25519; joserfc warns that the older "EdDSA" is deprecated."""
RECEIPT_TYPE = "countersign-receipt+jwt"
"""The JWS `typ` (RFC 8725 explicit typing): a receipt cannot pass for another kind of JWT."""
LOCAL_KEY_FILE = Path(".countersign/approval_signing_key.pem")
"""Where a machine without APPROVAL_SIGNING_KEY keeps the key it generated (relative to the
working directory, like `.temporal/` and `.sandbox/`), so a restart still verifies old receipts."""


def parse_signing_key(pem: str) -> OKPKey:
    """The Ed25519 private key in `pem`; ValueError says what is wrong, never the key itself."""
    try:
        native = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as err:
        # cryptography's own words can quote the key's bytes: keep them out of the line.
        raise ValueError("it is not an unencrypted PEM private key") from err
    if not isinstance(native, Ed25519PrivateKey):
        raise ValueError(f"it holds a {type(native).__name__}, not an Ed25519 private key")
    key = OKPKey.import_key(native, parameters={"use": "sig", "alg": ALGORITHM})
    key.ensure_kid()
    return key


def new_signing_key_pem() -> str:
    """A fresh Ed25519 private key as PKCS#8 PEM, what `openssl genpkey -algorithm ed25519` prints."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem.decode()


def kept_signing_key(path: Path = LOCAL_KEY_FILE) -> OKPKey:
    """The key kept at `path`, generated (0600, in a 0700 folder) the first time.

    The worker and the web process start together under `make run` and both get here: the
    key is written to a file of its own and then linked into place, which only one of them
    can do, so both end up with the same key. ValueError if the kept file is not a key.
    """
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(new_signing_key_pem())
        try:
            os.link(draft, path)
            log.info("Generated an approval signing key", extra={"path": str(path)})
        except FileExistsError:
            pass  # another process won; its key is the one
        finally:
            draft.unlink()
    return parse_signing_key(path.read_text())


def public_jwks(*keys: OKPKey) -> dict[str, Any]:
    """The JWKS receivers verify receipts with: public halves only."""
    return KeySet(list(keys)).as_dict(private=False)
