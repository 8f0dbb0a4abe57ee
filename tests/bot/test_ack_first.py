"""Slack is answered before the work: events, clicks and commands are acked at once, and a
stop waits for what was already acknowledged (Slack will not send it again)."""

import json
from urllib.parse import urlencode

import pytest
from aiohttp import ClientSession, web
from temporalio.client import Client

from bot.ack_first import acks_first
from bot.dispatch_in_process import build_single_process_web_app
from bot.server import EVENTS_PATH
from countersign.settings import Settings
from tests.fakes.slack_payloads import TEAM, button_click, mention_event, slash_command, view_submission
from tests.fakes.slack_requests import SlackRequests

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def form(payload: dict) -> str:
    return urlencode({"payload": json.dumps(payload)})


@pytest.mark.parametrize(
    ("body", "content_type", "first"),
    [
        (json.dumps(mention_event(text="hi", user="U1", channel="C1", ts="1.1")), JSON, True),
        (json.dumps({"type": "url_verification", "challenge": "x"}), JSON, False),
        (form(button_click(action_id="a", value="v", user="U1", channel="C1", message_ts="1.1")), FORM, True),
        (
            form(view_submission(view={"blocks": [], "callback_id": "c", "title": {}}, user="U1", values={})),
            FORM,
            False,
        ),
        (urlencode(slash_command(command="/approvals", text="", user="U1", channel="C1")), FORM, True),
        (
            urlencode(slash_command(command="/approvals", text="payload", user="U1", channel="C1")),
            FORM,
            False,
        ),
        (form({"type": "block_actions", "actions": []}), FORM, False),
        ("not json", JSON, False),
    ],
    ids=[
        "mention",
        "url_verification",
        "click",
        "view_submission",
        "command",
        "bolt-quirk",
        "no-actions",
        "junk",
    ],
)
def test_only_requests_whose_listeners_ack_empty_are_answered_first(body, content_type, first):
    assert acks_first(body, content_type) is first


async def test_a_stop_finishes_the_mentions_slack_was_already_answered_for(
    client: Client, settings: Settings, worker
):
    web_app = build_single_process_web_app(settings, client)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}{EVENTS_PATH}"  # type: ignore[union-attr]
    ts = "1700000555.000100"

    async with ClientSession() as http:
        answered = await SlackRequests(url, settings.slack_signing_secret, http).event(
            mention_event(text="<@W0BOT> pay invoice 4411", user="U0REQ", channel="C0STOP", ts=ts)
        )
    await runner.cleanup()

    assert answered.status == 200
    # Already there the moment the bot has stopped: nothing acknowledged was dropped.
    agent = await client.get_workflow_handle(f"agent-{TEAM}-C0STOP-{ts}").describe()
    assert agent.workflow_type == "AgentWorkflow"
