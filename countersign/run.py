"""Runs every Procfile process on this machine: `python -m countersign.run` (`make run`).

Each line's output is prefixed with its process name; Ctrl-C or SIGTERM stops them all;
if one dies, the rest are stopped too, so nothing is left half running.
"""

import asyncio
import os
import shlex
import sys
from pathlib import Path

from countersign.settings import exit_on_bad_settings, load_settings
from countersign.stopping import stop_on_signals

GRACE_SECONDS = 15


def procfile(path: Path = Path("Procfile")) -> dict[str, str]:
    entries = {}
    for line in path.read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() and not name.startswith("#"):
            entries[name.strip()] = command.strip()
    return entries


async def _relay(name: str, stream: asyncio.StreamReader, width: int) -> None:
    async for line in stream:
        sys.stdout.write(f"{name:<{width}} | {line.decode(errors='replace')}")
        sys.stdout.flush()


async def run(processes: dict[str, str]) -> int:
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    # Procfile commands say `python`: make it this interpreter, with the venv's tools.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    width = max(map(len, processes))
    children: dict[str, asyncio.subprocess.Process] = {}
    relays = []
    for name, command in processes.items():
        argv = shlex.split(command)
        if argv[0] == "python":
            argv[0] = sys.executable
        child = await asyncio.create_subprocess_exec(
            *argv, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        children[name] = child
        relays.append(asyncio.create_task(_relay(name, child.stdout, width)))  # type: ignore[arg-type]

    stop = stop_on_signals()
    exits = {asyncio.create_task(child.wait()): name for name, child in children.items()}
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([*exits, stopper], return_when=asyncio.FIRST_COMPLETED)
    failed = [exits[t] for t in done if t in exits]
    if failed:
        print(f"countersign: {', '.join(failed)} exited; stopping the rest", file=sys.stderr)
    else:
        print("countersign: stopping every process", file=sys.stderr)

    for child in children.values():
        if child.returncode is None:
            child.terminate()
    try:
        await asyncio.wait_for(asyncio.gather(*(c.wait() for c in children.values())), GRACE_SECONDS)
    except TimeoutError:
        for child in children.values():
            if child.returncode is None:
                child.kill()
    await asyncio.gather(*relays, return_exceptions=True)
    return 1 if failed else 0


def main() -> None:
    with exit_on_bad_settings("countersign"):
        settings = load_settings()
    processes = procfile()
    if "TEMPORAL_ADDRESS" in os.environ or settings.temporal_address != "127.0.0.1:7233":
        # A real cluster is configured: the embedded dev server is not needed.
        processes.pop("temporal", None)
    if not settings.sandbox:
        # Real Slack credentials are set: real Slack, not the local sandbox.
        processes.pop("sandbox", None)
    print("Countersign is starting:")
    if "sandbox" in processes:
        sandbox_url = settings.slack_api_url.removesuffix("/").removesuffix("/api")
        print(f"  Slack sandbox   {sandbox_url}  <- open this in a browser")
    if "temporal" in processes:
        print(f"  Temporal UI     {settings.temporal_ui_url}")
    if "web" in processes and settings.slack_app_token is None:
        print(f"  Slack endpoint  http://127.0.0.1:{settings.port}/slack/events")
    slack = "the local sandbox" if settings.sandbox else "real Slack"
    if settings.slack_app_token:
        slack += " over Socket Mode"  # the bot's port then serves only /healthz
    print(f"  Slack           {slack} ({settings.slack_api_url})")
    print("  Stop with Ctrl-C.", flush=True)
    sys.exit(asyncio.run(run(processes)))


if __name__ == "__main__":
    main()
