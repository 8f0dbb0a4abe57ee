""" "Edit & approve": a modal of the arguments, one input each, typed from the action's schema.

Numbers get number inputs, an enum a select, text a text input with its length limits,
and anything else its JSON. The submission is read back into arguments of the types the
schema asks for; checking them against the schema is the bot's (for field errors) and
then the approval's, which is the gate.
"""

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jsonschema import Draft202012Validator

from blocks import rich_text as rt
from blocks.limits import cut
from blocks.request_view import requester_words
from domain.models import Approval
from domain.slack_text import mention

EDIT_CALLBACK_ID = "approval_edit"
FIELD_ACTION_ID = "value"
# Slack's limits for what the modal holds: an input's text, a select's options.
TEXT_INPUT_MAX = 3000
OPTIONS_MAX = 100
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
HINT_MAX = 2000
LABEL_MAX = 2000


class FieldKind:
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    CHOICE = "choice"
    """A string enum: a select of its values."""
    BOOLEAN = "boolean"
    JSON = "json"
    """Anything else (objects, lists, mixed types), typed as JSON."""
    FIXED = "fixed"
    """Too long for a Slack input: shown, kept as it is, not editable here."""


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    schema: dict[str, Any]
    required: bool

    @property
    def block_id(self) -> str:
        return field_block_id(self.name)


def field_block_id(name: str) -> str:
    """The input block of argument `name`: what the submission's values and errors are keyed by."""
    return f"edit_{name}"


@dataclass(frozen=True)
class EditTarget:
    """Which approval the modal edits, where its card is, and the version it showed;
    rides in private_metadata."""

    workflow_id: str
    channel: str
    thread_ts: str | None = None
    message_ts: str | None = None
    """The card Edit was clicked on (None: in an `/approvals` list)."""
    from_list: bool = False
    version: int = 0

    def to_metadata(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_metadata(cls, metadata: str) -> "EditTarget":
        return cls(**json.loads(metadata))


def edit_fields(schema: Mapping[str, Any], current: Mapping[str, Any]) -> list[Field]:
    """One field per argument the schema names, in its order, then any other argument the
    request has (a schema that allows more)."""
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    names = [*properties, *(name for name in current if name not in properties)]
    fields = []
    for name in names:
        prop = properties.get(name) or {}
        kind = _kind(prop, current.get(name))
        fields.append(Field(name=name, kind=kind, schema=prop, required=name in required))
    return fields


def build_edit_modal(target: EditTarget, state: Approval) -> dict[str, Any]:
    """The `views.open` view: the request's words, then an input per argument holding its
    value as it stands."""
    request = state.request
    assert request.parameters_schema is not None  # the bot opens it only for editable ones
    current = state.parameters
    intro = (
        f"*Edit, then approve* {mention(request.requester)}'s request. Your approval counts for the "
        "version you submit, and only that version runs."
    )
    chain, progress = request.chain, state.progress
    if (
        chain
        and not chain.policy.edit_keeps_approvals
        and progress
        and any(d.approved for d in progress.counted)
    ):
        intro += " Those who approved already are asked again: their approval was for other arguments."
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": intro}}]
    if request.summary:
        words = requester_words(request.summary, {}, in_modal=True)
        blocks.append(rt.block(rt.section(rt.text("As asked", italic=True)), rt.quote(*words.elements)))
    for field in edit_fields(request.parameters_schema, current):
        blocks.append(_input(field, current))
    return {
        "type": "modal",
        "callback_id": EDIT_CALLBACK_ID,
        "private_metadata": target.to_metadata(),
        "title": rt.plain("Edit & approve"),
        "submit": rt.plain("Approve edited"),
        "close": rt.plain("Cancel"),
        "blocks": blocks,
    }


def submitted_arguments(
    view: dict[str, Any], schema: Mapping[str, Any], current: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The arguments as submitted, typed as the schema asks, and the fields that could not
    be read (by block_id): "not a whole number", "not valid JSON"."""
    values = view.get("state", {}).get("values", {})
    arguments: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in edit_fields(schema, current):
        if field.kind == FieldKind.FIXED:
            arguments[field.name] = current[field.name]
            continue
        entry = values.get(field.block_id, {}).get(FIELD_ACTION_ID) or {}
        try:
            value = _read(field, entry)
        except ValueError as problem:
            errors[field.block_id] = str(problem)
            continue
        if value is not _OMITTED:
            arguments[field.name] = value
    return arguments, errors


def _kind(prop: Mapping[str, Any], value: Any) -> str:
    kind = prop.get("type")
    enum = prop.get("enum")
    if isinstance(value, str) and len(value) > TEXT_INPUT_MAX:
        return FieldKind.FIXED
    if isinstance(enum, list) and enum and len(enum) <= OPTIONS_MAX and all(_fits_option(v) for v in enum):
        return FieldKind.CHOICE
    if kind == "string":
        return FieldKind.TEXT
    if kind in ("integer", "number", "boolean"):
        return str(kind)
    if value is not None and kind is None and isinstance(value, str):
        return FieldKind.TEXT
    return FieldKind.JSON if not _json_too_long(value) else FieldKind.FIXED


def _fits_option(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= OPTION_TEXT_MAX and len(value) <= OPTION_VALUE_MAX


def _json_too_long(value: Any) -> bool:
    return value is not None and len(json.dumps(value, ensure_ascii=False)) > TEXT_INPUT_MAX


def _input(field: Field, current: Mapping[str, Any]) -> dict[str, Any]:
    value = current.get(field.name)
    has = field.name in current
    if field.kind == FieldKind.FIXED:
        note = f"{field.name}: too long to edit here ({len(str(value)):,} characters); it is kept as it is."
        return rt.block(rt.section(rt.text(note, italic=True)))
    element: dict[str, Any] = {"action_id": FIELD_ACTION_ID}
    optional = not field.required
    match field.kind:
        case FieldKind.INTEGER | FieldKind.NUMBER:
            element |= {"type": "number_input", "is_decimal_allowed": field.kind == FieldKind.NUMBER}
            for key, bound in (("min_value", "minimum"), ("max_value", "maximum")):
                if isinstance(field.schema.get(bound), int | float):
                    element[key] = str(field.schema[bound])
            if has:
                # JSON Schema counts 3.0 an integer; Slack's whole-number input would refuse "3.0".
                whole = field.kind == FieldKind.INTEGER and isinstance(value, float) and value.is_integer()
                element["initial_value"] = json.dumps(int(value) if whole else value)
        case FieldKind.CHOICE | FieldKind.BOOLEAN:
            choices = field.schema["enum"] if field.kind == FieldKind.CHOICE else ["true", "false"]
            options = [_option(str(v)) for v in choices]
            element |= {"type": "static_select", "options": options}
            shown = json.dumps(value) if field.kind == FieldKind.BOOLEAN else value
            if has and shown in choices:
                element["initial_option"] = _option(str(shown))
        case FieldKind.TEXT:
            limit = min(field.schema.get("maxLength") or TEXT_INPUT_MAX, TEXT_INPUT_MAX)
            element |= {"type": "plain_text_input", "max_length": limit}
            if isinstance(field.schema.get("minLength"), int) and field.schema["minLength"] > 0:
                element["min_length"] = min(field.schema["minLength"], TEXT_INPUT_MAX)
            if field.required and _accepts_empty(field.schema):
                # Required, but "" is a value it takes: Slack would refuse the field blank.
                optional = True
            # Room for what it may hold: its maxLength, else the value it has.
            room = field.schema.get("maxLength") or (len(value) if isinstance(value, str) else 0)
            if room > 150 or (isinstance(value, str) and "\n" in value):
                element["multiline"] = True
            if has and isinstance(value, str) and value:
                element["initial_value"] = value
        case _:
            element |= {"type": "plain_text_input", "multiline": True, "max_length": TEXT_INPUT_MAX}
            if has:
                element["initial_value"] = json.dumps(value, ensure_ascii=False)
    block: dict[str, Any] = {
        "type": "input",
        "block_id": field.block_id,
        "optional": optional,
        "label": rt.plain(cut(field.name, LABEL_MAX)),
        "element": element,
    }
    if hint := _hint(field):
        block["hint"] = rt.plain(cut(hint, HINT_MAX))
    return block


def _accepts_empty(prop: Mapping[str, Any]) -> bool:
    return Draft202012Validator(dict(prop)).is_valid("")


def _option(value: str) -> dict[str, Any]:
    return {"text": rt.plain(value), "value": value}


def _hint(field: Field) -> str:
    """The schema's own description and rules, as the person should type it."""
    prop = field.schema
    parts = [str(prop["description"]).strip()] if prop.get("description") else []
    if pattern := prop.get("pattern"):
        parts.append(f"Must match {pattern}")
    if field.kind == FieldKind.JSON:
        parts.append("Written as JSON.")
    return " ".join(parts)


_OMITTED = object()


def _read(field: Field, entry: Mapping[str, Any]) -> Any:
    """One field's submitted value, typed; _OMITTED when left empty where it may be."""
    if field.kind in (FieldKind.CHOICE, FieldKind.BOOLEAN):
        option = entry.get("selected_option")
        if not option:
            return _OMITTED
        return option["value"] == "true" if field.kind == FieldKind.BOOLEAN else option["value"]
    raw = entry.get("value")
    if raw is None or raw == "":
        # A required text that may be empty is empty; anything else left blank is left out.
        return "" if field.kind == FieldKind.TEXT and field.required else _OMITTED
    if field.kind == FieldKind.TEXT:
        return raw
    if field.kind in (FieldKind.INTEGER, FieldKind.NUMBER):
        return _number(raw, whole=field.kind == FieldKind.INTEGER)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise ValueError(f"Not valid JSON: {err.msg} (line {err.lineno}, column {err.colno}).") from None


def _number(raw: str, *, whole: bool) -> int | float:
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        raise ValueError("Enter a number.") from None
    if not number.is_finite():
        raise ValueError("Enter a number.")
    if whole:
        if number != number.to_integral_value():
            raise ValueError("Enter a whole number.")
        return int(number)
    # JSON numbers: whole ones stay integers, as the model would have written them.
    return int(number) if number == number.to_integral_value() and "." not in raw else float(number)
