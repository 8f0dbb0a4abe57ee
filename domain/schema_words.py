"""A JSON Schema problem in the words of the person filling a form: what the field takes.

jsonschema says what is wrong with the value ("'4,500' does not match '^[0-9]+…'"); a field
error reads better as the rule ("Must match ^[0-9]+…"), beside the value the person typed.
Problems of keywords not listed here keep jsonschema's words.
"""

import json
from typing import Any

from jsonschema import ValidationError

TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list (JSON)",
    "object": "an object (JSON)",
    "null": "null",
}


def rule_of(error: ValidationError) -> str:
    """What the field takes, as one sentence."""
    rule: Any = error.validator_value
    match error.validator:
        case "pattern":
            return f"Must match {rule}"  # no full stop: it would read as part of the pattern
        case "maxLength":
            return f"At most {rule} character{'s' if rule != 1 else ''}."
        case "minLength":
            return "Cannot be empty." if rule == 1 else f"At least {rule} characters."
        case "minimum":
            return f"At least {rule}."
        case "maximum":
            return f"At most {rule}."
        case "exclusiveMinimum":
            return f"More than {rule}."
        case "exclusiveMaximum":
            return f"Less than {rule}."
        case "enum":
            return "One of " + ", ".join(json.dumps(v, ensure_ascii=False) for v in rule) + "."
        case "const":
            return f"Must be {json.dumps(rule, ensure_ascii=False)}."
        case "type":
            kinds = [rule] if isinstance(rule, str) else list(rule)
            return "Must be " + " or ".join(TYPE_NAMES.get(k, k) for k in kinds) + "."
        case _:
            return error.message[:1].upper() + error.message[1:] + "."
