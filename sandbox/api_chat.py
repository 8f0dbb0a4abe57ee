"""chat.* methods: messages the bot posts, updates, deletes and links to."""

import logging
import time
from typing import Any

from sandbox.context import Sandbox
from sandbox.directory import BOT, CHANNEL, channel, person
from sandbox.messages import Message
from sandbox.normalize import with_ids
from sandbox.web_api import ApiError, Args, Method

log = logging.getLogger("countersign.sandbox")


async def post_message(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    if (someone := person(args.text("channel") or "")) is not None and not someone.is_bot:
        return await _direct_message(sandbox, someone.id, args)
    where = _channel(args.text("channel"))
    text, blocks = _content(args)
    message = sandbox.workspace.post(
        channel=where,
        user=BOT.id,
        text=text,
        blocks=blocks or [],
        thread_ts=_thread(sandbox, args.text("thread_ts")),
        metadata=args.structure("metadata", "invalid_metadata_format"),
    )
    return {"channel": where, "ts": message.ts, "message": message.to_slack()}


async def _direct_message(sandbox: Sandbox, user: str, args: Args) -> dict[str, Any]:
    """A DM (a user ID as the channel). The sandbox has one channel and no DMs, so it shows
    there, to that person only, as an ephemeral message would be."""
    text, blocks = _content(args)
    message = sandbox.workspace.post(
        channel=CHANNEL.id, user=BOT.id, text=text, blocks=blocks or [], visible_to=user
    )
    return {"channel": f"D{user[1:]}", "ts": message.ts, "message": message.to_slack()}


async def update(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    where = _channel(args.text("channel"))
    message = _bot_message(sandbox, where, args.required("ts", "message_not_found"), "cant_update_message")
    text = args.text("text")
    blocks = args.blocks()
    if text is None and blocks is None:
        raise ApiError("no_text")
    changes: dict[str, Any] = {"edited_ts": f"{time.time():.6f}"}
    if text is not None:
        changes["text"] = text
    # Slack keeps a message's blocks when the update leaves `blocks` out.
    if blocks is not None:
        changes["blocks"] = with_ids(blocks)
    sandbox.workspace.update(message, **changes)
    return {"channel": where, "ts": message.ts, "text": message.text, "message": message.to_slack()}


async def delete(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    where = _channel(args.text("channel"))
    message = _bot_message(sandbox, where, args.required("ts", "message_not_found"), "cant_delete_message")
    sandbox.workspace.delete(message)
    return {"channel": where, "ts": message.ts}


async def post_ephemeral(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    where = _channel(args.text("channel"))
    user = person(args.required("user", "user_not_in_channel"))
    if user is None or user.is_bot:
        raise ApiError("user_not_in_channel")
    text, blocks = _content(args)
    message = sandbox.workspace.post(
        channel=where,
        user=BOT.id,
        text=text,
        blocks=blocks or [],
        thread_ts=_thread(sandbox, args.text("thread_ts")),
        visible_to=user.id,
    )
    return {"message_ts": message.ts}


async def get_permalink(sandbox: Sandbox, args: Args) -> dict[str, Any]:
    where = _channel(args.text("channel"))
    message = sandbox.workspace.message(args.required("message_ts", "message_not_found"))
    if message is None or message.channel != where:
        raise ApiError("message_not_found")
    return {"channel": where, "permalink": permalink(sandbox.settings.public_url, message)}


def permalink(public_url: str, message: Message) -> str:
    """Slack's link shape, /archives/C…/p<ts without the dot>, served by the page."""
    link = f"{public_url}/archives/{message.channel}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={message.channel}"
    return link


def _channel(channel_id_or_name: str | None) -> str:
    found = channel(channel_id_or_name or "")
    if found is None:
        raise ApiError("channel_not_found")
    return found.id


def _content(args: Args) -> tuple[str, list[dict[str, Any]] | None]:
    text = args.text("text") or ""
    blocks = args.blocks()
    if not text and not blocks and not args.text("attachments"):
        raise ApiError("no_text")
    return text, with_ids(blocks) if blocks else None


def _thread(sandbox: Sandbox, thread_ts: str | None) -> str | None:
    """The thread's root: a reply to a reply goes to the root, as in Slack."""
    if thread_ts is None:
        return None
    parent = sandbox.workspace.message(thread_ts)
    if parent is None:
        log.warning("thread_ts %s names no message in #%s; posting at the top level", thread_ts, CHANNEL.name)
        return None
    return parent.thread_ts or parent.ts


def _bot_message(sandbox: Sandbox, where: str, ts: str, not_ours: str) -> Message:
    message = sandbox.workspace.message(ts)
    if message is None or message.channel != where:
        raise ApiError("message_not_found")
    if not message.from_bot:
        raise ApiError(not_ours)
    return message


METHODS: dict[str, Method] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.delete": delete,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
}
