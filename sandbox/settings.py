"""The sandbox's settings: the project's own settings plus where the sandbox listens.

Read once at start (`load_sandbox_settings`), never at import. Where the sandbox listens
comes from SLACK_API_URL alone (default http://127.0.0.1:3100/api/), so the bot and the
sandbox cannot disagree on it: to move the sandbox, set SLACK_API_URL for both.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from countersign.settings import Settings, SettingsError

DEFAULT_STATE_FILE = Path(".sandbox/workspace.json")


@dataclass(frozen=True)
class SandboxSettings:
    host: str
    port: int
    public_url: str
    """Where browsers and the bot reach the sandbox; permalinks and response_urls start with it."""
    request_url: str
    """The bot's Request URL: events, interactivity and slash commands are POSTed there."""
    signing_secret: str
    bot_token: str
    state_file: Path | None
    """Where messages are kept between runs (None: in memory only, as in tests)."""
    webhook_signing_secret: str | None = None
    """What the sandbox's receiving system (`/webhooks/…`) checks each webhook's signature with."""

    @property
    def api_url(self) -> str:
        return f"{self.public_url}/api/"


def load_sandbox_settings(settings: Settings, environ: Mapping[str, str]) -> SandboxSettings:
    """The sandbox's settings for a project configured by `settings` (already read)."""
    api = urlparse(settings.slack_api_url)
    if api.path.rstrip("/") != "/api":
        raise SettingsError(
            f"SLACK_API_URL must end in /api/ when the sandbox serves it (got {settings.slack_api_url!r})"
        )
    port = api.port or (443 if api.scheme == "https" else 80)
    host = api.hostname or "127.0.0.1"
    request_url = environ.get("SANDBOX_REQUEST_URL", "").strip() or (
        f"http://127.0.0.1:{settings.port}/slack/events"
    )
    if urlparse(request_url).scheme not in ("http", "https"):
        raise SettingsError(f"SANDBOX_REQUEST_URL must be an http(s) URL (got {request_url!r})")
    state_file = environ.get("SANDBOX_STATE_FILE", "").strip()
    return SandboxSettings(
        host=host,
        port=port,
        public_url=f"http://{host}:{port}",
        request_url=request_url,
        signing_secret=settings.slack_signing_secret,
        bot_token=settings.slack_bot_token,
        state_file=Path(state_file) if state_file else DEFAULT_STATE_FILE,
        webhook_signing_secret=settings.webhook_signing_secret,
    )
