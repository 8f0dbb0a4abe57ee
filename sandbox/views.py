"""Modal views as Slack keeps them: the app's view plus Slack's own fields and state."""

from typing import Any

from sandbox import ids
from sandbox.directory import APP_ID, BOT, TEAM_ID
from sandbox.inputs import chosen_option, number_problem
from sandbox.normalize import with_ids
from sandbox.render import FormState

REQUIRED_FIELD = "Please complete this required field."
# The input elements the sandbox draws, so a person can fill them in.
_DRAWN_INPUTS = frozenset({"number_input", "plain_text_input", "static_select"})


def slack_view(
    view: dict[str, Any],
    *,
    view_id: str | None = None,
    root_view_id: str | None = None,
    previous: str | None = None,
) -> dict[str, Any]:
    """The view object Slack answers with: the app's fields, IDs, a fresh hash, empty state."""
    view_id = view_id or ids.view_id()
    return {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": view.get("type", "modal"),
        "blocks": with_ids(view.get("blocks", [])),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": ids.view_hash(),
        "title": view.get("title"),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": previous,
        "root_view_id": root_view_id or view_id,
        "app_id": APP_ID,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT.bot_id,
    }


def typed_values(view: dict[str, Any], typed: dict[str, dict[str, str | None]]) -> FormState:
    """What the page sent for each input of `view`, keeping only inputs the view has (and,
    for a select, only a choice that names one of its options)."""
    values: dict[str, dict[str, str | None]] = {}
    for block in _inputs(view):
        element = block["element"]
        value = typed.get(block["block_id"], {}).get(element.get("action_id", ""))
        if element.get("type") == "static_select" and chosen_option(element, value) is None:
            value = None
        values[block["block_id"]] = {element.get("action_id", ""): value if value else None}
    return FormState(values=values)


def state_values(view: dict[str, Any], form: FormState) -> dict[str, Any]:
    """`view.state.values` as Slack sends it: one entry per input, null when left empty."""
    state: dict[str, Any] = {}
    for block in _inputs(view):
        element = block["element"]
        action_id = element.get("action_id", "")
        value = form.values.get(block["block_id"], {}).get(action_id)
        state[block["block_id"]] = {action_id: _state_entry(element, value)}
    return state


def client_refusals(view: dict[str, Any], form: FormState) -> dict[str, str]:
    """Errors Slack's client shows itself, without asking the app: required inputs left
    empty, and numbers a number_input does not take."""
    errors = {}
    for block in _inputs(view):
        element = block["element"]
        # Only what the sandbox draws: an input it shows as a placeholder cannot be filled.
        if element.get("type") not in _DRAWN_INPUTS:
            continue
        value = form.values.get(block["block_id"], {}).get(element.get("action_id", ""))
        # Only truly empty: a space gets through to the app, as in Slack.
        if not value:
            if not block.get("optional"):
                errors[block["block_id"]] = REQUIRED_FIELD
        elif element.get("type") == "number_input" and (problem := number_problem(element, value)):
            errors[block["block_id"]] = problem
    return errors


def _state_entry(element: dict[str, Any], value: str | None) -> dict[str, Any]:
    """One input's entry, in the shape Slack gives its element type."""
    kind = element.get("type")
    entry: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "number_input"):
        # A number stays the string typed ("4500"), as Slack sends it.
        entry["value"] = value
    elif kind == "static_select":
        entry["selected_option"] = chosen_option(element, value)
    return entry


def _inputs(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b for b in view.get("blocks", []) if b.get("type") == "input" and isinstance(b.get("element"), dict)
    ]
