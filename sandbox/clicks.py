"""A click on a button, in a message or in a modal: Slack's `block_actions` to the app."""

from sandbox.app_replies import slackbot_notice
from sandbox.context import Sandbox
from sandbox.directory import BOT, Person
from sandbox.normalize import find_element
from sandbox.payloads import block_actions_payload
from sandbox.views import state_values


class ClickProblem(Exception):
    """The page asked for a click on something this person cannot see."""


async def click_in_message(
    sandbox: Sandbox, who: Person, message_ts: str, block_id: str, action_id: str
) -> None:
    workspace = sandbox.workspace
    message = workspace.messages.get(message_ts)
    if message is None or not message.seen_by(who.id):
        raise ClickProblem("no such message")
    element = find_element(message.blocks, block_id, action_id)
    if element is None:
        raise ClickProblem("no such button")
    payload = block_actions_payload(
        who,
        element,
        trigger_id=workspace.issue_trigger(who.id),
        response_url=workspace.issue_hook("actions", who.id, message.channel, message.thread_ts, message.ts),
        message=message,
    )
    answer = await sandbox.bot.send_interaction(payload)
    if not answer.ok:
        # Slack marks the button with a warning; the sandbox says why in words.
        label = (element.get("text") or {}).get("text", action_id)
        slackbot_notice(
            sandbox,
            user=who.id,
            channel=message.channel,
            thread_ts=message.thread_ts,
            text=f"(sandbox) {BOT.real_name} {answer.describe()} to your click on “{label}”.",
        )


async def click_in_view(sandbox: Sandbox, who: Person, view_id: str, block_id: str, action_id: str) -> None:
    shown = sandbox.workspace.modal_of(who.id)
    if shown is None or shown.view["id"] != view_id:
        raise ClickProblem("no such modal")
    element = find_element(shown.view["blocks"], block_id, action_id)
    if element is None:
        raise ClickProblem("no such button")
    view = {**shown.view, "state": {"values": state_values(shown.view, shown.form)}}
    payload = block_actions_payload(
        who, element, trigger_id=sandbox.workspace.issue_trigger(who.id), response_url=None, view=view
    )
    answer = await sandbox.bot.send_interaction(payload)
    if not answer.ok:
        shown.notice = f"{BOT.real_name} {answer.describe()}."
        sandbox.workspace.modal_changed(who.id)
