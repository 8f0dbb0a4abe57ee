"""The page's own endpoints: what the browser asks the sandbox to do as a person.

Each POST names the person acting (`user`): the page's user switch is just that field.
The answers are small; what changed reaches every tab over the live WebSocket.
"""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox.clicks import ClickProblem, click_in_message, click_in_view
from sandbox.composer import compose
from sandbox.context import SANDBOX, Sandbox
from sandbox.directory import BOT, CHANNEL, PEOPLE, SLASH_COMMANDS, TEAM_NAME, Person
from sandbox.modals import ModalProblem, close, submit

STATIC = Path(__file__).parent / "static"

Action = Callable[[Sandbox, Person, dict[str, Any]], Awaitable[None]]


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", _index)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/ui/workspace", _workspace)
    app.router.add_get("/archives/{channel}/{message}", _permalink)
    app.router.add_post("/ui/compose", _acting(_compose))
    app.router.add_post("/ui/click", _acting(_click))
    app.router.add_post("/ui/submit", _acting(_submit))
    app.router.add_post("/ui/close", _acting(_close))


async def _index(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def _workspace(_: web.Request) -> web.Response:
    return web.json_response(
        {
            "team": TEAM_NAME,
            "channel": {"id": CHANNEL.id, "name": CHANNEL.name, "topic": CHANNEL.topic},
            "bot": {"id": BOT.id, "name": BOT.real_name},
            "people": [
                {"id": p.id, "name": p.name, "real_name": p.real_name, "role": p.role} for p in PEOPLE
            ],
            "commands": SLASH_COMMANDS,
        }
    )


async def _permalink(request: web.Request) -> web.Response:
    # /archives/C…/p1700000000000100 → the page, scrolled to that message.
    digits = request.match_info["message"].removeprefix("p")
    raise web.HTTPFound(f"/#m-{digits[:-6]}.{digits[-6:]}")


def _acting(action: Action) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def endpoint(request: web.Request) -> web.Response:
        try:
            fields = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "send JSON"}, status=400)
        who = next((p for p in PEOPLE if p.id == fields.get("user")), None)
        if who is None:
            return web.json_response(
                {"ok": False, "error": "user must be one of the sandbox's people"}, status=400
            )
        try:
            await action(request.app[SANDBOX], who, fields)
        except (ClickProblem, ModalProblem, KeyError) as problem:
            return web.json_response({"ok": False, "error": str(problem)}, status=409)
        return web.json_response({"ok": True})

    return endpoint


async def _compose(sandbox: Sandbox, who: Person, fields: dict[str, Any]) -> None:
    await compose(sandbox, who, str(fields.get("text", "")), fields.get("thread_ts"))


async def _click(sandbox: Sandbox, who: Person, fields: dict[str, Any]) -> None:
    if fields.get("view_id"):
        await click_in_view(sandbox, who, fields["view_id"], fields["block_id"], fields["action_id"])
    else:
        await click_in_message(sandbox, who, fields["message_ts"], fields["block_id"], fields["action_id"])


async def _submit(sandbox: Sandbox, who: Person, fields: dict[str, Any]) -> None:
    await submit(sandbox, who, fields["view_id"], fields.get("values") or {})


async def _close(sandbox: Sandbox, who: Person, fields: dict[str, Any]) -> None:
    await close(sandbox, who, fields["view_id"])
