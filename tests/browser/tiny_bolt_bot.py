"""A tiny real Bolt app, enough to drive the sandbox's page without Temporal: it posts a
card that uses every Block Kit part the page draws, whispers to one person, and opens a
modal whose submission it refuses without a reason (`response_action: errors`)."""

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from countersign.settings import SANDBOX_BOT_TOKEN, SANDBOX_SIGNING_SECRET

REASON_REQUIRED = "A reason is required to reject."
DATE_FALLBACK = "2023-11-14 22:13 UTC"


def showcase_blocks(user: str) -> list[dict[str, Any]]:
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "Approval needed: wire transfer"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Pay* `INV-4411` for <@{user}>, "
                f"due <!date^1700000000^{{date_num}}|{DATE_FALLBACK}>. "
                "<https://example.com/invoices/4411|Open the invoice>",
            },
        },
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Amount*\n$5,000"}]},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Asked just now"}]},
        {
            "type": "actions",
            "block_id": "decide",
            "elements": [
                {
                    "type": "button",
                    "action_id": "approve",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Approve"},
                },
                {
                    "type": "button",
                    "action_id": "reject",
                    "style": "danger",
                    "text": {"type": "plain_text", "text": "Reject"},
                    "confirm": {
                        "title": {"type": "plain_text", "text": "Reject this transfer?"},
                        "text": {"type": "mrkdwn", "text": "The requester is told *who* rejected it."},
                        "confirm": {"type": "plain_text", "text": "Yes, reject"},
                        "deny": {"type": "plain_text", "text": "Keep it"},
                        "style": "danger",
                    },
                },
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "placeholder": {"type": "plain_text", "text": "Pick"},
                    "options": [{"text": {"type": "plain_text", "text": "A"}, "value": "a"}],
                },
            ],
        },
    ]


REASON_MODAL = {
    "type": "modal",
    "callback_id": "reject_reason",
    "title": {"type": "plain_text", "text": "Reject transfer"},
    "submit": {"type": "plain_text", "text": "Reject"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "blocks": [
        {
            "type": "input",
            "block_id": "why",
            # Optional to Slack's client; the app itself insists, as a reason_required action does.
            "optional": True,
            "label": {"type": "plain_text", "text": "Why?"},
            "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
        }
    ],
}


def tiny_bolt_bot(api_url: str) -> AsyncApp:
    app = AsyncApp(
        client=AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=api_url),
        signing_secret=SANDBOX_SIGNING_SECRET,
    )

    @app.event("app_mention")
    async def mentioned(event: dict[str, Any], client: AsyncWebClient) -> None:
        if "secret" in event["text"]:
            await client.chat_postEphemeral(
                channel=event["channel"], user=event["user"], text="Only you can see this"
            )
        else:
            await client.chat_postMessage(
                channel=event["channel"], text="Approval needed", blocks=showcase_blocks(event["user"])
            )

    @app.action("approve")
    async def approved(ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.chat_postMessage(
            channel=body["channel"]["id"], text=f"Approved by <@{body['user']['id']}>"
        )

    @app.action("reject")
    async def reject(ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=REASON_MODAL)

    @app.view("reject_reason")
    async def reason(ack, view: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        typed = (view["state"]["values"]["why"]["text"]["value"] or "").strip()
        if not typed:
            await ack(response_action="errors", errors={"why": REASON_REQUIRED})
            return
        await ack()
        await client.chat_postMessage(
            channel="C0PAYMENTS", text=f"Rejected by <@{body['user']['id']}>: {typed}"
        )

    return app
