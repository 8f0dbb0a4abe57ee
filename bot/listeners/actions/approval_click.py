"""What a click on an Approve or Reject button says: which approval, who, and where."""

from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient


@dataclass(frozen=True)
class ApprovalClick:
    workflow_id: str
    """The button's value: the approval workflow's ID."""
    user: str
    channel: str
    thread_ts: str | None
    trigger_id: str

    async def tell(self, client: AsyncWebClient, text: str) -> None:
        """An answer only the person who clicked sees, beside the card."""
        await client.chat_postEphemeral(
            channel=self.channel, user=self.user, text=text, thread_ts=self.thread_ts
        )


def approval_click(body: dict[str, Any], action: dict[str, Any]) -> ApprovalClick:
    # A card in a channel has `channel`; one in an ephemeral list (/approvals) may have
    # only `container`, and no `message` at all.
    container = body.get("container") or {}
    message = body.get("message") or {}
    return ApprovalClick(
        workflow_id=action["value"],
        user=body["user"]["id"],
        channel=container.get("channel_id") or body["channel"]["id"],
        thread_ts=container.get("thread_ts") or message.get("thread_ts"),
        trigger_id=body["trigger_id"],
    )
