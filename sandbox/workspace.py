"""The sandbox's state: the channel's messages, open modals, and what was handed out
(trigger IDs, response URLs) so later calls can be checked against it.

Every change is told to the observers (the live page, the state file), so the Web API
handlers and the page's actions only ever change state here.
"""

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from sandbox import ids
from sandbox.directory import TEAM_ID
from sandbox.messages import Message
from sandbox.render import FormState

log = logging.getLogger("countersign.sandbox")

# Slack: 3 s. The sandbox takes up to 30 s, so a bot paused in a debugger still gets its
# modal, and logs a warning after 3 s, since real Slack would have refused it.
TRIGGER_SLACK_SECONDS = 3
TRIGGER_VALID_SECONDS = 30
# Slack: a response_url works 5 times within 30 minutes.
HOOK_MAX_USES = 5
HOOK_VALID_SECONDS = 30 * 60


class Observer(Protocol):
    def message_changed(self, message: Message) -> None: ...
    def message_deleted(self, message: Message) -> None: ...
    def modal_changed(self, user: str) -> None: ...


@dataclass
class OpenView:
    """A modal as shown to one person: Slack's view object, what is typed, any errors."""

    view: dict[str, Any]
    user: str
    form: FormState = field(default_factory=FormState)
    notice: str | None = None


@dataclass
class Trigger:
    user: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseHook:
    """A response_url: who it answers, where, and (after a click) the message clicked."""

    user: str
    channel: str
    thread_ts: str | None
    source_ts: str | None
    issued_at: float
    uses: int = 0


class TriggerProblem(Exception):
    """Why a trigger_id cannot open a modal, as Slack's error code."""


class Workspace:
    def __init__(self, public_url: str, messages: list[Message] | None = None, last_ts: str = "0") -> None:
        self._public_url = public_url
        self.clock = ids.MessageClock(last_ts)
        self.messages: dict[str, Message] = {m.ts: m for m in messages or []}
        self.modals: dict[str, list[OpenView]] = {}
        self.triggers: dict[str, Trigger] = {}
        self.hooks: dict[str, ResponseHook] = {}
        self.observers: list[Observer] = []

    # Messages

    def post(self, **fields: Any) -> Message:
        message = Message(ts=self.clock.next(), **fields)
        self.messages[message.ts] = message
        self._message_changed(message)
        return message

    def update(self, message: Message, **changes: Any) -> Message:
        for name, value in changes.items():
            setattr(message, name, value)
        self._message_changed(message)
        return message

    def delete(self, message: Message) -> None:
        self.messages.pop(message.ts, None)
        for observer in self.observers:
            observer.message_deleted(message)

    def react(self, message: Message, name: str, user: str) -> bool:
        """Adds `user`'s reaction; False when they already reacted so (already_reacted)."""
        users = message.reactions.setdefault(name, [])
        if user in users:
            return False
        users.append(user)
        self._message_changed(message)
        return True

    def message(self, ts: str) -> Message | None:
        message = self.messages.get(ts)
        return message if message and not message.ephemeral else None

    def seen_by(self, user: str) -> list[Message]:
        return [m for m in self.messages.values() if m.seen_by(user)]

    def _message_changed(self, message: Message) -> None:
        for observer in self.observers:
            observer.message_changed(message)

    # Modals

    def issue_trigger(self, user: str) -> str:
        trigger_id = ids.trigger_id()
        self.triggers[trigger_id] = Trigger(user=user, issued_at=time.monotonic())
        return trigger_id

    def exchange_trigger(self, trigger_id: str) -> Trigger:
        """Uses up a trigger_id, or raises TriggerProblem with Slack's error code."""
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            raise TriggerProblem("invalid_trigger_id")
        if trigger.used:
            raise TriggerProblem("exchanged_trigger_id")
        age = time.monotonic() - trigger.issued_at
        if age > TRIGGER_VALID_SECONDS:
            raise TriggerProblem("expired_trigger_id")
        if age > TRIGGER_SLACK_SECONDS:
            log.warning(
                "A trigger_id was used %.1f s after the click; Slack refuses it after %d s",
                age,
                TRIGGER_SLACK_SECONDS,
            )
        trigger.used = True
        return trigger

    def modal_of(self, user: str) -> OpenView | None:
        stack = self.modals.get(user)
        return stack[-1] if stack else None

    def find_view(self, view_id: str | None = None, external_id: str | None = None) -> OpenView | None:
        for stack in self.modals.values():
            for shown in stack:
                if (view_id and shown.view["id"] == view_id) or (
                    external_id and shown.view.get("external_id") == external_id
                ):
                    return shown
        return None

    def open_modal(self, user: str, shown: OpenView, *, push: bool = False) -> None:
        """Shows a modal; `push` stacks it over the one open (views.push)."""
        stack = self.modals.setdefault(user, [])
        if not push:
            stack.clear()
        stack.append(shown)
        self.modal_changed(user)

    def close_modal(self, user: str, *, everything: bool = False) -> None:
        stack = self.modals.get(user, [])
        if everything:
            stack.clear()
        elif stack:
            stack.pop()
        self.modal_changed(user)

    def modal_changed(self, user: str) -> None:
        for observer in self.observers:
            observer.modal_changed(user)

    # Response URLs

    def issue_hook(
        self, kind: str, user: str, channel: str, thread_ts: str | None, source_ts: str | None
    ) -> str:
        token = f"{kind}/{TEAM_ID}/{ids.trigger_id().split('.')[0]}/{ids.secret()}"
        self.hooks[token] = ResponseHook(
            user=user, channel=channel, thread_ts=thread_ts, source_ts=source_ts, issued_at=time.time()
        )
        return f"{self._public_url}/hooks/{token}"
