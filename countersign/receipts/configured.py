"""The signing key this install uses, as its settings say.

APPROVAL_SIGNING_KEY when set (checked when settings are read). Otherwise the key kept in
`.countersign/` (`keys.kept_signing_key`), generated the first time: what the sandbox and
`make run` use. With real Slack that is allowed, with one warning, because a one-machine
install still works; an install on more than one machine must set the setting, or each
machine signs with a key the others' JWKS do not have.
"""

import logging

from joserfc.jwk import OKPKey

from countersign.receipts.keys import LOCAL_KEY_FILE, kept_signing_key, parse_signing_key
from countersign.settings import Settings, SettingsError

log = logging.getLogger("countersign.receipts")


def signing_key(settings: Settings) -> OKPKey:
    """The approval signing key; SettingsError (one line) if the kept file is not a key."""
    if settings.approval_signing_key:
        return parse_signing_key(settings.approval_signing_key)
    if not settings.sandbox:
        log.warning(
            "APPROVAL_SIGNING_KEY is not set: approval receipts are signed with a key kept in %s,"
            " which only this machine has; set APPROVAL_SIGNING_KEY when running on more than one",
            LOCAL_KEY_FILE,
        )
    try:
        return kept_signing_key(LOCAL_KEY_FILE)
    except ValueError as err:
        raise SettingsError(
            f"{LOCAL_KEY_FILE} (the kept key, used while APPROVAL_SIGNING_KEY is unset) is not a key: {err}"
        ) from None
