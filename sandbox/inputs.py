"""What a modal's number inputs and select menus mean: the numbers Slack's client takes
and the option a choice names. Drawing (sandbox.render), `view.state` (sandbox.views)
and block checks (sandbox.block_validation) read them the same way from here.
"""

import re
from decimal import Decimal
from typing import Any

# The client's own words were not found in public material; these say the same plainly.
NOT_A_NUMBER = "Enter a number"
NOT_A_WHOLE_NUMBER = "Enter a whole number"

# What a person may type: "0.25, 5.5, and -10 are all valid input values"
# (number-input-element); digits with an optional minus and decimal part, no exponent,
# spaces or thousands separators.
_TYPED_NUMBER = re.compile(r"-?(\d+(\.\d+)?|\.\d+)")
# What an app may write in initial_value, min_value and max_value: an exponent too, as
# Python's str(0.00001) gives "1e-05". Slack's API is not known to refuse one.
_WRITTEN_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def parse_number(text: Any) -> Decimal | None:
    """A number as an app writes it in a number_input (a string), or None when it is not
    one. Decimal, not float: a typed "0.1" and a min_value of "0.1" must compare equal."""
    if not isinstance(text, str) or not _WRITTEN_NUMBER.fullmatch(text):
        return None
    return Decimal(text)


def number_problem(element: dict[str, Any], typed: str) -> str | None:
    """Why Slack's client would refuse `typed` in this number_input; None when it takes it."""
    if not _TYPED_NUMBER.fullmatch(typed):
        return NOT_A_NUMBER
    number = Decimal(typed)
    if "." in typed and element.get("is_decimal_allowed") is not True:
        return NOT_A_WHOLE_NUMBER
    low, high = parse_number(element.get("min_value")), parse_number(element.get("max_value"))
    if low is not None and number < low:
        return f"Enter a number of at least {element['min_value']}"
    if high is not None and number > high:
        return f"Enter a number of at most {element['max_value']}"
    return None


def select_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    """Every option of a static_select, from `options` or from each of its `option_groups`."""
    groups = element.get("option_groups")
    if isinstance(groups, list):
        lists = [g.get("options") for g in groups if isinstance(g, dict)]
    else:
        lists = [element.get("options")]
    return [o for options in lists if isinstance(options, list) for o in options if isinstance(o, dict)]


def chosen_option(element: dict[str, Any], value: str | None) -> dict[str, Any] | None:
    """The option whose value the page sent: Slack's `selected_option`, the whole option
    as the view holds it (text with `emoji`, any description)."""
    if value is None:
        return None
    return next((o for o in select_options(element) if o.get("value") == value), None)
