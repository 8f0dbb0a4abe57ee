"""`python -m sandbox`: the local Slack, until Ctrl-C or SIGTERM."""

import asyncio
import logging
import os
import sys

from aiohttp import web

from countersign.logs import configure_logging
from countersign.settings import SettingsError, exit_on_bad_settings, load_settings
from countersign.stopping import stop_on_signals
from sandbox.app import build_sandbox_app
from sandbox.settings import SandboxSettings, load_sandbox_settings

log = logging.getLogger("countersign.sandbox")


async def serve(settings: SandboxSettings) -> None:
    runner = web.AppRunner(build_sandbox_app(settings), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
    except OSError as err:
        await runner.cleanup()
        print(
            f"countersign sandbox: cannot listen on {settings.host}:{settings.port}: {err}", file=sys.stderr
        )
        raise SystemExit(1) from None
    log.info(
        "Sandbox ready",
        extra={"url": settings.public_url, "web_api": settings.api_url, "request_url": settings.request_url},
    )
    stop = stop_on_signals()
    try:
        await stop.wait()
    finally:
        log.info("Sandbox stopping")
        await runner.cleanup()


def main() -> None:
    with exit_on_bad_settings("countersign sandbox"):
        settings = load_settings()
        if not settings.sandbox:
            raise SettingsError(
                "SLACK_BOT_TOKEN is set: the sandbox stands in for Slack only without Slack credentials"
            )
        sandbox_settings = load_sandbox_settings(settings, os.environ)
    configure_logging(settings.log_level)
    asyncio.run(serve(sandbox_settings))


if __name__ == "__main__":
    main()
