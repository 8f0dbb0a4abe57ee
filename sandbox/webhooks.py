"""The receiving system behind the example catalog's webhooks, in the sandbox.

Sandbox mode points WEBHOOK_BASE_URL at `{sandbox}/webhooks`, so an approved wire transfer
or purchase lands here, as it would at a bank or a procurement tool: its Standard Webhooks
signature is checked with WEBHOOK_SIGNING_SECRET, a delivery is taken once per
`webhook-id` (a retry is answered but not shown again), and what arrived is shown in the
channel, by Slackbot, so a person trying the sandbox sees the approved action arrive.
"""

import html
import json
import logging

from aiohttp import web
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from sandbox.context import SANDBOX
from sandbox.directory import CHANNEL, SLACKBOT_ID

log = logging.getLogger("countersign.sandbox")

RECEIVED = web.AppKey("webhooks_received", set)


async def webhook_received(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    secret = sandbox.settings.webhook_signing_secret
    body = await request.read()
    if not secret:
        return web.json_response({"error": "WEBHOOK_SIGNING_SECRET is not set"}, status=401)
    try:
        Webhook(secret).verify(body, dict(request.headers))
    except WebhookVerificationError as err:
        log.warning("Refused a webhook: %s", err, extra={"path": request.path})
        return web.json_response({"error": f"signature: {err}"}, status=401)
    webhook_id = request.headers.get("webhook-id", "")
    received = request.app[RECEIVED]
    if webhook_id in received:
        return web.json_response({"ok": True, "duplicate": True})
    received.add(webhook_id)
    name = request.match_info["name"]
    log.info("Webhook received", extra={"path": request.path, "workflow_id": webhook_id})
    receipt = "Countersign-Approval" in request.headers
    sandbox.workspace.post(channel=CHANNEL.id, user=SLACKBOT_ID, text=_shown(name, webhook_id, receipt, body))
    return web.json_response({"ok": True})


def _shown(name: str, webhook_id: str, receipt: bool, body: bytes) -> str:
    try:
        pretty = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        pretty = body.decode(errors="replace")
    # Escaped as Slack stores text, and no fence of its own: what the model wrote stays
    # text inside the code block.
    code = html.escape(pretty.replace("`", "'"), quote=False)
    with_receipt = ", with its approval receipt" if receipt else ""
    return (
        f":inbox_tray: The receiving system got `{html.escape(name, quote=False)}` "
        f"(webhook-id `{html.escape(webhook_id, quote=False)}`, signature verified{with_receipt}):"
        f"\n```{code}```"
    )
