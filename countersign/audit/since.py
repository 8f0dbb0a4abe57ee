"""`--since`: how far back the export reaches, as a span (30m, 12h, 7d, 2w) or an ISO date."""

import re
from datetime import UTC, datetime, timedelta

_SPAN = re.compile(r"(\d+)([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime) -> datetime:
    """The moment `text` names, in UTC. Raises ValueError with what is accepted."""
    text = text.strip()
    if span := _SPAN.fullmatch(text):
        count, unit = int(span[1]), span[2]
        if count == 0:
            raise ValueError(f"must be a span longer than zero (got {text!r})")
        return now - timedelta(**{_UNITS[unit]: count})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"must be a span (30m, 12h, 7d, 2w) or an ISO date such as 2026-12-01 (got {text!r})"
        ) from None
    # A date or time without a zone is read as UTC, the zone every record is written in.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
