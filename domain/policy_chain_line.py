"""The chain's progress for the card: "Manager ✓ @ana · Director 1/2 · CFO waiting".

Data first (`chain_progress`), so the card can draw it as it likes; two renderings: Slack
mrkdwn with live mentions, and plain text with people's names.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from domain.policy_progress import Chain, Progress, approvals_of, current_stage, needed, rejection
from domain.slack_text import escape, mention

SEPARATOR = " · "


class StageState(StrEnum):
    APPROVED = "approved"
    DECIDING = "deciding"
    """The current stage: its approvals so far out of those needed."""
    WAITING = "waiting"
    """After the current stage: its turn has not come."""
    SKIPPED = "skipped"
    """Its `when` did not hold for this request."""
    REJECTED = "rejected"
    NOT_REACHED = "not_reached"
    """The request was rejected before its turn."""


@dataclass(frozen=True)
class StageLine:
    name: str
    state: StageState
    approved_by: list[str] = field(default_factory=list)
    needed: int = 0
    rejected_by: str | None = None


def chain_progress(chain: Chain, progress: Progress) -> list[StageLine]:
    """Each stage of the policy, in order, with where it stands."""
    now = current_stage(chain, progress)
    rejected = rejection(progress)
    lines = []
    for index, stage in enumerate(chain.policy.stages):
        approved_by = approvals_of(progress, index)
        if not chain.applies[index]:
            state = StageState.SKIPPED
        elif rejected and rejected.stage == index:
            state = StageState.REJECTED
        elif rejected and rejected.stage < index:
            state = StageState.NOT_REACHED
        elif index == now:
            state = StageState.DECIDING
        elif now is not None and index > now and len(approved_by) < needed(chain, progress, index):
            # A later stage may already be approved: by its editor, after an edit that
            # sent the request back to the stages before.
            state = StageState.WAITING
        else:
            state = StageState.APPROVED
        lines.append(
            StageLine(
                name=stage.name,
                state=state,
                approved_by=approved_by,
                needed=needed(chain, progress, index),
                rejected_by=rejected.user if state is StageState.REJECTED and rejected else None,
            )
        )
    return lines


def chain_text(lines: list[StageLine]) -> str:
    """Slack mrkdwn: stage names escaped, people as live mentions."""
    return _render(lines, escape, mention)


def chain_plain(lines: list[StageLine], names: Mapping[str, str]) -> str:
    """Plain text, people by name (for a notification's text, or a plain_text element)."""
    return _render(lines, lambda name: name, lambda user: f"@{names.get(user) or user}")


def _render(lines: list[StageLine], stage_name: Callable[[str], str], person: Callable[[str], str]) -> str:
    def one(line: StageLine) -> str:
        name = stage_name(line.name)
        match line.state:
            case StageState.APPROVED:
                return f"{name} ✓ {', '.join(person(u) for u in line.approved_by)}".rstrip()
            case StageState.DECIDING:
                return f"{name} {len(line.approved_by)}/{line.needed}"
            case StageState.REJECTED:
                return f"{name} ✗ {person(line.rejected_by)}" if line.rejected_by else f"{name} ✗"
            case StageState.NOT_REACHED:
                return f"{name} not reached"
            case _:
                return f"{name} {line.state.value}"

    return SEPARATOR.join(one(line) for line in lines)
