"""Settings: defaults that run on one machine, and one clear line for a bad value."""

import os
import subprocess
import sys

import pytest

from countersign.settings import (
    DEFAULT_MAX_CACHED_WORKFLOWS,
    SANDBOX_API_URL,
    SettingsError,
    load_settings,
)

NO_FILE = "/nonexistent/.env"


def test_no_settings_at_all_means_the_embedded_defaults():
    settings = load_settings({}, env_file=NO_FILE)

    assert settings.sandbox
    assert settings.slack_api_url == SANDBOX_API_URL
    assert settings.temporal_address == "127.0.0.1:7233"
    assert (settings.temporal_namespace, settings.temporal_task_queue) == ("default", "countersign")


@pytest.mark.parametrize(("written", "cached"), [(None, DEFAULT_MAX_CACHED_WORKFLOWS), ("0", 0), ("40", 40)])
def test_the_worker_keeps_a_bounded_number_of_workflows_in_memory(written: str | None, cached: int):
    environ = {} if written is None else {"WORKER_MAX_CACHED_WORKFLOWS": written}

    assert load_settings(environ, env_file=NO_FILE).worker_max_cached_workflows == cached


def test_a_turn_waits_for_the_model_five_minutes_and_says_it_is_slow_after_fifteen_seconds():
    defaults = load_settings({}, env_file=NO_FILE)
    shortened = {"MODEL_TURN_TIMEOUT_SECONDS": "3", "MODEL_SLOW_NOTICE_SECONDS": "1"}
    short = load_settings(shortened, env_file=NO_FILE)

    assert (defaults.model_turn_timeout_seconds, defaults.model_slow_notice_seconds) == (300, 15)
    assert (short.model_turn_timeout_seconds, short.model_slow_notice_seconds) == (3, 1)


def test_a_real_bot_token_talks_to_real_slack():
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, env_file=NO_FILE)

    assert not settings.sandbox and settings.slack_api_url == "https://slack.com/api/"


def test_the_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("TEMPORAL_NAMESPACE=from-file\nTEMPORAL_TASK_QUEUE=from-file\n")

    settings = load_settings({"TEMPORAL_TASK_QUEUE": "from-env"}, env_file=env_file)

    assert (settings.temporal_namespace, settings.temporal_task_queue) == ("from-file", "from-env")


@pytest.mark.parametrize(
    ("written", "allowed"),
    [
        (None, set()),
        (" ", set()),
        ("B0123", {"B0123"}),
        ("B0123, B19LU7CSY ,B0123", {"B0123", "B19LU7CSY"}),
    ],
)
def test_no_bot_may_ask_unless_its_id_is_allowed(written: str | None, allowed: set[str]):
    environ = {} if written is None else {"SLACK_ALLOWED_BOT_IDS": written}

    settings = load_settings(environ, env_file=NO_FILE)

    assert settings.slack_allowed_bot_ids == frozenset(allowed)


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"PORT": "eighty"}, "PORT must be a whole number from 1 to 65535 (got 'eighty')"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN must start with 'xoxb-'"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL must be an http(s) URL"),
        ({"TEMPORAL_ADDRESS": "localhost"}, "TEMPORAL_ADDRESS must be host:port"),
        ({"TEMPORAL_TLS": "maybe"}, "TEMPORAL_TLS must be true or false"),
        ({"TEMPORAL_TLS_CERT": "/nonexistent.pem"}, "TEMPORAL_TLS_CERT must name a readable file"),
        (
            {"SLACK_ALLOWED_BOT_IDS": "B0123,U0456"},
            "SLACK_ALLOWED_BOT_IDS must be bot IDs like B0123 separated by commas; 'U0456' is not one",
        ),
        ({"SLACK_ALLOWED_BOT_IDS": "b0123"}, "SLACK_ALLOWED_BOT_IDS must be bot IDs like B0123"),
        ({"SLACK_ALLOWED_BOT_IDS": "B0123,,B0456"}, "SLACK_ALLOWED_BOT_IDS must be bot IDs like B0123"),
        (
            {"WORKER_MAX_CACHED_WORKFLOWS": "-1"},
            "WORKER_MAX_CACHED_WORKFLOWS must be a whole number from 0 to 100000 (got '-1')",
        ),
        ({"WORKER_MAX_CACHED_WORKFLOWS": "1e3"}, "WORKER_MAX_CACHED_WORKFLOWS must be a whole number"),
        ({"MODEL_TURN_TIMEOUT_SECONDS": "0"}, "MODEL_TURN_TIMEOUT_SECONDS must be a whole number from 1"),
        ({"MODEL_SLOW_NOTICE_SECONDS": "15s"}, "MODEL_SLOW_NOTICE_SECONDS must be a whole number"),
    ],
)
def test_a_malformed_or_missing_setting_is_named(environ, named):
    with pytest.raises(SettingsError) as error:
        load_settings(environ, env_file=NO_FILE)

    assert named in str(error.value)


def test_the_worker_stops_at_start_with_one_line_naming_the_setting(tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEMPORAL_"))}
    run = subprocess.run(
        [sys.executable, "-m", "workflows.worker"],
        env=environ | {"TEMPORAL_ADDRESS": "nowhere"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "countersign worker: TEMPORAL_ADDRESS must be host:port, like 127.0.0.1:7233 (got 'nowhere')"
    ]


def test_the_bot_stops_at_start_on_a_malformed_allowed_bot_list(tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEMPORAL_"))}
    run = subprocess.run(
        [sys.executable, "-m", "bot.http.server"],
        env=environ | {"SLACK_ALLOWED_BOT_IDS": "A0APP"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "countersign bot: SLACK_ALLOWED_BOT_IDS must be bot IDs like B0123 separated by commas;"
        " 'A0APP' is not one (got 'A0APP')"
    ]
