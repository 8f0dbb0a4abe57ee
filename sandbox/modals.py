"""A modal's Submit and Cancel, and what Slack does with the app's answer to a submit.

The answer to `view_submission` decides what the person sees next: an empty 200 closes
the view; `response_action` `errors` shows messages under the named inputs and keeps
what was typed; `update` replaces the view, `push` stacks one on it, `clear` closes all.
"""

import logging
from typing import Any

from sandbox.block_validation import view_problems
from sandbox.context import Sandbox
from sandbox.directory import Person
from sandbox.payloads import view_closed_payload, view_submission_payload
from sandbox.views import client_refusals, slack_view, state_values, typed_values
from sandbox.workspace import OpenView

log = logging.getLogger("countersign.sandbox")

# What Slack's client says in a modal when the app's answer is missing or unusable.
TROUBLE = "We had some trouble connecting. Try again?"


class ModalProblem(Exception):
    """The page submitted a modal this person does not have open."""


async def submit(
    sandbox: Sandbox, who: Person, view_id: str, typed: dict[str, dict[str, str | None]]
) -> None:
    shown = _shown(sandbox, who, view_id)
    shown.form = typed_values(shown.view, typed)
    shown.notice = None
    if errors := client_refusals(shown.view, shown.form):
        # Slack's client checks required inputs and numbers itself; the app never hears of it.
        shown.form.errors = errors
        sandbox.workspace.modal_changed(who.id)
        return
    view = {**shown.view, "state": {"values": state_values(shown.view, shown.form)}}
    payload = view_submission_payload(who, view, trigger_id=sandbox.workspace.issue_trigger(who.id))
    answer = await sandbox.bot.send_interaction(payload)
    if not answer.ok:
        log.warning("view_submission: the bot %s", answer.describe())
        _trouble(sandbox, shown)
        return
    response = answer.json() if answer.body.strip() else {}
    if response is None:
        log.warning(
            "view_submission: the bot answered a body that is not a JSON object: %r", answer.body[:200]
        )
        _trouble(sandbox, shown)
        return
    _follow(sandbox, shown, response)


async def close(sandbox: Sandbox, who: Person, view_id: str) -> None:
    shown = _shown(sandbox, who, view_id)
    sandbox.workspace.close_modal(who.id, everything=bool(shown.view.get("clear_on_close")))
    if shown.view.get("notify_on_close"):
        sandbox.in_background(sandbox.bot.send_interaction(view_closed_payload(who, shown.view)))


def _follow(sandbox: Sandbox, shown: OpenView, response: dict[str, Any]) -> None:
    workspace = sandbox.workspace
    action = response.get("response_action")
    if action is None:
        workspace.close_modal(shown.user)
    elif action == "clear":
        workspace.close_modal(shown.user, everything=True)
    elif action == "errors":
        errors = response.get("errors")
        inputs = {b.get("block_id") for b in shown.view.get("blocks", []) if b.get("type") == "input"}
        if not isinstance(errors, dict) or not errors or not set(errors) <= inputs:
            log.warning("response_action errors names no input block of the view: %r", errors)
            _trouble(sandbox, shown)
            return
        shown.form.errors = {str(k): str(v) for k, v in errors.items()}
        workspace.modal_changed(shown.user)
    elif action in ("update", "push"):
        view = response.get("view")
        if problems := view_problems(view):
            log.warning("response_action %s with an invalid view: %s", action, problems)
            _trouble(sandbox, shown)
            return
        if action == "update":
            old = shown.view
            shown.view = slack_view(
                view, view_id=old["id"], root_view_id=old["root_view_id"], previous=old["previous_view_id"]
            )
            shown.form.errors = {}
            workspace.modal_changed(shown.user)
        else:
            top = shown.view
            pushed = slack_view(view, root_view_id=top["root_view_id"], previous=top["id"])
            workspace.open_modal(shown.user, OpenView(view=pushed, user=shown.user), push=True)
    else:
        log.warning("Unknown response_action %r", action)
        _trouble(sandbox, shown)


def _trouble(sandbox: Sandbox, shown: OpenView) -> None:
    shown.notice = TROUBLE
    sandbox.workspace.modal_changed(shown.user)


def _shown(sandbox: Sandbox, who: Person, view_id: str) -> OpenView:
    shown = sandbox.workspace.modal_of(who.id)
    if shown is None or shown.view["id"] != view_id:
        raise ModalProblem("that modal is not open")
    return shown
