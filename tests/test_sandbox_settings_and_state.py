"""Where the sandbox listens comes from SLACK_API_URL; its messages outlive a restart."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import ClientSession
from slack_sdk.web.async_client import AsyncWebClient

from countersign.settings import SANDBOX_BOT_TOKEN, SettingsError, load_settings
from sandbox.directory import CHANNEL, PEOPLE
from sandbox.settings import load_sandbox_settings
from sandbox.state_file import load_messages
from tests.sandbox_run import Person, serve_sandbox


def sandbox_settings(**environ: str):
    settings = load_settings(environ, env_file="/nonexistent/.env")
    return load_sandbox_settings(settings, environ)


def test_defaults_serve_the_web_api_the_bot_calls_and_post_to_the_bots_port():
    settings = sandbox_settings()
    assert (settings.host, settings.port, settings.api_url) == (
        "127.0.0.1",
        3100,
        "http://127.0.0.1:3100/api/",
    )
    assert settings.request_url == "http://127.0.0.1:3000/slack/events"
    assert settings.state_file == Path(".sandbox/workspace.json")


def test_moving_the_sandbox_moves_both_sides():
    settings = sandbox_settings(SLACK_API_URL="http://127.0.0.1:4100/api/", PORT="4000")
    assert (settings.port, settings.request_url) == (4100, "http://127.0.0.1:4000/slack/events")


def test_a_web_api_url_the_sandbox_cannot_serve_is_refused_by_name():
    with pytest.raises(SettingsError, match="SLACK_API_URL must end in /api/"):
        sandbox_settings(SLACK_API_URL="http://127.0.0.1:4100/slack/")
    with pytest.raises(SettingsError, match="SANDBOX_REQUEST_URL"):
        sandbox_settings(SANDBOX_REQUEST_URL="ftp://bot")


async def test_messages_are_kept_across_a_restart_but_ephemerals_are_not(tmp_path: Path):
    state_file = tmp_path / "workspace.json"
    async with serve_sandbox("http://127.0.0.1:9/slack/events", state_file=state_file) as sandbox:
        slack = AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=sandbox.api_url)
        card = await slack.chat_postMessage(channel=CHANNEL.id, text="Approval needed")
        await slack.chat_postEphemeral(channel=CHANNEL.id, user=PEOPLE[0].id, text="only you")
    kept, last_ts = load_messages(state_file)
    assert [m.text for m in kept] == ["Approval needed"]
    assert last_ts > card["ts"]

    async with serve_sandbox("http://127.0.0.1:9/slack/events", state_file=state_file) as sandbox:
        slack = AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=sandbox.api_url)
        # The bot's workflow updates its card after the restart: the card must still be there.
        await slack.chat_update(channel=CHANNEL.id, ts=card["ts"], text="Approved")
        newer = await slack.chat_postMessage(channel=CHANNEL.id, text="next")
        assert newer["ts"] > last_ts


async def test_an_unreadable_state_file_is_moved_aside_not_lost(tmp_path: Path):
    state_file = tmp_path / "workspace.json"
    state_file.write_text("{not json")
    assert load_messages(state_file) == ([], "0")
    assert (tmp_path / "workspace.unreadable.json").read_text() == "{not json"


async def test_the_page_refuses_someone_who_is_not_in_the_workspace():
    async with serve_sandbox("http://127.0.0.1:9/slack/events") as sandbox, ClientSession() as http:
        answer = await Person(sandbox, "U0STRANGER", http).types("hello")
        assert answer == {"ok": False, "error": "user must be one of the sandbox's people"}


def test_python_m_sandbox_refuses_to_stand_in_for_real_slack():
    environ = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-real-workspace", "SLACK_SIGNING_SECRET": "s"}
    ran = subprocess.run(
        [sys.executable, "-m", "sandbox"], env=environ, capture_output=True, text=True, timeout=30, cwd="/"
    )
    assert ran.returncode == 2
    (line,) = ran.stderr.strip().splitlines()
    assert line.startswith(
        "countersign sandbox: SLACK_BOT_TOKEN is set: the sandbox stands in for Slack only"
    )
