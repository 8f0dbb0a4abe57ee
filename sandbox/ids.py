"""Slack-shaped identifiers: message timestamps, trigger IDs, view IDs, hashes."""

import itertools
import secrets
import string
import time

_ALPHANUMERIC = string.ascii_uppercase + string.digits


class MessageClock:
    """Message `ts` values: Slack's seconds.microseconds, unique and increasing per channel."""

    def __init__(self, last: str = "0.000000") -> None:
        self._last = _micros(last)

    @property
    def last(self) -> str:
        return _ts(self._last)

    def next(self) -> str:
        self._last = max(int(time.time() * 1_000_000), self._last + 1)
        return _ts(self._last)


_serial = itertools.count(int(time.time()))


def trigger_id() -> str:
    # Shaped like Slack's: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c".
    return f"{next(_serial)}.{secrets.randbelow(10**11)}.{secrets.token_hex(16)}"


def view_id() -> str:
    return "V" + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(10))


def view_hash() -> str:
    return f"{int(time.time())}.{secrets.token_urlsafe(6)}"


def block_id() -> str:
    # Slack gives blocks without a block_id a short random one, e.g. "8KR".
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(4))


def event_id() -> str:
    return "Ev" + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(10))


def secret() -> str:
    return secrets.token_urlsafe(18)


def _micros(ts: str) -> int:
    seconds, _, fraction = ts.partition(".")
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0")[:6])


def _ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
