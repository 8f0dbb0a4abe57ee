"""Keeps the channel's messages in a file, so a restart finds its cards where they were.

Temporal keeps pending approvals across `make run` restarts; without this the sandbox
would come back empty and the bot's chat.update of a waiting card would fail with
message_not_found. Ephemeral messages are not kept: Slack does not keep them either.
"""

import asyncio
import json
import logging
import os
from pathlib import Path

from sandbox.messages import Message
from sandbox.workspace import Workspace

log = logging.getLogger("countersign.sandbox")

# Writes are gathered: a burst of changes (a card posted and reacted to) is one write.
SAVE_DELAY_SECONDS = 0.2


def load_messages(path: Path) -> tuple[list[Message], str]:
    """The kept messages and the last ts handed out; nothing when there is no file yet."""
    if not path.is_file():
        return [], "0"
    try:
        kept = json.loads(path.read_text())
        return [Message.from_record(r) for r in kept["messages"]], kept["last_ts"]
    except (ValueError, KeyError, TypeError):
        aside = path.with_suffix(".unreadable.json")
        path.replace(aside)
        log.warning("Could not read %s; moved it to %s and started with an empty channel", path, aside)
        return [], "0"


class StateFile:
    """A workspace observer that writes its messages to `path` shortly after each change."""

    def __init__(self, workspace: Workspace, path: Path) -> None:
        self._workspace = workspace
        self._path = path
        self._pending: asyncio.TimerHandle | None = None
        workspace.observers.append(self)

    def message_changed(self, message: Message) -> None:
        if not message.ephemeral:
            self._schedule()

    def message_deleted(self, message: Message) -> None:
        self.message_changed(message)

    def modal_changed(self, user: str) -> None:
        pass

    def save(self) -> None:
        self._pending = None
        kept = {
            "last_ts": self._workspace.clock.last,
            "messages": [m.to_record() for m in self._workspace.messages.values() if not m.ephemeral],
        }
        self._path.parent.mkdir(parents=True, exist_ok=True)
        partial = self._path.with_suffix(".partial")
        partial.write_text(json.dumps(kept))
        # Atomic on POSIX: a crash mid-write leaves the previous file, never half of one.
        os.replace(partial, self._path)

    def flush(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self.save()

    def _schedule(self) -> None:
        if self._pending is None:
            self._pending = asyncio.get_running_loop().call_later(SAVE_DELAY_SECONDS, self.save)
