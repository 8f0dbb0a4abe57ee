"""Slack user groups a policy names, and their members as Slack answered when asked."""

from dataclasses import dataclass, field


@dataclass
class UserGroups:
    groups: list[str]
    """Slack user-group IDs (S…)."""


@dataclass
class GroupMembers:
    members: dict[str, list[str]] = field(default_factory=dict)
    """Each group's member user IDs, in Slack's order."""
