"""Who and where: auth.test, users.info, usergroups.users.list, conversations.info / invite,
reactions.add."""

import re
from typing import Any

from sandbox.context import Sandbox
from sandbox.directory import BOT, CHANNEL, PEOPLE, TEAM_ID, TEAM_NAME, USER_GROUPS, Person, channel, person
from sandbox.web_api import ApiError, Args, Method

_REACTION_NAME = re.compile(r"^[a-z0-9_+\-']+$")
# When the sandbox's workspace "was created": fixed, so answers do not change between runs.
CREATED = 1_700_000_000


async def auth_test(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    return {
        "url": f"{sandbox.settings.public_url}/",
        "team": TEAM_NAME,
        "user": BOT.name,
        "team_id": TEAM_ID,
        "user_id": BOT.id,
        "bot_id": BOT.bot_id,
        "is_enterprise_install": False,
    }


async def users_info(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    found = person(args.required("user", "user_not_found"))
    if found is None:
        raise ApiError("user_not_found")
    return {"user": user_object(found)}


async def usergroups_users_list(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    group = USER_GROUPS.get(args.required("usergroup", "no_such_subteam"))
    if group is None:
        raise ApiError("no_such_subteam")
    return {"users": list(group)}


async def conversations_info(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    if channel(args.required("channel", "channel_not_found")) is None:
        raise ApiError("channel_not_found")
    return {"channel": channel_object()}


async def conversations_invite(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    if channel(args.required("channel", "channel_not_found")) is None:
        raise ApiError("channel_not_found")
    invited = [u.strip() for u in args.required("users", "no_user").split(",") if u.strip()]
    if BOT.id in invited:
        raise ApiError("cant_invite_self")
    if any(person(u) is None for u in invited):
        raise ApiError("user_not_found")
    # Everyone in the sandbox is already a member of its one channel.
    raise ApiError("already_in_channel")


async def reactions_add(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    if channel(args.required("channel", "channel_not_found")) is None:
        raise ApiError("channel_not_found")
    name = args.required("name", "invalid_name").strip(":")
    if not _REACTION_NAME.match(name):
        raise ApiError("invalid_name")
    message = sandbox.workspace.message(args.required("timestamp", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    if not sandbox.workspace.react(message, name, BOT.id):
        raise ApiError("already_reacted")
    return {}


def user_object(who: Person) -> dict[str, Any]:
    """users.info's `user`, with the fields of Slack's own example answer."""
    first, _, last = who.real_name.partition(" ")
    profile: dict[str, Any] = {
        "avatar_hash": f"sandbox{who.id.lower()}",
        # What the page shows for a mention of them (directory.display_name), as Slack
        # shows the display name; the handle is `name`.
        "display_name": who.real_name,
        "display_name_normalized": who.real_name,
        "email": f"{who.name}@{TEAM_ID.lower()}.example.com",
        "first_name": first,
        "last_name": last,
        "real_name": who.real_name,
        "real_name_normalized": who.real_name,
        "status_emoji": "",
        "status_text": who.role,
        "team": TEAM_ID,
        **{f"image_{size}": "" for size in (24, 32, 48, 72, 192, 512)},
        "image_original": "",
    }
    if who.bot_id:
        profile |= {"bot_id": who.bot_id, "api_app_id": "", "always_active": True}
    return {
        "id": who.id,
        "team_id": TEAM_ID,
        "name": who.name,
        "deleted": False,
        "color": who.color,
        "real_name": who.real_name,
        "tz": "Europe/London",
        "tz_label": "Greenwich Mean Time",
        "tz_offset": 0,
        "profile": profile,
        "is_admin": who is PEOPLE[0],
        "is_owner": who is PEOPLE[0],
        "is_primary_owner": who is PEOPLE[0],
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": who.is_bot,
        "is_app_user": False,
        "has_2fa": False,
        "updated": CREATED,
    }


def channel_object() -> dict[str, Any]:
    return {
        "id": CHANNEL.id,
        "name": CHANNEL.name,
        "name_normalized": CHANNEL.name,
        "is_channel": True,
        "is_group": False,
        "is_im": False,
        "is_mpim": False,
        "is_private": False,
        "is_archived": False,
        "is_general": False,
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "is_member": True,
        "created": CREATED,
        "creator": PEOPLE[0].id,
        "context_team_id": TEAM_ID,
        "topic": {"value": CHANNEL.topic, "creator": PEOPLE[0].id, "last_set": CREATED},
        "purpose": {"value": CHANNEL.topic, "creator": PEOPLE[0].id, "last_set": CREATED},
        "num_members": len(PEOPLE) + 1,
    }


METHODS: dict[str, Method] = {
    "auth.test": auth_test,
    "users.info": users_info,
    "usergroups.users.list": usergroups_users_list,
    "conversations.info": conversations_info,
    "conversations.invite": conversations_invite,
    "reactions.add": reactions_add,
}
