"""The sandbox's receiving system for the example catalog's webhooks: a signed delivery is
shown in the channel once, a retry is answered but not shown again, a forged one refused."""

import json
from datetime import UTC, datetime

from aiohttp import ClientSession
from standardwebhooks.webhooks import Webhook

from countersign.settings import SANDBOX_WEBHOOK_SIGNING_SECRET
from tests.sandbox_run import serve_sandbox

WIRE = {"amount": "5000.00", "payee": "ACME <!channel>", "reference": "```4411```"}


def signed(body: bytes, webhook_id: str, secret: str = SANDBOX_WEBHOOK_SIGNING_SECRET) -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, now, body.decode()),
    }


async def test_a_signed_webhook_is_shown_once_and_a_forged_one_refused():
    body = json.dumps(WIRE).encode()
    forged = "whsec_" + "Zm9yZ2Vk"  # base64 of b"forged"
    async with serve_sandbox("http://127.0.0.1:9/slack/events") as sandbox, ClientSession() as http:
        url = f"{sandbox.url}/webhooks/wire-transfer"
        answers = [
            await http.post(url, data=body, headers=signed(body, "approval-1")),
            await http.post(url, data=body, headers=signed(body, "approval-1")),  # a retry
            await http.post(url, data=body, headers=signed(body, "approval-2", forged)),
        ]
        shown = [m.text for m in sandbox.state.workspace.messages.values()]

    assert [a.status for a in answers] == [200, 200, 401]
    (text,) = shown
    assert "The receiving system got `wire-transfer` (webhook-id `approval-1`" in text
    # What the model wrote stays text: escaped, and no fence of its own inside the code block.
    assert "&lt;!channel&gt;" in text and text.count("```") == 2
