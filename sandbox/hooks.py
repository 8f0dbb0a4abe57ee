"""The response_urls the sandbox hands out with clicks and slash commands.

POST JSON to one and Slack posts an ephemeral reply (or an in_channel one), replaces or
deletes the message that was clicked; each works 5 times within 30 minutes.
"""

import json
import time

from aiohttp import web

from sandbox.app_replies import ReplyProblem, post_reply
from sandbox.context import SANDBOX
from sandbox.workspace import HOOK_MAX_USES, HOOK_VALID_SECONDS


async def response_url(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    hook = sandbox.workspace.hooks.get(request.match_info["token"])
    if hook is None:
        return _refused(404, "no_service")
    if time.time() - hook.issued_at > HOOK_VALID_SECONDS:
        return _refused(404, "expired_url")
    if hook.uses >= HOOK_MAX_USES:
        return _refused(404, "used_url")
    try:
        reply = json.loads(await request.text())
    except ValueError:
        return _refused(400, "invalid_payload")
    if not isinstance(reply, dict):
        return _refused(400, "invalid_payload")
    original = sandbox.workspace.messages.get(hook.source_ts) if hook.source_ts else None
    try:
        posted = post_reply(
            sandbox, reply, user=hook.user, channel=hook.channel, thread_ts=hook.thread_ts, original=original
        )
    except ReplyProblem as problem:
        return _refused(400, str(problem))
    hook.uses += 1
    if hook.source_ts is None and posted is not None:
        # A command's later replace_original replaces this reply, as nothing was clicked.
        hook.source_ts = posted.ts
    return web.json_response({"ok": True})


def _refused(status: int, error: str) -> web.Response:
    return web.json_response({"ok": False, "error": error}, status=status)
