"""Who may decide an approval, and what to tell someone who may not.

The workflow enforces these rules; the bot uses the same function to answer a click at
once, before it signals. Pure code: safe inside the workflow sandbox.
"""

from domain.models import Approval, ApprovalRequest, ApprovalStatus, ClickOrigin, Decision
from domain.policy_decisions import APPROVERS_NAMED_MAX, REQUESTER_REFUSAL, refusal
from domain.policy_progress import Progress
from domain.slack_text import mention, slack_date

STATUS_EMOJI = {
    ApprovalStatus.APPROVED: ":white_check_mark:",
    ApprovalStatus.REJECTED: ":x:",
    ApprovalStatus.EXPIRED: ":hourglass:",
    ApprovalStatus.CANCELLED: ":no_entry_sign:",
    ApprovalStatus.WITHDRAWN: ":leftwards_arrow_with_hook:",
}

# APPROVERS_NAMED_MAX and the requester's refusal are the policy's own; the card and the
# `/approvals` list import them from here as before.


def decision_line(status: ApprovalStatus, decision: Decision | None) -> str:
    """'Approved by @x at …', 'Rejected by @x at …', 'Withdrawn by @requester at …', 'Expired',
    'Cancelled', as Slack mrkdwn.

    A rejection's reason is not in it: it is the rejecter's text, drawn inert on its own.
    """
    if status is ApprovalStatus.CANCELLED:
        return "Cancelled before anyone decided; nothing will run"
    if status is ApprovalStatus.EXPIRED or decision is None:
        return "Expired"
    verb = _verb(status, decision)
    who = f"by {mention(decision.decided_by)}" if decision.decided_by else "through Temporal"
    return f"{verb} {who} at {slack_date(decision.decided_at)}"


def decision_for_model(status: ApprovalStatus, decision: Decision | None) -> str:
    """The decision in plain words for the model: no Slack syntax it could repeat."""
    if status is ApprovalStatus.CANCELLED:
        return "Cancelled before anyone decided; nothing will run"
    if status is ApprovalStatus.EXPIRED or decision is None:
        return "Expired: nobody decided in time"
    if status is ApprovalStatus.WITHDRAWN:
        return (
            f"Withdrawn by the requester (Slack user {decision.decided_by}) at "
            f"{decision.decided_at:%Y-%m-%d %H:%M} UTC, before anyone decided it"
        )
    verb = _verb(status, decision)
    who = f"by Slack user {decision.decided_by}" if decision.decided_by else "through Temporal"
    line = f"{verb} {who} at {decision.decided_at:%Y-%m-%d %H:%M} UTC"
    return f"{line}, reason given: {decision.reason!r}" if decision.reason else line


def _verb(status: ApprovalStatus, decision: Decision) -> str:
    if status is ApprovalStatus.WITHDRAWN:
        return "Withdrawn"
    return "Approved" if decision.approved else "Rejected"


def who_may_decide(request: ApprovalRequest) -> str:
    if not request.approvers:
        return f"anyone but {mention(request.requester)}"
    # Naming only the requester leaves nobody: that is not widened to "anyone".
    others = [u for u in request.approvers if u != request.requester]
    named = ", ".join(mention(u) for u in others[:APPROVERS_NAMED_MAX])
    if len(others) > APPROVERS_NAMED_MAX:
        named += f" and {len(others) - APPROVERS_NAMED_MAX} more"
    return named or "nobody (only the requester is named)"


def refusal_for(state: Approval, user: str) -> str | None:
    """Why `user` may not decide this approval now, or None when they may."""
    if state.status is ApprovalStatus.EXPIRED:
        return f"This approval expired at {slack_date(state.expires_at)}."
    if state.status is ApprovalStatus.CANCELLED:
        return "This approval was cancelled; nothing will run."
    if state.status is not ApprovalStatus.PENDING:
        line = decision_line(state.status, state.decision)
        return f"Already {line[0].lower()}{line[1:]}."
    if (chain := state.request.chain) is not None:
        # The policy's own refusals, so the bot's answer and the workflow's agree word for word.
        return refusal(chain, state.progress or Progress(), user)
    if user == state.request.requester:
        return REQUESTER_REFUSAL
    approvers = state.request.approvers
    if approvers and user not in approvers:
        return f"Only {who_may_decide(state.request)} can decide this approval."
    return None


def withdrawal_refusal(state: Approval, user: str) -> str | None:
    """Why `user` may not withdraw this approval now: only its requester may, and only while
    nobody has decided it ("Already approved by …" once someone has)."""
    if state.status is not ApprovalStatus.PENDING:
        return refusal_for(state, user)
    if user != state.request.requester:
        return f"Only {mention(state.request.requester)}, who asked for this, can withdraw it."
    return None


REASON_REQUIRED = "This request needs a reason to be rejected."
NOT_ITS_CARD = (
    "That button is not on this approval's card, so it cannot decide it. "
    "Decide on the card itself, or from `/approvals`."
)
NO_ORIGIN = "This decision did not say which card it was made on, so it cannot count."


def origin_refusal(state: Approval, origin: ClickOrigin | None) -> str | None:
    """Why a click made at `origin` cannot decide this approval: it counts only on the
    approval's own card, or in an `/approvals` list that showed it."""
    if origin is None:
        return NO_ORIGIN
    if origin.from_list:
        return None
    if (origin.channel, origin.message_ts) != (state.request.channel, state.message_ts):
        return NOT_ITS_CARD
    return None


def refusal_of(state: Approval, user: str, approved: bool, reason: str) -> str | None:
    """Why this decision cannot be taken: who decides, and a rejection's required reason."""
    if refusal := refusal_for(state, user):
        return refusal
    if not approved and state.request.reason_required and not reason.strip():
        return REASON_REQUIRED
    return None
