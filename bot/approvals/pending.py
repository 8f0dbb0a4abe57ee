"""Pending approvals from Temporal visibility: one listing call and one count per page.

Search attributes select and describe each approval (requester, approvers, channel,
expiry); its memo adds the summary and the card's ts. Nothing is asked of the workflows
themselves, so a page costs the same with ten approvals pending or ten thousand.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio.client import Client, WorkflowExecution

from bot.approvals.listing import Listing
from domain import approval_memo
from domain import search_attributes as sa

# After ack() the answer goes to response_url, valid for 30 minutes; a listing slower
# than this is a Temporal in trouble, and the person had better be told.
LISTING_TIMEOUT = timedelta(seconds=10)


@dataclass(frozen=True)
class PendingApproval:
    """One line of the list."""

    workflow_id: str
    summary: str
    """The request as written (Slack text), its first approval_memo.SUMMARY_MAX characters."""
    requester: str
    approvers: list[str]
    """User IDs who may decide, or [ANYONE] (anyone but the requester)."""
    channel: str
    requested_at: datetime
    expires_at: datetime | None
    message_ts: str | None
    """The card's ts; None until the card is posted."""
    action: str = ""
    edits: int = 0
    """Approvers' edits so far: an edited request is approved on its card, not in a list."""

    def may_be_decided_by(self, user: str) -> bool:
        return user != self.requester and (sa.ANYONE in self.approvers or user in self.approvers)


@dataclass(frozen=True)
class ApprovalsPage:
    approvals: list[PendingApproval]
    total: int
    """All the approvals the view matches, this page's and the others'."""
    shown_before: int
    next_page_token: bytes | None
    """None on the last page."""


async def pending_approvals(
    temporal: Client,
    view: Listing,
    *,
    page_size: int,
    page_token: bytes | None = None,
    shown_before: int = 0,
) -> ApprovalsPage:
    """One page of the approvals `view` shows, newest first (visibility's order)."""
    query = view.visibility_query()
    listing = temporal.list_workflows(
        query, page_size=page_size, next_page_token=page_token, rpc_timeout=LISTING_TIMEOUT
    )
    _, count = await asyncio.gather(
        listing.fetch_next_page(), temporal.count_workflows(query, rpc_timeout=LISTING_TIMEOUT)
    )
    approvals = [await _pending_approval(execution) for execution in listing.current_page]
    shown = shown_before + len(approvals)
    # A full last page still comes with a token; the count says there is nothing after it.
    more = listing.next_page_token is not None and shown < count.count
    return ApprovalsPage(
        approvals=approvals,
        total=max(count.count, shown),
        shown_before=shown_before,
        next_page_token=listing.next_page_token if more else None,
    )


async def _pending_approval(execution: WorkflowExecution) -> PendingApproval:
    attributes = execution.typed_search_attributes
    memo = await execution.memo()
    return PendingApproval(
        workflow_id=execution.id,
        summary=memo.get(approval_memo.SUMMARY) or execution.id,
        requester=attributes.get(sa.APPROVAL_REQUESTER) or "",
        approvers=list(attributes.get(sa.APPROVAL_APPROVERS) or []),
        channel=attributes.get(sa.APPROVAL_CHANNEL) or "",
        requested_at=execution.start_time,
        expires_at=attributes.get(sa.APPROVAL_EXPIRES_AT),
        message_ts=memo.get(approval_memo.MESSAGE_TS),
        action=attributes.get(sa.APPROVAL_ACTION) or "",
        edits=int(memo.get(approval_memo.EDITS) or 0),
    )
