"""Decided approvals from Temporal visibility, for `/approvals history`: one listing call and
one count per page, as for the pending ones.

Search attributes select them (the outcome, the requester, who decided) and the memo says
who ended each and when. Approvals decided before that was recorded have no deciders to
find them by: they are listed for their requester only, without who ended them.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime

from temporalio.client import Client, WorkflowExecution

from bot.approvals.listing import Listing
from bot.approvals.pending import LISTING_TIMEOUT
from domain import approval_memo
from domain import search_attributes as sa
from domain.models import ApprovalStatus


@dataclass(frozen=True)
class DecidedApproval:
    """One line of the history."""

    workflow_id: str
    summary: str
    """The request as written (Slack text), its first approval_memo.SUMMARY_MAX characters."""
    action: str
    requester: str
    channel: str
    status: ApprovalStatus
    ended_by: str | None
    """Who made the decision that ended it (for a withdrawal, the requester); None when it
    expired, was cancelled or decided through Temporal, or from before this was recorded."""
    ended_at: datetime | None
    deciders: list[str]
    message_ts: str | None

    def asked_by(self, user: str) -> bool:
        return self.requester == user


@dataclass(frozen=True)
class HistoryPage:
    approvals: list[DecidedApproval]
    total: int
    shown_before: int
    next_page_token: bytes | None
    """None on the last page."""


async def decided_approvals(
    temporal: Client,
    view: Listing,
    *,
    page_size: int,
    page_token: bytes | None = None,
    shown_before: int = 0,
) -> HistoryPage:
    """One page of `view`'s history, newest first (visibility's order: by close time)."""
    query = view.visibility_query()
    listing = temporal.list_workflows(
        query, page_size=page_size, next_page_token=page_token, rpc_timeout=LISTING_TIMEOUT
    )
    _, count = await asyncio.gather(
        listing.fetch_next_page(), temporal.count_workflows(query, rpc_timeout=LISTING_TIMEOUT)
    )
    approvals = [await _decided_approval(execution) for execution in listing.current_page]
    shown = shown_before + len(approvals)
    # A full last page still comes with a token; the count says there is nothing after it.
    more = listing.next_page_token is not None and shown < count.count
    return HistoryPage(
        approvals=approvals,
        total=max(count.count, shown),
        shown_before=shown_before,
        next_page_token=listing.next_page_token if more else None,
    )


async def _decided_approval(execution: WorkflowExecution) -> DecidedApproval:
    attributes = execution.typed_search_attributes
    memo = await execution.memo()
    ended_at = memo.get(approval_memo.ENDED_AT)
    return DecidedApproval(
        workflow_id=execution.id,
        summary=memo.get(approval_memo.SUMMARY) or execution.id,
        action=attributes.get(sa.APPROVAL_ACTION) or "",
        requester=attributes.get(sa.APPROVAL_REQUESTER) or "",
        channel=attributes.get(sa.APPROVAL_CHANNEL) or "",
        status=ApprovalStatus(attributes.get(sa.APPROVAL_STATUS)),
        ended_by=memo.get(approval_memo.ENDED_BY),
        ended_at=datetime.fromisoformat(ended_at) if ended_at else execution.close_time,
        deciders=list(attributes.get(sa.APPROVAL_DECIDED_BY) or []),
        message_ts=memo.get(approval_memo.MESSAGE_TS),
    )
