"""What a click on an Approve or Reject button says: which approval, who, and where."""

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from blocks.approval_card import version_clicked
from bot.approvals.list_buttons import ListButtons, is_list_value
from domain.models import ClickOrigin

log = logging.getLogger("countersign.bot")

NOT_YOUR_LIST = (
    "That button is not from an `/approvals` list made for you here, so it cannot decide anything."
)


@dataclass(frozen=True)
class ApprovalClick:
    workflow_id: str | None
    """The approval the button names; None for a list button not sealed for this click."""
    user: str
    channel: str
    thread_ts: str | None
    trigger_id: str
    origin: ClickOrigin
    """Where the button was: the approval checks it is its own card (or a list of it)."""
    version: int | None = None
    """The version of the arguments the card showed (its buttons' block_id says); None
    for a list's buttons."""

    async def tell(self, client: AsyncWebClient, text: str) -> None:
        """An answer only the person who clicked sees, beside the card."""
        await client.chat_postEphemeral(
            channel=self.channel, user=self.user, text=text, thread_ts=self.thread_ts
        )


def approval_click(body: dict[str, Any], action: dict[str, Any], list_buttons: ListButtons) -> ApprovalClick:
    # A card in a channel has `channel`; one in an ephemeral list (/approvals) may have
    # only `container`, and no `message` at all.
    container = body.get("container") or {}
    message = body.get("message") or {}
    user = body["user"]["id"]
    channel = container.get("channel_id") or body["channel"]["id"]
    value = action["value"]
    from_list = is_list_value(value)
    workflow_id: str | None = value
    if from_list:
        workflow_id = list_buttons.open(value, user, channel) if container.get("is_ephemeral") else None
        if workflow_id is None:
            log.warning(
                "Security: a list button that was not sealed for this click",
                extra={"user": user, "channel": channel, "message_ts": container.get("message_ts")},
            )
    return ApprovalClick(
        workflow_id=workflow_id,
        user=user,
        channel=channel,
        thread_ts=container.get("thread_ts") or message.get("thread_ts"),
        trigger_id=body["trigger_id"],
        origin=ClickOrigin(
            channel=channel,
            message_ts=container.get("message_ts") or message.get("ts", ""),
            from_list=from_list,
        ),
        version=None if from_list else version_clicked(action.get("block_id")),
    )
