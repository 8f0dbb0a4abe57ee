"""Modal views as Slack keeps them: the app's view plus Slack's own fields and state."""

from typing import Any

from sandbox import ids
from sandbox.directory import APP_ID, BOT, TEAM_ID
from sandbox.normalize import with_ids
from sandbox.render import FormState

REQUIRED_FIELD = "Please complete this required field."


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
    """What the page sent for each input of `view`, keeping only inputs the view has."""
    values: dict[str, dict[str, str | None]] = {}
    for block in _inputs(view):
        element = block["element"]
        value = typed.get(block["block_id"], {}).get(element.get("action_id", ""))
        values[block["block_id"]] = {element.get("action_id", ""): value if value else None}
    return FormState(values=values)


def state_values(view: dict[str, Any], form: FormState) -> dict[str, Any]:
    """`view.state.values` as Slack sends it: one entry per input, null when left empty."""
    state: dict[str, Any] = {}
    for block in _inputs(view):
        element = block["element"]
        action_id = element.get("action_id", "")
        entry: dict[str, Any] = {"type": element.get("type")}
        if element.get("type") == "plain_text_input":
            entry["value"] = form.values.get(block["block_id"], {}).get(action_id)
        state[block["block_id"]] = {action_id: entry}
    return state


def missing_required(view: dict[str, Any], form: FormState) -> dict[str, str]:
    """Errors Slack's client shows itself, without asking the app: required inputs left empty."""
    errors = {}
    for block in _inputs(view):
        if block.get("optional") or block["element"].get("type") != "plain_text_input":
            continue
        action_id = block["element"].get("action_id", "")
        # Only truly empty: a space gets through to the app, as in Slack.
        if not form.values.get(block["block_id"], {}).get(action_id):
            errors[block["block_id"]] = REQUIRED_FIELD
    return errors


def _inputs(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b for b in view.get("blocks", []) if b.get("type") == "input" and isinstance(b.get("element"), dict)
    ]
