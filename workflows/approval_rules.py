"""Who may decide an approval, and what to tell someone who may not.

The workflow enforces these rules; the bot uses the same function to answer a click at
once, before it signals. Pure code: safe inside the workflow sandbox.
"""

from blocks.slack_format import escape, mention, slack_date
from workflows.models import ApprovalRequest, ApprovalState, ApprovalStatus, Decision

STATUS_EMOJI = {
    ApprovalStatus.APPROVED: ":white_check_mark:",
    ApprovalStatus.REJECTED: ":x:",
    ApprovalStatus.EXPIRED: ":hourglass:",
    ApprovalStatus.CANCELLED: ":no_entry_sign:",
}


def decision_line(status: ApprovalStatus, decision: Decision | None) -> str:
    """'Approved by @x at …', 'Rejected by @x at …: reason', 'Expired', 'Cancelled'."""
    if status is ApprovalStatus.CANCELLED:
        return "Cancelled before anyone decided; nothing will run"
    if status is ApprovalStatus.EXPIRED or decision is None:
        return "Expired"
    verb = "Approved" if decision.approved else "Rejected"
    who = f"by {mention(decision.decided_by)}" if decision.decided_by else "through Temporal"
    line = f"{verb} {who} at {slack_date(decision.decided_at)}"
    if decision.reason:
        line += f": {escape(decision.reason)}"
    return line


def who_may_decide(request: ApprovalRequest) -> str:
    if not request.approvers:
        return f"anyone but {mention(request.requester)}"
    # Naming only the requester leaves nobody: that is not widened to "anyone".
    others = [u for u in request.approvers if u != request.requester]
    return ", ".join(mention(u) for u in others) or "nobody (only the requester is named)"


def refusal_for(state: ApprovalState, user: str) -> str | None:
    """Why `user` may not decide this approval now, or None when they may."""
    if state.status is ApprovalStatus.EXPIRED:
        return f"This approval expired at {slack_date(state.expires_at)}."
    if state.status is ApprovalStatus.CANCELLED:
        return "This approval was cancelled; nothing will run."
    if state.status is not ApprovalStatus.PENDING:
        line = decision_line(state.status, state.decision)
        return f"Already {line[0].lower()}{line[1:]}."
    if user == state.request.requester:
        return "You asked for this, so someone else has to decide it."
    approvers = state.request.approvers
    if approvers and user not in approvers:
        return f"Only {who_may_decide(state.request)} can decide this approval."
    return None


REASON_REQUIRED = "This request needs a reason to be rejected."


def refusal_of(state: ApprovalState, user: str, approved: bool, reason: str) -> str | None:
    """Why this decision cannot be taken: who decides, and a rejection's required reason."""
    if refusal := refusal_for(state, user):
        return refusal
    if not approved and state.request.reason_required and not reason.strip():
        return REASON_REQUIRED
    return None
