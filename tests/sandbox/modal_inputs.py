"""A modal with a number_input and static_selects, as a bot would open one to ask how much
and in what currency; shared by the sandbox's unit, API and browser tests."""

from typing import Any


def option(text: str, value: str | None = None) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value or text}


def amount_input(**changes: Any) -> dict[str, Any]:
    return {
        "type": "number_input",
        "action_id": "amount_value",
        "is_decimal_allowed": False,
        "initial_value": "4500",
        "min_value": "1",
        "max_value": "10000",
        "placeholder": {"type": "plain_text", "text": "How much?"},
        **changes,
    }


def currency_select(**changes: Any) -> dict[str, Any]:
    return {
        "type": "static_select",
        "action_id": "currency_choice",
        "placeholder": {"type": "plain_text", "text": "Pick a currency"},
        "options": [option("EUR"), option("USD"), option("GBP")],
        "initial_option": option("USD"),
        **changes,
    }


def cost_center_select(**changes: Any) -> dict[str, Any]:
    """Required, with no initial option: the person must choose one."""
    return {
        "type": "static_select",
        "action_id": "center_choice",
        "placeholder": {"type": "plain_text", "text": "Pick a cost center"},
        "option_groups": [
            {"label": {"type": "plain_text", "text": "Europe"}, "options": [option("Berlin", "cc-ber")]},
            {"label": {"type": "plain_text", "text": "America"}, "options": [option("Boston", "cc-bos")]},
        ],
        **changes,
    }


def input_block(block_id: str, label: str, element: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def payment_modal(*, amount: dict[str, Any] | None = None, amount_optional: bool = False) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "edit_payment",
        "title": {"type": "plain_text", "text": "Edit payment"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            input_block("amount", "Amount", amount or amount_input(), optional=amount_optional),
            input_block("currency", "Currency", currency_select()),
            input_block("center", "Cost center", cost_center_select()),
        ],
    }
