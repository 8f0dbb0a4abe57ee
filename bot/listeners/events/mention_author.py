"""Who wrote a mention: a person, or another app's bot, which may ask only when allowed.

An approval card says who asked, and the requester may not decide their own request. A
bot asking would be a request no person stands behind (and two bots that mention each other
could ask forever), so a bot's mention asks for nothing unless SLACK_ALLOWED_BOT_IDS names it.

Slack marks a bot's message in more than one way, depending on how the app posted it: a
`bot_id` (every app's bot), a `bot_profile` (whose `id` is the bot ID), the `bot_message`
subtype (legacy integrations and webhooks, with no `user`). A message with no `user` has
no person to stand behind it, whatever else it carries.
"""

from typing import Any

BOT_MESSAGE_SUBTYPE = "bot_message"


def refusal_of_author(event: dict[str, Any], allowed_bot_ids: frozenset[str]) -> str | None:
    """Why the author of this `app_mention` event may not ask for anything, or None when
    they may: a person, or a bot whose ID is in `allowed_bot_ids`."""
    if not _written_by_a_bot(event):
        return None
    bot_id = bot_id_of(event)
    if bot_id is None:
        return "a bot's message, or one without a user, that names no bot ID"
    if bot_id in allowed_bot_ids:
        return None
    return f"written by bot {bot_id}, which SLACK_ALLOWED_BOT_IDS does not name"


def bot_id_of(event: dict[str, Any]) -> str | None:
    """The bot ID (B…) of the app that wrote the event, when Slack names one."""
    profile = event.get("bot_profile")
    profile_id = profile.get("id") if isinstance(profile, dict) else None
    return event.get("bot_id") or profile_id or None


def requester_of(event: dict[str, Any]) -> str:
    """Who the request is from: the event's user, else (an allowed bot with no user) its bot ID."""
    # An app's bot posts with a user of its own (U…/W…), a Slack user like any requester: the
    # card names it (users.info knows it) and "the requester may not decide" keeps its
    # meaning. Legacy bot messages carry no user; their bot ID is the one stable name of who
    # asked, so the card and the workflow's history still say which bot it was.
    return event.get("user") or bot_id_of(event) or ""


def _written_by_a_bot(event: dict[str, Any]) -> bool:
    return bool(
        event.get("bot_id")
        or event.get("bot_profile")
        or event.get("subtype") == BOT_MESSAGE_SUBTYPE
        or not event.get("user")
    )
