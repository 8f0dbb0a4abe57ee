"""Answering `/approvals` and its "Next" clicks: a page listed, its cards linked, responded.

The answer goes to the request's response_url, not chat.postEphemeral: it works in any
channel or DM, the bot a member or not, and a "Next" click can replace the list in place.
"""

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.approvals.decided import decided_approvals
from bot.approvals.history_blocks import build_history_list
from bot.approvals.list_blocks import APPROVALS_PER_PAGE, build_approvals_list
from bot.approvals.listing import Listing, PageCursor, Scope
from bot.approvals.pending import pending_approvals
from bot.errors import SORRY
from bot.services import BotServices

log = logging.getLogger("countersign.bot")

# A link to each card is a convenience: a Slack slow to give them must not hold the list.
PERMALINKS_TIMEOUT_SECONDS = 2.0


class OnACard(Protocol):
    """A listed approval: where its card is, once posted."""

    @property
    def workflow_id(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def message_ts(self) -> str | None: ...


async def respond_with_approvals(
    respond: AsyncRespond,
    services: BotServices,
    slack: AsyncWebClient,
    view: Listing,
    shown_in: str,
    cursor: PageCursor | None = None,
) -> None:
    """Responds with the page of `view` that `cursor` points at (the first when None); a
    next page replaces the one whose button was clicked. `shown_in` is the channel the
    list appears in: its buttons count only there, for `view.user`."""
    try:
        message = await _page_of(services, slack, view, shown_in, cursor)
    except Exception:
        # Bolt's error handler tells the user with chat.postEphemeral, which fails where
        # the bot is not a member; the response_url reaches them wherever they typed.
        log.exception("Could not list approvals", extra={"scope": view.scope.value, "user": view.user})
        await _respond(respond, text=SORRY, replace_original=False)
        return
    await _respond(respond, **message, replace_original=cursor is not None)


async def _page_of(
    services: BotServices, slack: AsyncWebClient, view: Listing, shown_in: str, cursor: PageCursor | None
) -> dict[str, Any]:
    token = cursor.page_token if cursor else None
    shown_before = cursor.shown if cursor else 0
    if view.scope is Scope.HISTORY:
        history = await decided_approvals(
            services.temporal, view, page_size=APPROVALS_PER_PAGE, page_token=token, shown_before=shown_before
        )
        return build_history_list(view, history, permalinks=await card_permalinks(slack, history.approvals))
    page = await pending_approvals(
        services.temporal, view, page_size=APPROVALS_PER_PAGE, page_token=token, shown_before=shown_before
    )
    return build_approvals_list(
        view,
        page,
        now=datetime.now(UTC),
        permalinks=await card_permalinks(slack, page.approvals),
        seal=lambda workflow_id: services.list_buttons.seal(workflow_id, view.user, shown_in),
    )


async def card_permalinks(slack: AsyncWebClient, approvals: Sequence[OnACard]) -> dict[str, str]:
    """Links to the cards already posted, by workflow ID; those Slack is slow to give are left out."""
    posted = [a for a in approvals if a.message_ts]
    if not posted:
        return {}
    tasks = [asyncio.ensure_future(_permalink(slack, a)) for a in posted]
    done, late = await asyncio.wait(tasks, timeout=PERMALINKS_TIMEOUT_SECONDS)
    for task in late:
        task.cancel()
    if late:
        log.warning("Listed %d approvals without a link: chat.getPermalink was slow", len(late))
    return dict(link for task in done if (link := task.result()))


async def _permalink(slack: AsyncWebClient, approval: OnACard) -> tuple[str, str] | None:
    try:
        response = await slack.chat_getPermalink(channel=approval.channel, message_ts=approval.message_ts)
    except SlackApiError as err:
        # A deleted card or an archived channel: the approval is still listed and decidable.
        log.warning(
            "No permalink for an approval card: %s",
            err.response.get("error"),
            extra={"workflow_id": approval.workflow_id},
        )
        return None
    return approval.workflow_id, response["permalink"]


async def _respond(respond: AsyncRespond, **message: object) -> None:
    response = await respond(**message, response_type="ephemeral")  # type: ignore[arg-type]
    if response.status_code != 200:
        # An expired response_url (30 min, five uses) or a message Slack refused.
        log.warning("Slack refused the /approvals answer: %s %s", response.status_code, response.body)
