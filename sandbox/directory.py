"""The sandbox's one workspace: its team, its channel, its people and the bot.

IDs have Slack's shapes (T…, C…, U…, B…, A…) so code that checks or logs them behaves
as it would in Slack. Three people are enough to try every rule: a requester, who may
not approve their own request, and two approvers.
"""

from dataclasses import dataclass

TEAM_ID = "T0SANDBOX1"
TEAM_NAME = "Countersign Sandbox"
TEAM_DOMAIN = "countersign-sandbox"
APP_ID = "A0CNTRSIGN"
SLACKBOT_ID = "USLACKBOT"
# What Slack still sends as `token` in requests (the deprecated verification token).
VERIFICATION_TOKEN = "sandbox-verification-token"
# Only the first part of a request's text before a space is a command.
SLASH_COMMANDS = {"/approvals": "List approvals waiting for you, and decide them"}

# `@channel`, `@here`, `@everyone`: Slack's broadcasts, typed like a name, sent as <!here>.
BROADCASTS = ("channel", "here", "everyone")


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    """The handle typed after @ (Slack's `name`)."""
    real_name: str
    role: str
    """What this person is for when trying the flow."""
    color: str
    is_bot: bool = False
    bot_id: str | None = None

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.real_name.split()[:2]).upper()


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    topic: str


BOT = Person(
    id="U0CNTRSIGN",
    name="countersign",
    real_name="Countersign",
    role="the bot",
    color="1d3557",
    is_bot=True,
    bot_id="B0CNTRSIGN",
)
SLACKBOT = Person(id=SLACKBOT_ID, name="slackbot", real_name="Slackbot", role="Slack", color="4a154b")
PEOPLE = (
    Person(id="U01ADALOVE", name="ada", real_name="Ada Lovelace", role="requester", color="e07a5f"),
    Person(id="U02GRACEHO", name="grace", real_name="Grace Hopper", role="approver", color="3d405b"),
    Person(id="U03ALANTUR", name="alan", real_name="Alan Turing", role="approver", color="81b29a"),
)
CHANNEL = Channel(id="C0PAYMENTS", name="payments", topic="Payments that need a second pair of eyes")
# User groups (usergroups.users.list), as actions.example.yml's policies name them.
USER_GROUPS = {
    "S0SECURITY": ("U02GRACEHO", "U03ALANTUR"),
    "S0COMMS": ("U02GRACEHO",),
}


def person(user_id: str) -> Person | None:
    return next((p for p in (*PEOPLE, BOT, SLACKBOT) if p.id == user_id), None)


def person_named(handle: str) -> Person | None:
    """Who `@handle` means: a person's handle, or the bot's display name."""
    handle = handle.lower()
    return next((p for p in (*PEOPLE, BOT) if handle in (p.name, p.real_name.lower())), None)


def display_name(user_or_channel_id: str) -> str:
    """How the Slack client shows an ID in text: a person's name, a channel's name."""
    if user_or_channel_id == CHANNEL.id:
        return CHANNEL.name
    found = person(user_or_channel_id)
    return found.real_name if found else user_or_channel_id


def channel(channel_id_or_name: str) -> Channel | None:
    """Slack takes a channel's ID, or (chat.postMessage) its name with or without '#'."""
    if channel_id_or_name in (CHANNEL.id, CHANNEL.name, f"#{CHANNEL.name}"):
        return CHANNEL
    return None
