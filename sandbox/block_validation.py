"""Checks blocks and modal views the way Slack does before accepting them.

Slack refuses the whole message (`invalid_blocks`) or view (`invalid_arguments`) when
one part breaks a rule, and lists each problem with a JSON pointer to it; so does this.
Only what Slack is known to check is checked: an unknown block type, a missing required
part, a length or count over a published limit, a duplicate ID. rich_text is held to
Slack's Block Kit reference: which parts each part may hold, their required fields and
their documented values (sandbox/limits.py names each page). So are the number_input and
static_select a modal draws (block-elements/number-input-element, select-menu-element,
composition-objects/option-object).
"""

from typing import Any

from sandbox import limits as lim
from sandbox.inputs import parse_number, select_options


def message_block_problems(blocks: Any) -> list[str]:
    """Why Slack would refuse `blocks` in a message; empty when it would accept them."""
    check = _Checker()
    check.blocks(blocks, "/blocks", lim.MESSAGE_MAX_BLOCKS)
    return check.problems


def view_problems(view: Any) -> list[str]:
    """Why Slack would refuse `view` in views.open / update / push; empty when fine."""
    check = _Checker()
    if not isinstance(view, dict):
        return ["must provide an object [json-pointer:/view]"]
    if view.get("type") not in ("modal", "home"):
        check.fail("/view/type", f"unsupported view type: {view.get('type')!r}")
    if view.get("type") == "modal":
        check.text(view.get("title"), "/view/title", lim.VIEW_TITLE_MAX, plain_only=True)
        for button in ("submit", "close"):
            if button in view:
                check.text(view[button], f"/view/{button}", lim.VIEW_BUTTON_MAX, plain_only=True)
        blocks = view.get("blocks")
        if isinstance(blocks, list) and "submit" not in view and any(_is_input(b) for b in blocks):
            check.fail("/view/submit", "must provide submit when the view has input blocks")
    for name, limit in (("callback_id", lim.CALLBACK_ID_MAX), ("private_metadata", lim.PRIVATE_METADATA_MAX)):
        if len(str(view.get(name, ""))) > limit:
            check.fail(f"/view/{name}", f"must be less than {limit + 1} characters")
    check.blocks(view.get("blocks"), "/view/blocks", lim.MODAL_MAX_BLOCKS)
    return check.problems


def _is_input(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "input"


def _text_of(option: dict[str, Any]) -> Any:
    text = option.get("text")
    return text.get("text") if isinstance(text, dict) else None


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self._block_ids: set[str] = set()

    def fail(self, pointer: str, problem: str) -> None:
        self.problems.append(f"{problem} [json-pointer:{pointer}]")

    def blocks(self, blocks: Any, at: str, most: int) -> None:
        if not isinstance(blocks, list):
            self.fail(at, "must provide an array")
            return
        if len(blocks) > most:
            self.fail(at, f"no more than {most} items allowed")
        for i, block in enumerate(blocks):
            self.block(block, f"{at}/{i}")

    def block(self, block: Any, at: str) -> None:
        if not isinstance(block, dict):
            self.fail(at, "must provide an object")
            return
        kind = block.get("type")
        if kind not in lim.BLOCK_TYPES:
            self.fail(f"{at}/type", f"unsupported block type: {kind!r}")
            return
        if (block_id := block.get("block_id")) is not None:
            self.block_id(str(block_id), f"{at}/block_id")
        check = getattr(self, f"_{kind}", None)
        if check:
            check(block, at)

    def block_id(self, block_id: str, at: str) -> None:
        if not block_id or len(block_id) > lim.BLOCK_ID_MAX:
            self.fail(at, f"must be 1 to {lim.BLOCK_ID_MAX} characters")
        elif block_id in self._block_ids:
            self.fail(at, f"duplicate block_id: {block_id!r}")
        self._block_ids.add(block_id)

    def text(self, text: Any, at: str, most: int, *, plain_only: bool = False) -> None:
        if not isinstance(text, dict):
            self.fail(at, "must provide a text object")
            return
        allowed = {"plain_text"} if plain_only else lim.TEXT_TYPES
        if text.get("type") not in allowed:
            self.fail(f"{at}/type", f"must be one of {sorted(allowed)}")
        value = text.get("text")
        if not isinstance(value, str) or not value:
            self.fail(f"{at}/text", "must be more than 0 characters")
        elif len(value) > most:
            self.fail(f"{at}/text", f"must be less than {most + 1} characters")

    def _header(self, block: dict[str, Any], at: str) -> None:
        self.text(block.get("text"), f"{at}/text", lim.HEADER_TEXT_MAX, plain_only=True)

    def _section(self, block: dict[str, Any], at: str) -> None:
        if "text" not in block and "fields" not in block:
            self.fail(at, "must provide text or fields")
        if "text" in block:
            self.text(block["text"], f"{at}/text", lim.SECTION_TEXT_MAX)
        if "fields" in block:
            fields = block["fields"]
            if not isinstance(fields, list) or not fields:
                self.fail(f"{at}/fields", "must provide a non-empty array")
            else:
                if len(fields) > lim.SECTION_FIELDS_MAX:
                    self.fail(f"{at}/fields", f"no more than {lim.SECTION_FIELDS_MAX} items allowed")
                for i, field in enumerate(fields):
                    self.text(field, f"{at}/fields/{i}", lim.SECTION_FIELD_TEXT_MAX)
        if "accessory" in block:
            self.element(block["accessory"], f"{at}/accessory", lim.ACCESSORY_ELEMENTS)

    def _context(self, block: dict[str, Any], at: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.fail(f"{at}/elements", "must provide a non-empty array")
            return
        if len(elements) > lim.CONTEXT_ELEMENTS_MAX:
            self.fail(f"{at}/elements", f"no more than {lim.CONTEXT_ELEMENTS_MAX} items allowed")
        for i, element in enumerate(elements):
            where = f"{at}/elements/{i}"
            kind = element.get("type") if isinstance(element, dict) else None
            if kind not in lim.CONTEXT_ELEMENTS:
                self.fail(f"{where}/type", f"unsupported context element type: {kind!r}")
            elif kind in lim.TEXT_TYPES:
                self.text(element, where, lim.SECTION_TEXT_MAX)

    def _rich_text(self, block: dict[str, Any], at: str) -> None:
        # Each rule is from Slack's Block Kit reference; sandbox/limits.py names the page.
        containers = block.get("elements")
        if not isinstance(containers, list):
            self.fail(f"{at}/elements", "must provide an array")
            return
        for i, container in enumerate(containers):
            where = f"{at}/elements/{i}"
            kind = container.get("type") if isinstance(container, dict) else None
            if kind not in lim.RICH_TEXT_OBJECTS:
                self.fail(f"{where}/type", f"unsupported element type here: {kind!r}")
            elif kind == "rich_text_list":
                self.rich_text_list(container, where)
            else:
                pre = kind == "rich_text_preformatted"
                self.rich_text_elements(
                    container, where, lim.PREFORMATTED_ELEMENTS if pre else lim.RICH_TEXT_ELEMENTS
                )
                self.border(container, where)

    def rich_text_list(self, rt_list: dict[str, Any], at: str) -> None:
        if rt_list.get("style") not in lim.LIST_STYLES:
            self.fail(f"{at}/style", f"must be one of {list(lim.LIST_STYLES)}")
        items = rt_list.get("elements")
        if not isinstance(items, list):
            self.fail(f"{at}/elements", "must provide an array")
        else:
            for i, item in enumerate(items):
                kind = item.get("type") if isinstance(item, dict) else None
                if kind != "rich_text_section":
                    self.fail(f"{at}/elements/{i}/type", f"unsupported element type here: {kind!r}")
                else:
                    self.rich_text_elements(item, f"{at}/elements/{i}", lim.RICH_TEXT_ELEMENTS)
        indent = rt_list.get("indent", 0)
        if not _is_integer(indent) or not 0 <= indent <= lim.LIST_INDENT_MAX:
            self.fail(f"{at}/indent", f"must be a number from 0 to {lim.LIST_INDENT_MAX}")
        if "offset" in rt_list and not _is_integer(rt_list["offset"]):
            self.fail(f"{at}/offset", "must be a number")
        self.border(rt_list, at)

    def border(self, container: dict[str, Any], at: str) -> None:
        if "border" in container and container["border"] not in lim.BORDER_VALUES:
            self.fail(f"{at}/border", f"must be one of {list(lim.BORDER_VALUES)}")

    def rich_text_elements(self, container: dict[str, Any], at: str, allowed: frozenset[str]) -> None:
        elements = container.get("elements")
        if not isinstance(elements, list):
            self.fail(f"{at}/elements", "must provide an array")
            return
        for i, element in enumerate(elements):
            where = f"{at}/elements/{i}"
            kind = element.get("type") if isinstance(element, dict) else None
            if kind not in allowed:
                self.fail(f"{where}/type", f"unsupported element type here: {kind!r}")
                continue
            if (field := lim.RICH_TEXT_REQUIRED_FIELD.get(kind)) and not isinstance(element.get(field), str):
                self.fail(f"{where}/{field}", "must provide a string")
            elif kind == "broadcast" and element["range"] not in lim.BROADCAST_RANGES:
                self.fail(f"{where}/range", f"must be one of {list(lim.BROADCAST_RANGES)}")
            if kind == "date":
                if not _is_number(element.get("timestamp")):
                    self.fail(f"{where}/timestamp", "must provide a number")
                if not isinstance(element.get("format"), str):
                    self.fail(f"{where}/format", "must provide a string")
            if "style" in element and not isinstance(element["style"], dict):
                self.fail(f"{where}/style", "must provide an object")

    def _actions(self, block: dict[str, Any], at: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.fail(f"{at}/elements", "must provide a non-empty array")
            return
        if len(elements) > lim.ACTIONS_ELEMENTS_MAX:
            self.fail(f"{at}/elements", f"no more than {lim.ACTIONS_ELEMENTS_MAX} items allowed")
        action_ids: set[str] = set()
        for i, element in enumerate(elements):
            self.element(element, f"{at}/elements/{i}", lim.INTERACTIVE_ELEMENTS)
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if action_id is not None and action_id in action_ids:
                # Slack routes a click by (block_id, action_id): two alike would be ambiguous.
                self.fail(f"{at}/elements/{i}/action_id", f"duplicate action_id: {action_id!r}")
            action_ids.add(action_id)

    def _input(self, block: dict[str, Any], at: str) -> None:
        self.text(block.get("label"), f"{at}/label", lim.INPUT_LABEL_MAX, plain_only=True)
        if "hint" in block:
            self.text(block["hint"], f"{at}/hint", lim.INPUT_HINT_MAX, plain_only=True)
        if "element" not in block:
            self.fail(at, "must provide element")
        else:
            self.element(block["element"], f"{at}/element", lim.INPUT_ELEMENTS)

    def element(self, element: Any, at: str, allowed: frozenset[str]) -> None:
        if not isinstance(element, dict):
            self.fail(at, "must provide an object")
            return
        kind = element.get("type")
        if kind not in allowed:
            self.fail(f"{at}/type", f"unsupported element type here: {kind!r}")
            return
        if len(str(element.get("action_id", ""))) > lim.ACTION_ID_MAX:
            self.fail(f"{at}/action_id", f"must be less than {lim.ACTION_ID_MAX + 1} characters")
        if "placeholder" in element:
            self.text(element["placeholder"], f"{at}/placeholder", lim.PLACEHOLDER_MAX, plain_only=True)
        if kind == "button":
            self.button(element, at)
        elif kind == "number_input":
            self.number_input(element, at)
        elif kind == "static_select":
            self.static_select(element, at)

    def button(self, button: dict[str, Any], at: str) -> None:
        self.text(button.get("text"), f"{at}/text", lim.BUTTON_TEXT_MAX, plain_only=True)
        if len(str(button.get("value", ""))) > lim.BUTTON_VALUE_MAX:
            self.fail(f"{at}/value", f"must be less than {lim.BUTTON_VALUE_MAX + 1} characters")
        if len(str(button.get("url", ""))) > lim.BUTTON_URL_MAX:
            self.fail(f"{at}/url", f"must be less than {lim.BUTTON_URL_MAX + 1} characters")
        if "style" in button and button["style"] not in lim.BUTTON_STYLES:
            self.fail(f"{at}/style", f"must be one of {list(lim.BUTTON_STYLES)}")
        if "confirm" in button:
            self.confirm(button["confirm"], f"{at}/confirm")

    def number_input(self, element: dict[str, Any], at: str) -> None:
        # number-input-element: is_decimal_allowed is required; the three values are
        # strings holding numbers, and min_value "cannot be greater than max_value".
        if not isinstance(element.get("is_decimal_allowed"), bool):
            self.fail(f"{at}/is_decimal_allowed", "must provide a boolean")
        for name in ("initial_value", "min_value", "max_value"):
            if name in element and parse_number(element[name]) is None:
                self.fail(f"{at}/{name}", "must be a string holding a number")
        low, high = parse_number(element.get("min_value")), parse_number(element.get("max_value"))
        if low is not None and high is not None and low > high:
            self.fail(f"{at}/min_value", "must not be greater than max_value")

    def static_select(self, select: dict[str, Any], at: str) -> None:
        if ("options" in select) == ("option_groups" in select):
            self.fail(at, "must provide either options or option_groups")
        if "options" in select:
            self.options(select["options"], f"{at}/options")
        if "option_groups" in select:
            self.option_groups(select["option_groups"], f"{at}/option_groups")
        if "initial_option" in select:
            initial = select["initial_option"]
            self.option(initial, f"{at}/initial_option")
            # "A single option that exactly matches one of the options or option_groups."
            if isinstance(initial, dict) and not any(
                o.get("value") == initial.get("value") and _text_of(o) == _text_of(initial)
                for o in select_options(select)
            ):
                self.fail(f"{at}/initial_option", "must match one of the options")
        if "confirm" in select:
            self.confirm(select["confirm"], f"{at}/confirm")

    def option_groups(self, groups: Any, at: str) -> None:
        if not isinstance(groups, list) or not groups:
            self.fail(at, "must provide a non-empty array")
            return
        if len(groups) > lim.SELECT_OPTION_GROUPS_MAX:
            self.fail(at, f"no more than {lim.SELECT_OPTION_GROUPS_MAX} items allowed")
        for i, group in enumerate(groups):
            if not isinstance(group, dict):
                self.fail(f"{at}/{i}", "must provide an object")
                continue
            self.text(group.get("label"), f"{at}/{i}/label", lim.OPTION_TEXT_MAX, plain_only=True)
            self.options(group.get("options"), f"{at}/{i}/options")

    def options(self, options: Any, at: str) -> None:
        if not isinstance(options, list) or not options:
            self.fail(at, "must provide a non-empty array")
            return
        if len(options) > lim.SELECT_OPTIONS_MAX:
            self.fail(at, f"no more than {lim.SELECT_OPTIONS_MAX} items allowed")
        for i, option in enumerate(options):
            self.option(option, f"{at}/{i}")

    def option(self, option: Any, at: str) -> None:
        if not isinstance(option, dict):
            self.fail(at, "must provide an object")
            return
        # A select menu's options are plain_text only (mrkdwn is for radio buttons and checkboxes).
        self.text(option.get("text"), f"{at}/text", lim.OPTION_TEXT_MAX, plain_only=True)
        # value is required; an empty one too is refused, as Slack refuses empty strings
        # elsewhere (and the sandbox's page sends "" for "nothing chosen").
        value = option.get("value")
        if not isinstance(value, str) or not value:
            self.fail(f"{at}/value", "must be more than 0 characters")
        elif len(value) > lim.OPTION_VALUE_MAX:
            self.fail(f"{at}/value", f"must be less than {lim.OPTION_VALUE_MAX + 1} characters")
        if "description" in option:
            self.text(option["description"], f"{at}/description", lim.OPTION_TEXT_MAX, plain_only=True)

    def confirm(self, confirm: Any, at: str) -> None:
        if not isinstance(confirm, dict):
            self.fail(at, "must provide an object")
            return
        self.text(confirm.get("title"), f"{at}/title", lim.CONFIRM_TITLE_MAX, plain_only=True)
        self.text(confirm.get("text"), f"{at}/text", lim.CONFIRM_TEXT_MAX)
        self.text(confirm.get("confirm"), f"{at}/confirm", lim.CONFIRM_BUTTON_MAX, plain_only=True)
        self.text(confirm.get("deny"), f"{at}/deny", lim.CONFIRM_BUTTON_MAX, plain_only=True)
