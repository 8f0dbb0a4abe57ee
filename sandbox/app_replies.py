"""Messages an app sends in answer to a person: a slash command's ack body and posts
to a response_url. Also Slack's own notices (Slackbot) when an app fails to answer.
"""

from typing import Any

from sandbox.block_validation import message_block_problems
from sandbox.context import Sandbox
from sandbox.directory import BOT, SLACKBOT_ID
from sandbox.messages import Message
from sandbox.normalize import with_ids


class ReplyProblem(Exception):
    """Why Slack would refuse an app's reply, as its error code."""


def post_reply(
    sandbox: Sandbox,
    reply: dict[str, Any],
    *,
    user: str,
    channel: str,
    thread_ts: str | None,
    original: Message | None,
) -> Message | None:
    """Shows `reply` ({text, blocks, response_type, replace_original, delete_original}) the
    way Slack does: replacing or deleting `original`, or as a new message; ephemeral to
    `user` unless `response_type` is in_channel. Raises ReplyProblem when Slack would refuse it."""
    workspace = sandbox.workspace
    if _true(reply.get("delete_original")):
        if original is not None:
            workspace.delete(original)
        return None
    text = reply.get("text") or ""
    blocks = reply.get("blocks")
    if blocks is not None and message_block_problems(blocks):
        raise ReplyProblem("invalid_blocks")
    if not text and not blocks:
        raise ReplyProblem("no_text")
    blocks = with_ids(blocks) if blocks else []
    if _true(reply.get("replace_original")) and original is not None:
        return workspace.update(original, text=text, blocks=blocks)
    in_channel = reply.get("response_type") == "in_channel"
    return workspace.post(
        channel=channel,
        user=BOT.id,
        text=text,
        blocks=blocks,
        thread_ts=reply.get("thread_ts") or thread_ts,
        visible_to=None if in_channel else user,
    )


def slackbot_notice(
    sandbox: Sandbox, *, user: str, channel: str, text: str, thread_ts: str | None = None
) -> None:
    """What Slack tells one person itself, e.g. that an app did not answer in time."""
    sandbox.workspace.post(channel=channel, user=SLACKBOT_ID, text=text, thread_ts=thread_ts, visible_to=user)


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
