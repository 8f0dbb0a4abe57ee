"""Which approvals a `/approvals` list shows (pending ones, or `history`: decided ones): the
sub-command, read and turned into a Temporal visibility query, and where a "Next" click
takes up the list again.
"""

import base64
import json
import re
from dataclasses import dataclass
from enum import StrEnum

from domain import search_attributes as sa
from domain.models import ApprovalStatus


class Scope(StrEnum):
    TO_DECIDE = "to_decide"
    MINE = "mine"
    ALL = "all"
    CHANNEL = "channel"
    HISTORY = "history"
    """Decided requests the user asked for or decided, with their outcomes."""


# Every way an approval ends: what `/approvals history` lists.
ENDED = (
    ApprovalStatus.APPROVED,
    ApprovalStatus.REJECTED,
    ApprovalStatus.EXPIRED,
    ApprovalStatus.WITHDRAWN,
    ApprovalStatus.CANCELLED,
)


@dataclass(frozen=True)
class Listing:
    """A list of approvals as `user` asked for it."""

    scope: Scope
    user: str
    channel: str | None = None
    """The channel ID, for Scope.CHANNEL."""

    def visibility_query(self) -> str:
        if self.scope is Scope.HISTORY:
            return self._history_query()
        # ExecutionStatus too: a terminated approval keeps its last ApprovalStatus forever.
        clauses = [
            f"{sa.APPROVAL_STATUS.name} = '{ApprovalStatus.PENDING.value}'",
            "ExecutionStatus = 'Running'",
        ]
        if self.scope is Scope.TO_DECIDE:
            user = _slack_id(self.user)
            clauses += [
                f"{sa.APPROVAL_APPROVERS.name} IN ('{user}', '{sa.ANYONE}')",
                # ANYONE means anyone but the requester.
                f"{sa.APPROVAL_REQUESTER.name} != '{user}'",
            ]
        elif self.scope is Scope.MINE:
            clauses.append(f"{sa.APPROVAL_REQUESTER.name} = '{_slack_id(self.user)}'")
        elif self.scope is Scope.CHANNEL:
            clauses.append(f"{sa.APPROVAL_CHANNEL.name} = '{_slack_id(self.channel or '')}'")
        return " AND ".join(clauses)

    def _history_query(self) -> str:
        # One query for both roles, so one list pages with one token: the requester never
        # decides their own request, so an approval is in it once, in one role. Visibility
        # lists closed workflows by close time, newest first; one still finishing (its card
        # being redrawn) comes first, as the newest.
        user = _slack_id(self.user)
        ended = ", ".join(f"'{status.value}'" for status in ENDED)
        return (
            f"{sa.APPROVAL_STATUS.name} IN ({ended}) AND "
            f"({sa.APPROVAL_REQUESTER.name} = '{user}' OR {sa.APPROVAL_DECIDED_BY.name} = '{user}')"
        )


@dataclass(frozen=True)
class HelpRequest:
    """`/approvals help`, or a sub-command that needs the help text and a word of why."""

    problem: str | None = None


# With `should_escape: true` (slack_manifest.yml) Slack sends a channel picked from the
# autocomplete as <#C123|name>, or <#C123> when it has no name to add.
_CHANNEL_MENTION = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>")


def parse_approvals_command(text: str, user: str) -> Listing | HelpRequest:
    """What `/approvals <text>` from `user` asks for."""
    words = text.split()
    if not words:
        return Listing(Scope.TO_DECIDE, user)
    if len(words) == 1:
        word = words[0]
        if word.lower() in ("mine", "all", "history"):
            return Listing(Scope(word.lower()), user)
        if word.lower() == "help":
            return HelpRequest()
        if match := _CHANNEL_MENTION.fullmatch(word):
            return Listing(Scope.CHANNEL, user, channel=match.group(1))
        if word.startswith("#"):
            # A typed name is not an ID, and looking names up needs a scope the bot lacks.
            return HelpRequest(
                f"Pick `{word}` from the list Slack suggests as you type `#`, so I get the channel itself."
            )
    return HelpRequest(f"I don't know `/approvals {text.strip()}`.")


@dataclass(frozen=True)
class PageCursor:
    """Where the next page of a list starts; it travels in the "Next" button's value."""

    scope: Scope
    channel: str | None
    shown: int
    """How many approvals the pages before showed."""
    page_token: bytes

    def to_button_value(self) -> str:
        return json.dumps(
            {
                "scope": self.scope.value,
                "channel": self.channel,
                "shown": self.shown,
                "token": base64.b64encode(self.page_token).decode(),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_button_value(cls, value: str) -> "PageCursor":
        data = json.loads(value)
        return cls(
            scope=Scope(data["scope"]),
            channel=data["channel"],
            shown=int(data["shown"]),
            page_token=base64.b64decode(data["token"]),
        )

    def view_for(self, user: str) -> Listing:
        """The list this cursor continues, for `user` (the only one who sees an ephemeral list)."""
        return Listing(self.scope, user, self.channel)


def _slack_id(value: str) -> str:
    # IDs go into the query as literals: anything but a Slack ID's characters is refused
    # rather than escaped.
    if not re.fullmatch(r"[A-Z0-9]+", value):
        raise ValueError(f"not a Slack ID: {value!r}")
    return value
