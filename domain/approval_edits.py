"""Editing before approving: whether an edit may count, and what it changed.

Pure code, safe inside the workflow sandbox. The workflow enforces these rules; the bot
asks the same questions before it opens the edit modal, and again to show field errors.
"""

import json
from typing import Any

from domain.approval_rules import refusal_for
from domain.catalog import schema_problems
from domain.models import Approval, DecisionSubmission, Edit, EditSubmission
from domain.policy_decisions import EDIT_NOT_ALLOWED
from domain.slack_text import mention

EDITED_SEE_CARD = (
    "This request was edited before approving: approve it on its card, where the edited "
    "version is shown beside what was asked."
)
UNCHANGED = "Nothing was changed: use Approve to approve it as it is."


def edit_refusal(state: Approval, submission: EditSubmission) -> str | None:
    """Why `submission` cannot count as an edit and approval of `state`, or None."""
    if refusal := refusal_for(state, submission.user) or editing_refusal(state, submission.version):
        return refusal
    if submission.parameters == state.parameters:
        return UNCHANGED
    assert state.request.parameters_schema is not None  # editable
    if problems := schema_problems(state.request.parameters_schema, submission.parameters):
        return "The edited arguments do not fit the action: " + "; ".join(problems)
    return None


def editing_refusal(state: Approval, version: int | None) -> str | None:
    """Why `state` cannot be edited by anyone who may decide it, from a view of `version`
    (None: not known): its policy allows no edit, or it was edited since. Who may decide is
    `refusal_for`'s, which the bot asks first, with the click's origin."""
    if not state.editable:
        return EDIT_NOT_ALLOWED
    if version is not None and version != state.version:
        return edited_since(state)
    return None


def version_refusal(state: Approval, submission: DecisionSubmission) -> str | None:
    """An approval counts only for the version its approver saw: a click on a card drawn
    before the last edit is refused, and so is one in a list once there is an edit (a
    rejection stands whatever they saw)."""
    if not submission.approved:
        return None
    if submission.version is not None and submission.version != state.version:
        return edited_since(state)
    if submission.version is None and state.edits and submission.origin and submission.origin.from_list:
        # A list shows the request's words, not its arguments: an edited version is
        # approved only where it is shown, on its card.
        return EDITED_SEE_CARD
    return None


def edited_since(state: Approval) -> str:
    editor = mention(state.edits[-1].user) if state.edits else "Someone"
    return f"{editor} edited this request since you saw it: look at the card again, then decide."


def edits_for_model(asked: dict[str, Any], edits: list[Edit], *, approved: bool) -> str:
    """What approvers changed before approving, for the model: each argument as asked and
    as approved (JSON, so nothing reads as Slack syntax), and who changed it."""
    if not edits:
        return ""
    approved = edits[-1].parameters
    editors = ", ".join(f"Slack user {u}" for u in dict.fromkeys(e.user for e in edits))
    changes = "; ".join(
        f"{name}: {_json(asked.get(name))} -> {_json(approved.get(name))}"
        for name in changed(asked, approved)
    )
    if not approved:
        return f". Before that, {editors} had edited the arguments ({changes})"
    return (
        f". Before approving, {editors} edited the arguments ({changes}); "
        "only the edited version was approved, and it is what runs. Tell the requester what was changed"
    )


def _json(value: Any) -> str:
    return "(absent)" if value is None else json.dumps(value, ensure_ascii=False)


def changed(asked: dict[str, Any], edited: dict[str, Any]) -> list[str]:
    """The arguments an edit changed, added or removed, in the request's order."""
    names = [*asked, *(name for name in edited if name not in asked)]
    return [name for name in names if asked.get(name, _ABSENT) != edited.get(name, _ABSENT)]


_ABSENT = object()
