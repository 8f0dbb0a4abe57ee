"""Block Kit to HTML: messages and modals as the Slack client draws them.

rich_text blocks are drawn by sandbox.rich_text_html. Anything the sandbox does not draw
(an image, a select menu outside a modal's inputs, a table) becomes a visible placeholder
naming its type: a bot author must see that it is there, never have it silently dropped.
"""

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.directory import display_name, person
from sandbox.emoji import emoji
from sandbox.inputs import chosen_option, select_options
from sandbox.messages import Message
from sandbox.mrkdwn import mrkdwn_to_html, plain_text_to_html
from sandbox.rich_text_html import rich_text_html


@dataclass
class FormState:
    """What a modal's inputs hold and which show an error (by block_id)."""

    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def message_html(message: Message) -> str:
    """One message's row: avatar, author, time, content, reactions."""
    author = person(message.user)
    name = author.real_name if author else message.user
    avatar = (
        f'<div class="avatar" style="background:#{author.color}" aria-hidden="true">{author.initials}</div>'
        if author
        else '<div class="avatar" aria-hidden="true">?</div>'
    )
    badge = '<span class="badge">APP</span>' if author and author.is_bot else ""
    edited = '<span class="edited">(edited)</span>' if message.edited_ts else ""
    only_you = '<div class="only-you">Only visible to you</div>' if message.ephemeral else ""
    content = blocks_html(message.blocks) if message.blocks else _text(message.text)
    return (
        f'{avatar}<div class="message-body">'
        f'<div class="meta"><span class="author">{html.escape(name)}</span>{badge}'
        f"{_sent_time(message.ts)}{edited}</div>"
        f'{only_you}<div class="content">{content}</div>{_reactions(message)}</div>'
    )


def view_html(view: dict[str, Any], form: FormState, notice: str | None = None) -> str:
    """A modal: title, blocks with their inputs, and its Cancel / Submit buttons."""
    close = _plain(view.get("close")) or "Cancel"
    submit = (
        f'<button type="submit" class="modal-submit">{_plain(view["submit"])}</button>'
        if view.get("submit")
        else ""
    )
    notice_html = f'<div class="modal-notice" role="alert">{html.escape(notice)}</div>' if notice else ""
    return (
        f'<header><h2 class="modal-title">{_plain(view.get("title"))}</h2>'
        f'<button type="button" class="modal-close" aria-label="Close">×</button></header>'
        f'{notice_html}<div class="modal-blocks">{blocks_html(view.get("blocks", []), form)}</div>'
        f'<footer><button type="button" class="modal-cancel">{close}</button>{submit}</footer>'
    )


def blocks_html(blocks: list[dict[str, Any]], form: FormState | None = None) -> str:
    return "".join(_block(block, form or FormState()) for block in blocks)


def _block(block: dict[str, Any], form: FormState) -> str:
    kind = block.get("type", "")
    block_id = html.escape(str(block.get("block_id", "")))
    if kind == "header":
        # A header is plain_text only: its text is never read as mrkdwn.
        return f'<div class="block header" data-block-id="{block_id}">{_plain(block.get("text"))}</div>'
    if kind == "divider":
        return '<hr class="block divider">'
    if kind == "section":
        return f'<div class="block section" data-block-id="{block_id}">{_section(block)}</div>'
    if kind == "context":
        elements = "".join(_context_element(e) for e in block.get("elements", []))
        return f'<div class="block context" data-block-id="{block_id}">{elements}</div>'
    if kind == "actions":
        elements = "".join(_element(e, block_id) for e in block.get("elements", []))
        return f'<div class="block actions" data-block-id="{block_id}">{elements}</div>'
    if kind == "input":
        return _input(block, form)
    if kind == "rich_text":
        return f'<div class="block rich-text" data-block-id="{block_id}">{rich_text_html(block)}</div>'
    return _placeholder(f"{kind} block", "block")


def _section(block: dict[str, Any]) -> str:
    parts = []
    if "text" in block:
        parts.append(f'<div class="section-text">{_text(block["text"])}</div>')
    if fields := block.get("fields"):
        cells = "".join(f'<div class="field">{_text(f)}</div>' for f in fields)
        parts.append(f'<div class="fields">{cells}</div>')
    body = f'<div class="section-body">{"".join(parts)}</div>'
    if accessory := block.get("accessory"):
        body += f'<div class="accessory">{_element(accessory, str(block.get("block_id", "")))}</div>'
    return body


def _context_element(element: dict[str, Any]) -> str:
    if element.get("type") in ("mrkdwn", "plain_text"):
        return f'<span class="context-item">{_text(element)}</span>'
    if element.get("type") == "image":
        return _placeholder(f"image: {element.get('alt_text', '')}", "element")
    return _placeholder(str(element.get("type")), "element")


def _element(element: dict[str, Any], block_id: str) -> str:
    if element.get("type") != "button":
        return _placeholder(f"{element.get('type')} element", "element")
    style = element.get("style")
    classes = "bk-button" + (f" {style}" if style in ("primary", "danger") else "")
    attributes = {
        "data-block-id": html.unescape(block_id),
        "data-action-id": element.get("action_id", ""),
    }
    if url := element.get("url"):
        attributes["data-url"] = url
    if confirm := element.get("confirm"):
        attributes["data-confirm"] = json.dumps(
            {
                "title": _plain(confirm.get("title")),
                "text": _text(confirm.get("text")),
                "confirm": _plain(confirm.get("confirm")) or "Yes",
                "deny": _plain(confirm.get("deny")) or "Cancel",
                "style": confirm.get("style", "primary"),
            }
        )
    attrs = "".join(f' {k}="{html.escape(str(v), quote=True)}"' for k, v in attributes.items())
    return f'<button type="button" class="{classes}"{attrs}>{_plain(element.get("text"))}</button>'


def _input(block: dict[str, Any], form: FormState) -> str:
    block_id = str(block.get("block_id", ""))
    element = block.get("element", {})
    optional = '<span class="optional">(optional)</span>' if block.get("optional") else ""
    label = f'<label class="input-label">{_plain(block.get("label"))} {optional}</label>'
    if element.get("type") == "plain_text_input":
        control = _text_input(block_id, element, form)
    elif element.get("type") == "number_input":
        control = _number_input(block_id, element, form)
    elif element.get("type") == "static_select":
        control = _static_select(block_id, element, form)
    else:
        control = _placeholder(f"{element.get('type')} element", "element")
    hint = f'<div class="input-hint">{_plain(block["hint"])}</div>' if block.get("hint") else ""
    error = (
        f'<div class="input-error" role="alert">{html.escape(form.errors[block_id])}</div>'
        if block_id in form.errors
        else ""
    )
    invalid = " invalid" if error else ""
    return (
        f'<div class="block input{invalid}" data-block-id="{html.escape(block_id)}">'
        f"{label}{control}{error}{hint}</div>"
    )


def _text_input(block_id: str, element: dict[str, Any], form: FormState) -> str:
    value = _shown_value(block_id, element, form, element.get("initial_value", ""))
    attributes = _control_attributes(block_id, element)
    if max_length := element.get("max_length"):
        attributes["maxlength"] = max_length
    if element.get("multiline"):
        return f'<textarea rows="4"{_attrs(attributes)}>{html.escape(value or "")}</textarea>'
    return f'<input type="text"{_attrs(attributes)} value="{html.escape(value or "", quote=True)}">'


def _number_input(block_id: str, element: dict[str, Any], form: FormState) -> str:
    value = _shown_value(block_id, element, form, element.get("initial_value", ""))
    attributes = _control_attributes(block_id, element)
    # A text field, not type=number: Chromium would hand the page "" for what it cannot
    # read, and refuse out-of-range values with its own bubble. Slack's client keeps what
    # was typed and says what is wrong under the input (sandbox.inputs.number_problem).
    attributes["inputmode"] = "decimal" if element.get("is_decimal_allowed") else "numeric"
    return f'<input type="text"{_attrs(attributes)} value="{html.escape(value or "", quote=True)}">'


def _static_select(block_id: str, element: dict[str, Any], form: FormState) -> str:
    initial = element.get("initial_option")
    initial_value = initial.get("value") if isinstance(initial, dict) else None
    picked = chosen_option(element, _shown_value(block_id, element, form, initial_value))
    # The placeholder shows until a choice is made; as in Slack, it cannot be chosen
    # again after (a select menu has no way back to "nothing").
    prompt = _plain(element.get("placeholder")) or "Select an item"
    options = "" if picked else f'<option value="" disabled hidden selected>{prompt}</option>'
    if isinstance(groups := element.get("option_groups"), list):
        for group in (g for g in groups if isinstance(g, dict)):
            label = html.escape(str((group.get("label") or {}).get("text", "")), quote=True)
            options += f'<optgroup label="{label}">{_options(group, picked)}</optgroup>'
    else:
        options += _options(element, picked)
    attributes = _control_attributes(block_id, element, with_placeholder=False)
    return f"<select{_attrs(attributes)}>{options}</select>"


def _options(part: dict[str, Any], picked: dict[str, Any] | None) -> str:
    return "".join(_option(o, selected=o is picked) for o in select_options(part))


def _option(option: dict[str, Any], *, selected: bool) -> str:
    # Marked by identity, not by value: of options that share a value, only the one
    # sandbox.inputs.chosen_option finds (the first) shows as chosen.
    value = html.escape(str(option.get("value", "")), quote=True)
    mark = " selected" if selected else ""
    return f'<option value="{value}"{mark}>{_plain(option.get("text"))}</option>'


def _shown_value(block_id: str, element: dict[str, Any], form: FormState, initial: Any) -> Any:
    """What the person typed or chose (kept across a redraw), else the element's initial one."""
    typed = form.values.get(block_id, {}).get(str(element.get("action_id", "")))
    return typed if typed is not None else initial


def _control_attributes(
    block_id: str, element: dict[str, Any], *, with_placeholder: bool = True
) -> dict[str, Any]:
    """The attributes the page reads back on Submit (every `bk-input`; see app.js typedValues)."""
    action_id = str(element.get("action_id", ""))
    attributes: dict[str, Any] = {
        "class": "bk-input",
        "data-block-id": block_id,
        "data-action-id": action_id,
        "aria-label": action_id,
    }
    if with_placeholder and (placeholder := element.get("placeholder")):
        attributes["placeholder"] = placeholder.get("text", "")
    return attributes


def _attrs(attributes: dict[str, Any]) -> str:
    return "".join(f' {k}="{html.escape(str(v), quote=True)}"' for k, v in attributes.items())


def _text(text: Any) -> str:
    if isinstance(text, str):
        return mrkdwn_to_html(text, display_name)
    if not isinstance(text, dict):
        return ""
    if text.get("type") == "mrkdwn":
        return mrkdwn_to_html(text.get("text", ""), display_name)
    return plain_text_to_html(text.get("text", ""), emoji=text.get("emoji", True))


def _plain(text: Any) -> str:
    """A plain_text object: `:codes:` become emoji unless it says `emoji: false`."""
    if not isinstance(text, dict):
        return ""
    return plain_text_to_html(str(text.get("text", "")), emoji=text.get("emoji", True) is not False)


def _placeholder(what: str, kind: str) -> str:
    return (
        f'<div class="placeholder {kind}" title="The sandbox does not draw this; Slack would.">'
        f"[{html.escape(what)}: not shown in the sandbox]</div>"
    )


def _sent_time(ts: str) -> str:
    moment = datetime.fromtimestamp(float(ts), UTC)
    return f'<time class="sent" datetime="{moment.isoformat()}">{moment:%H:%M}</time>'


def _reactions(message: Message) -> str:
    if not message.reactions:
        return ""
    chips = "".join(
        f'<span class="reaction" title=":{html.escape(name)}: by '
        f'{html.escape(", ".join(display_name(u) for u in users))}">'
        f"{emoji(name)} {len(users)}</span>"
        for name, users in message.reactions.items()
    )
    return f'<div class="reactions">{chips}</div>'
