"""Settings, read once at start from the environment (and `.env` when present).

A missing or malformed setting raises SettingsError naming it; entry points turn that
into one line on stderr and exit 2 (`exit_on_bad_settings`).
"""

import base64
import binascii
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from dotenv import dotenv_values

from countersign.receipts.keys import parse_signing_key

SLACK_API_URL = "https://slack.com/api/"
# Where the local Slack sandbox serves the Web API when no Slack credentials are set.
SANDBOX_API_URL = "http://127.0.0.1:3100/api/"
SANDBOX_BOT_TOKEN = "xoxb-sandbox-countersign"
SANDBOX_SIGNING_SECRET = "sandbox-signing-secret"
# The catalog that ships; ACTION_CATALOG points elsewhere.
EXAMPLE_ACTION_CATALOG = Path(__file__).resolve().parent.parent / "actions.example.yml"
# Sandbox-only defaults so the example catalog's webhooks work out of the box on one machine;
# with real Slack credentials, the catalog's webhook actions are off until both are set.
SANDBOX_WEBHOOK_SIGNING_SECRET = "whsec_c2FuZGJveC13ZWJob29rLXNlY3JldA=="  # b"sandbox-webhook-secret"
# Standard Webhooks' secret format: this prefix, then the key's bytes in base64.
WEBHOOK_SECRET_PREFIX = "whsec_"
# Workflows a worker keeps in memory between their tasks. A pending approval waits minutes
# or days for its click; kept, it costs about 0.2 MiB of the worker's memory all that time,
# evicted, its click replays it from its history (tens of milliseconds). Enough for the
# conversations and approvals that are busy at once, far fewer than the ones waiting.
DEFAULT_MAX_CACHED_WORKFLOWS = 250
# How long one turn of a conversation may wait for the model in all (approvals not counted),
# and how long one model call may take before the thread is told it is still being worked
# on. A local model on a CPU takes tens of seconds per answer; past five minutes nobody is
# waiting any more.
DEFAULT_MODEL_TURN_TIMEOUT_SECONDS = 300
DEFAULT_MODEL_SLOW_NOTICE_SECONDS = 15


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and what is expected."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    slack_signing_secret: str
    slack_app_token: str | None
    slack_api_url: str
    temporal_address: str
    temporal_namespace: str
    temporal_task_queue: str
    temporal_tls: bool
    temporal_tls_cert: Path | None
    temporal_tls_key: Path | None
    temporal_api_key: str | None
    temporal_ui_url: str | None
    openai_api_key: str | None
    openai_base_url: str | None
    agent_model: str
    port: int
    log_level: str
    action_catalog: Path = EXAMPLE_ACTION_CATALOG
    webhook_signing_secret: str | None = None
    """Signs webhook executors' requests (Standard Webhooks); unset, the catalog's webhook
    actions are off. `whsec_` + base64, or any other text, used as the key's bytes as it is."""
    webhook_base_url: str | None = None
    """What `${WEBHOOK_BASE_URL}` in the catalog's webhook URLs expands to."""
    openai_api_style: str = "responses"
    """"responses" (the Responses API) or "chat_completions" (for servers without it)."""
    agent_tracing: bool = False
    """Export openai-agents traces to OpenAI; off unless asked for (it fails noisily offline)."""
    slack_allowed_bot_ids: frozenset[str] = frozenset()
    """Other apps' bots (bot IDs, B…) whose mentions may ask for approvals; by default none."""
    worker_max_cached_workflows: int = DEFAULT_MAX_CACHED_WORKFLOWS
    """Workflows the worker keeps in memory between tasks; 0 keeps none (each task replays)."""
    approval_signing_key: str | None = None
    """PEM of the Ed25519 key that signs approval receipts (checked at start); None: the key
    kept in `.countersign/` (countersign.receipts.configured)."""
    model_turn_timeout_seconds: int = DEFAULT_MODEL_TURN_TIMEOUT_SECONDS
    """How long one turn may wait for the model in all; then the thread is told so."""
    model_slow_notice_seconds: int = DEFAULT_MODEL_SLOW_NOTICE_SECONDS
    """After this long on one model call, the thread says "Still working on it…" (once a turn)."""

    @property
    def model(self) -> str | None:
        """The agent's model, or None for approval-only mode (no model configured)."""
        return self.agent_model if self.openai_api_key or self.openai_base_url else None

    @property
    def sandbox(self) -> bool:
        """True when no Slack credentials are set: the local Slack sandbox stands in."""
        return self.slack_bot_token == SANDBOX_BOT_TOKEN


def load_settings(environ: Mapping[str, str] | None = None, env_file: str | Path = ".env") -> Settings:
    """Reads settings from `environ` (default os.environ) over the values in `env_file`."""
    values = {**_read_env_file(Path(env_file)), **(os.environ if environ is None else environ)}
    read = _Reader(values)
    bot_token = read.text("SLACK_BOT_TOKEN", None, check=_prefixed("xoxb-"))
    app_token = read.text("SLACK_APP_TOKEN", None, check=_prefixed("xapp-"))
    sandbox = bot_token is None
    if sandbox:
        signing_secret = read.text("SLACK_SIGNING_SECRET", SANDBOX_SIGNING_SECRET)
    elif app_token:
        # Socket Mode: requests arrive over the app's own WebSocket, not signed HTTP.
        signing_secret = read.text("SLACK_SIGNING_SECRET", "")
    else:
        signing_secret = read.required(
            "SLACK_SIGNING_SECRET",
            "required with SLACK_BOT_TOKEN in HTTP mode; the app's Basic Information page has it",
        )
    slack_api_url = read.text("SLACK_API_URL", SANDBOX_API_URL if sandbox else SLACK_API_URL, check=_http_url)
    # The sandbox is the receiving system of the example catalog's webhooks too: wherever
    # SLACK_API_URL puts it (sandbox/webhooks.py).
    sandbox_webhooks = slack_api_url.rstrip("/").removesuffix("/api") + "/webhooks" if sandbox else None
    return Settings(
        slack_bot_token=bot_token or SANDBOX_BOT_TOKEN,
        slack_signing_secret=signing_secret,
        slack_app_token=app_token,
        slack_api_url=slack_api_url,
        temporal_address=read.text("TEMPORAL_ADDRESS", "127.0.0.1:7233", check=_host_port),
        temporal_namespace=read.text("TEMPORAL_NAMESPACE", "default"),
        temporal_task_queue=read.text("TEMPORAL_TASK_QUEUE", "countersign"),
        temporal_tls=read.flag("TEMPORAL_TLS", False),
        temporal_tls_cert=read.path("TEMPORAL_TLS_CERT"),
        temporal_tls_key=read.path("TEMPORAL_TLS_KEY"),
        temporal_api_key=read.text("TEMPORAL_API_KEY", None),
        temporal_ui_url=read.text("TEMPORAL_UI_URL", "http://127.0.0.1:8233", check=_http_url) or None,
        openai_api_key=read.text("OPENAI_API_KEY", None),
        openai_base_url=read.text("OPENAI_BASE_URL", None, check=_http_url),
        agent_model=read.text("AGENT_MODEL", "gpt-4.1"),
        port=read.integer("PORT", 3000, low=1, high=65535),
        log_level=read.text("LOG_LEVEL", "INFO", check=_log_level).upper(),
        action_catalog=read.path("ACTION_CATALOG") or EXAMPLE_ACTION_CATALOG,
        webhook_signing_secret=read.text(
            "WEBHOOK_SIGNING_SECRET",
            SANDBOX_WEBHOOK_SIGNING_SECRET if sandbox else None,
            check=_webhook_secret,
            secret=True,
        ),
        webhook_base_url=read.text("WEBHOOK_BASE_URL", sandbox_webhooks, check=_http_url),
        openai_api_style=read.text("OPENAI_API_STYLE", "responses", check=_api_style),
        agent_tracing=read.flag("OPENAI_AGENTS_TRACING", False),
        slack_allowed_bot_ids=read.ids("SLACK_ALLOWED_BOT_IDS", check=_bot_id),
        worker_max_cached_workflows=read.integer(
            "WORKER_MAX_CACHED_WORKFLOWS", DEFAULT_MAX_CACHED_WORKFLOWS, low=0, high=100_000
        ),
        approval_signing_key=read.signing_key("APPROVAL_SIGNING_KEY"),
        model_turn_timeout_seconds=read.integer(
            "MODEL_TURN_TIMEOUT_SECONDS", DEFAULT_MODEL_TURN_TIMEOUT_SECONDS, low=1, high=3600
        ),
        model_slow_notice_seconds=read.integer(
            "MODEL_SLOW_NOTICE_SECONDS", DEFAULT_MODEL_SLOW_NOTICE_SECONDS, low=1, high=3600
        ),
    )


@contextmanager
def exit_on_bad_settings(program: str) -> Iterator[None]:
    """Turns a SettingsError into one clear line and exit code 2, not a traceback."""
    try:
        yield
    except SettingsError as err:
        print(f"{program}: {err}", file=sys.stderr)
        raise SystemExit(2) from None


class _Reader:
    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values

    def text(
        self,
        name: str,
        default: str | None,
        check: Callable[[str], str | None] | None = None,
        *,
        secret: bool = False,
    ) -> str | None:
        raw = self._values.get(name, "").strip()
        if not raw:
            return default
        if check and (problem := check(raw)):
            # A secret's value stays out of the line: it ends up in logs and terminals.
            raise SettingsError(f"{name} {problem}" + ("" if secret else f" (got {raw!r})"))
        return raw

    def signing_key(self, name: str) -> str | None:
        """The PEM text of an Ed25519 private key, given as PEM or as the path of a PEM file."""
        raw = self._values.get(name, "").strip()
        if not raw:
            return None
        # One line in an environment that cannot hold newlines: `\n` stands for them.
        pem = raw.replace("\\n", "\n") if raw.startswith("-----BEGIN") else None
        if pem is None:
            try:
                pem = Path(raw).read_text()
            except (OSError, UnicodeDecodeError):
                # Not echoed: a key pasted without its BEGIN line is still the key.
                raise SettingsError(
                    f"{name} must be an Ed25519 private key in PEM, or the path of a file holding one"
                    " (it is neither PEM nor a readable file)"
                ) from None
        try:
            parse_signing_key(pem)
        except ValueError as err:
            raise SettingsError(f"{name} must be an Ed25519 private key in PEM: {err}") from None
        return pem

    def required(self, name: str, why: str) -> str:
        raw = self._values.get(name, "").strip()
        if not raw:
            raise SettingsError(f"{name} is not set ({why})")
        return raw

    def integer(self, name: str, default: int, *, low: int, high: int) -> int:
        raw = self._values.get(name, "").strip()
        if not raw:
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise SettingsError(f"{name} must be a whole number from {low} to {high} (got {raw!r})")
        return int(raw)

    def flag(self, name: str, default: bool) -> bool:
        raw = self._values.get(name, "").strip().lower()
        if not raw:
            return default
        if raw not in _FLAGS:
            raise SettingsError(f"{name} must be true or false (got {raw!r})")
        return _FLAGS[raw]

    def ids(self, name: str, check: Callable[[str], str | None]) -> frozenset[str]:
        """A comma-separated list, each entry checked; unset or blank is the empty set."""
        raw = self._values.get(name, "").strip()
        if not raw:
            return frozenset()
        entries = [entry.strip() for entry in raw.split(",")]
        for entry in entries:
            if problem := check(entry):
                raise SettingsError(f"{name} {problem} (got {raw!r})")
        return frozenset(entries)

    def path(self, name: str) -> Path | None:
        raw = self._values.get(name, "").strip()
        if not raw:
            return None
        if not Path(raw).is_file():
            raise SettingsError(f"{name} must name a readable file (got {raw!r})")
        return Path(raw)


_FLAGS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _read_env_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _prefixed(prefix: str) -> Callable[[str], str | None]:
    return lambda raw: None if raw.startswith(prefix) else f"must start with {prefix!r}"


def _http_url(raw: str) -> str | None:
    url = urlparse(raw)
    return None if url.scheme in ("http", "https") and url.netloc else "must be an http(s) URL"


def _host_port(raw: str) -> str | None:
    host, _, port = raw.rpartition(":")
    return None if host and port.isdigit() else "must be host:port, like 127.0.0.1:7233"


def _webhook_secret(raw: str) -> str | None:
    # Anything without the prefix is an older plain secret, used as its bytes (webhook.py).
    if not raw.startswith(WEBHOOK_SECRET_PREFIX):
        return None
    try:
        encoded = raw.removeprefix(WEBHOOK_SECRET_PREFIX)
        # Unpadded base64 too, as the standardwebhooks libraries take it.
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        key = b""
    return None if key else f"must be {WEBHOOK_SECRET_PREFIX} followed by the key in base64"


def _bot_id(entry: str) -> str | None:
    # Strict on purpose: an entry that could never equal an event's bot_id (a user ID U…,
    # an app ID A…, lowercase) would otherwise allow nobody, silently.
    if re.fullmatch(r"B[A-Z0-9]+", entry):
        return None
    return f"must be bot IDs like B0123 separated by commas; {entry!r} is not one"


def _api_style(raw: str) -> str | None:
    return None if raw in ("responses", "chat_completions") else "must be responses or chat_completions"


def _log_level(raw: str) -> str | None:
    levels = ("DEBUG", "INFO", "WARNING", "ERROR")
    return None if raw.upper() in levels else f"must be one of {', '.join(levels)}"
