"""What the card says about a request's chain: its stages, who may decide the current one
and until when, reminders and escalation.

Our own mrkdwn only: stage names (the catalog's) escaped, people as mentions we write.
A request without a chain is drawn as before, by `approval_card`.
"""

from collections.abc import Mapping

from domain.models import Approval, ApprovalStatus
from domain.policy_chain_line import chain_progress, chain_text
from domain.policy_decisions import who_may_decide
from domain.policy_progress import Chain, Progress, current, current_stage, deciders, stage_members
from domain.slack_text import escape, mention, slack_date

# A fallback text names this many people; the rest are counted.
NAMED_BY_NAME_MAX = 5


def chain_and_progress(card: Approval) -> tuple[Chain, Progress] | None:
    chain = card.request.chain
    return None if chain is None else (chain, card.progress or Progress())


def has_stages(chain: Chain) -> bool:
    """Whether the chain is worth a line: one stage needing one approval (the `approvers:`
    shorthand) has nothing to show beyond who may decide."""
    stages = chain.policy.stages
    return len(stages) > 1 or stages[0].needs_all or stages[0].needs > 1


def stages_line(chain: Chain, progress: Progress) -> str:
    """'Manager ✓ @ana · CFO 0/1' (mrkdwn)."""
    return chain_text(chain_progress(chain, progress))


def who_may_decide_now(chain: Chain, progress: Progress) -> str:
    """Who may decide the current stage, and which stage it is when there are several."""
    index = current_stage(chain, progress)
    who = who_may_decide(deciders(chain, progress))
    if index is None or len(chain.policy.stages) == 1:
        return who
    return f"{who} ({escape(chain.policy.stages[index].name)} stage)"


def deadline_field(card: Approval, chain: Chain, progress: Progress) -> tuple[str, str]:
    """The label and text of the pending card's deadline: it expires there, or (a stage
    that escalates, not yet escalated) it goes to more people there."""
    stage = current(chain, progress)
    index = current_stage(chain, progress)
    when = slack_date(card.expires_at)
    if stage is not None and stage.escalate_to and index not in progress.escalated:
        to = ", ".join(mention(u) for u in stage.escalate_to)
        return "Escalates", f"{when}: then {to} can decide it too"
    return "Expires", when


def pending_notes(card: Approval, chain: Chain, progress: Progress) -> list[str]:
    """What happened to the current stage while it waited: an escalation, a reminder."""
    stage = current(chain, progress)
    index = current_stage(chain, progress)
    if card.status is not ApprovalStatus.PENDING or stage is None:
        return []
    notes = []
    if index in progress.escalated:
        name = f"The {escape(stage.name)} stage" if len(chain.policy.stages) > 1 else "This approval"
        to = ", ".join(mention(u) for u in stage.escalate_to)
        notes.append(f":arrow_double_up: {name} reached its deadline, so {to} can decide it too.")
    if card.reminded_at:
        notes.append(f":bell: Those who have not decided were reminded at {slack_date(card.reminded_at)}.")
    return notes


def who_by_name(chain: Chain, progress: Progress, names: Mapping[str, str]) -> str:
    """'Grace Hopper', 'Anyone but Ada Lovelace': the fallback text's, in names only."""
    now = deciders(chain, progress)
    if now.anyone:
        return "Anyone but " + ", ".join(names.get(u) or u for u in now.excluded)
    if not now.users:
        return "Nobody left"
    shown = [names.get(u) or u for u in now.users[:NAMED_BY_NAME_MAX]]
    if len(now.users) > NAMED_BY_NAME_MAX:
        return f"{', '.join(shown)} and {len(now.users) - NAMED_BY_NAME_MAX} others"
    return " or ".join([", ".join(shown[:-1]), shown[-1]]) if len(shown) > 1 else shown[0]


def people_in_chain(chain: Chain) -> list[str]:
    """Everyone the card may name for the chain: members, escalations."""
    people = [u for i in range(len(chain.policy.stages)) for u in stage_members(chain, i)]
    people += [u for stage in chain.policy.stages for u in stage.escalate_to]
    return list(dict.fromkeys(people))
