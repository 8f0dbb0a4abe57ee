"""views.* methods: modals opened with a click's trigger_id, then updated or stacked."""

from typing import Any

from sandbox.block_validation import view_problems
from sandbox.context import Sandbox
from sandbox.views import slack_view, typed_values
from sandbox.web_api import ApiError, Args, Method
from sandbox.workspace import OpenView, Trigger, TriggerProblem

# Slack lets a modal stack hold three views.
MAX_STACKED_VIEWS = 3


async def open_view(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    view = _valid_view(args)
    trigger = _exchange(sandbox, args)
    shown = OpenView(view=slack_view(view), user=trigger.user)
    sandbox.workspace.open_modal(trigger.user, shown)
    return {"view": shown.view}


async def push_view(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    view = _valid_view(args)
    trigger = _exchange(sandbox, args)
    stack = sandbox.workspace.modals.get(trigger.user, [])
    if not stack:
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": ["[ERROR] no modal is open to push onto"]}
        )
    if len(stack) >= MAX_STACKED_VIEWS:
        raise ApiError("push_limit_reached")
    top = stack[-1].view
    shown = OpenView(
        view=slack_view(view, root_view_id=top["root_view_id"], previous=top["id"]), user=trigger.user
    )
    sandbox.workspace.open_modal(trigger.user, shown, push=True)
    return {"view": shown.view}


async def update_view(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    view_id, external_id = args.text("view_id"), args.text("external_id")
    if not (view_id or external_id):
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": ["[ERROR] view_id or external_id"]}
        )
    view = _valid_view(args)
    shown = sandbox.workspace.find_view(view_id, external_id)
    if shown is None:
        raise ApiError("not_found")
    if (wanted := args.text("hash")) and wanted != shown.view["hash"]:
        # Someone (the person, or another call) changed the view since that hash.
        raise ApiError("hash_conflict")
    old = shown.view
    # An update that names no external_id keeps the one the view was opened with.
    view = {**view, "external_id": view.get("external_id") or old["external_id"]}
    shown.view = slack_view(
        view, view_id=old["id"], root_view_id=old["root_view_id"], previous=old["previous_view_id"]
    )
    # Slack keeps what was typed into inputs whose block_id and action_id stay the same.
    typed = {
        b: {a: v for a, v in entries.items() if v is not None} for b, entries in shown.form.values.items()
    }
    shown.form = typed_values(shown.view, typed)
    shown.notice = None
    sandbox.workspace.modal_changed(shown.user)
    return {"view": shown.view}


def _valid_view(args: Args) -> dict[str, Any]:
    view = args.structure("view", "invalid_arguments")
    if problems := view_problems(view):
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": [f"[ERROR] {p}" for p in problems]}
        )
    return view


def _exchange(sandbox: Sandbox, args: Args) -> Trigger:
    trigger_id = args.text("trigger_id")
    if trigger_id is None:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] missing required field: trigger_id"]},
        )
    try:
        return sandbox.workspace.exchange_trigger(trigger_id)
    except TriggerProblem as problem:
        raise ApiError(str(problem)) from None


METHODS: dict[str, Method] = {
    "views.open": open_view,
    "views.push": push_view,
    "views.update": update_view,
}
