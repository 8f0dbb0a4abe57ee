"""What a person types in the message box: a message, a mention of the bot, a command.

Slack's client escapes `&`, `<` and `>`, turns `@handle` (or `@Full Name`) into `<@U…>`
and `@channel` / `@here` / `@everyone` into `<!channel>` / `<!here>` / `<!everyone>`, and
sends a message that mentions the bot to the app as an `app_mention` event; a text that
starts with `/` is a slash command, POSTed to the app as a form.
"""

import html
import logging
import re

from sandbox.app_replies import ReplyProblem, post_reply, slackbot_notice
from sandbox.context import Sandbox
from sandbox.directory import BOT, BROADCASTS, CHANNEL, PEOPLE, SLASH_COMMANDS, Person, person_named
from sandbox.messages import Message
from sandbox.payloads import app_mention_envelope, slash_command_form

log = logging.getLogger("countersign.sandbox")


def _mentionable() -> re.Pattern[str]:
    """`@` and any name that means someone, longest first: `@Grace Hopper` is one mention
    of Grace, not a mention of `@Grace` followed by the word "Hopper"."""
    names = {name for p in (*PEOPLE, BOT) for name in (p.name, p.real_name)} | set(BROADCASTS)
    choices = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    # Not inside a word (ada@here.com is an address) and not the start of a longer name.
    return re.compile(rf"(?<!\w)@({choices})(?!\w)", re.IGNORECASE)


_MENTIONABLE = _mentionable()


def slack_text(typed: str) -> str:
    """The text Slack stores for what was typed: escaped, with mentions as <@U…> and
    broadcasts as <!here>."""

    def mention(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        if name in BROADCASTS:
            return f"<!{name}>"
        found = person_named(name)
        return f"<@{found.id}>" if found else match.group(0)

    return _MENTIONABLE.sub(mention, html.escape(typed, quote=False))


async def compose(sandbox: Sandbox, author: Person, typed: str, thread_ts: str | None) -> None:
    typed = typed.strip()
    if not typed:
        return
    if typed.startswith("/"):
        command, _, text = typed.partition(" ")
        await run_command(sandbox, author, command, text.strip())
        return
    root = sandbox.workspace.message(thread_ts) if thread_ts else None
    message = sandbox.workspace.post(
        channel=CHANNEL.id,
        user=author.id,
        text=slack_text(typed),
        thread_ts=(root.thread_ts or root.ts) if root else None,
    )
    if f"<@{BOT.id}>" in message.text:
        sandbox.in_background(_deliver_mention(sandbox, message))


async def _deliver_mention(sandbox: Sandbox, message: Message) -> None:
    answer = await sandbox.bot.send_event(app_mention_envelope(message))
    if not answer.ok:
        slackbot_notice(
            sandbox,
            user=message.user,
            channel=message.channel,
            thread_ts=message.thread_ts,
            text=f"(sandbox) {BOT.real_name} did not get this mention: the bot {answer.describe()}.",
        )


async def run_command(sandbox: Sandbox, author: Person, command: str, text: str) -> None:
    if command not in SLASH_COMMANDS:
        slackbot_notice(
            sandbox,
            user=author.id,
            channel=CHANNEL.id,
            text=f"`{command}` is not a valid command. In Slack, all messages that start with "
            'the "/" character are interpreted as commands.',
        )
        return
    workspace = sandbox.workspace
    form = slash_command_form(
        author,
        command,
        text,
        response_url=workspace.issue_hook("commands", author.id, CHANNEL.id, None, None),
        trigger_id=workspace.issue_trigger(author.id),
    )
    answer = await sandbox.bot.send_command(form)
    if not answer.ok:
        failure = "operation_timeout" if answer.failure == "operation_timeout" else "dispatch_failed"
        slackbot_notice(
            sandbox, user=author.id, channel=CHANNEL.id, text=f'{command} failed with the error "{failure}"'
        )
        return
    if not answer.body.strip():
        return
    # An ack with a body is the command's first reply: JSON {text, blocks, response_type}, or text.
    reply = answer.json() or {"text": answer.body}
    try:
        post_reply(sandbox, reply, user=author.id, channel=CHANNEL.id, thread_ts=None, original=None)
    except ReplyProblem as problem:
        slackbot_notice(
            sandbox, user=author.id, channel=CHANNEL.id, text=f'{command} failed with the error "{problem}"'
        )
