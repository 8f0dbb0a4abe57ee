"""A message in the sandbox's channel, and how Slack describes one in its API answers."""

from dataclasses import asdict, dataclass, field
from typing import Any

from sandbox.directory import APP_ID, BOT, TEAM_ID


@dataclass
class Message:
    ts: str
    channel: str
    user: str
    """Author: a person's ID, the bot user's, or USLACKBOT for Slack's own notices."""
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    """The thread's first message; None for a top-level message."""
    visible_to: str | None = None
    """Ephemeral: the one person who sees it (never stored by Slack, gone on reload there)."""
    reactions: dict[str, list[str]] = field(default_factory=dict)
    edited_ts: str | None = None
    metadata: dict[str, Any] | None = None

    @property
    def ephemeral(self) -> bool:
        return self.visible_to is not None

    @property
    def from_bot(self) -> bool:
        return self.user == BOT.id

    def seen_by(self, user: str) -> bool:
        return self.visible_to is None or self.visible_to == user

    def to_slack(self) -> dict[str, Any]:
        """The message object Slack returns (chat.postMessage, block_actions' `message`)."""
        message: dict[str, Any] = {
            "type": "message",
            "user": self.user,
            "text": self.text,
            "ts": self.ts,
            "team": TEAM_ID,
        }
        if self.blocks:
            message["blocks"] = self.blocks
        if self.from_bot:
            message |= {
                "bot_id": BOT.bot_id,
                "app_id": APP_ID,
                "bot_profile": {
                    "id": BOT.bot_id,
                    "app_id": APP_ID,
                    "name": BOT.real_name,
                    "deleted": False,
                    "team_id": TEAM_ID,
                },
            }
        if self.thread_ts and self.thread_ts != self.ts:
            message["thread_ts"] = self.thread_ts
        if self.edited_ts:
            message["edited"] = {"user": self.user, "ts": self.edited_ts}
        if self.reactions:
            message["reactions"] = [
                {"name": name, "users": users, "count": len(users)} for name, users in self.reactions.items()
            ]
        if self.metadata:
            message["metadata"] = self.metadata
        return message

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Message":
        return cls(**record)
