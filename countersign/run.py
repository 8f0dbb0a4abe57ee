"""Runs every Procfile process on this machine: `python -m countersign.run` (`make run`).

Each line's output is prefixed with its process name. Ctrl-C or SIGTERM stops them all, and
so does one of them exiting: Temporal's clients first, Temporal last, within about 3 s. The
line saying why comes last, once everything is down. Nothing outlives the supervisor, not
even a SIGKILL of it (countersign/die_with_supervisor.py).
"""

import asyncio
import os
import shlex
import signal
import sys
from pathlib import Path

from countersign.procfile_process import Output, ProcfileProcess
from countersign.settings import exit_on_bad_settings, load_settings
from countersign.stopping import stop_on_signals

# Every other process is a client of Temporal: stopped first, none of them sees it vanish.
STOPPED_LAST = ("temporal",)
# Ctrl-C stops everything within 3 s: the clients get 1 s to finish what they are doing,
# Temporal (about 1.3 s to stop on a busy 2-core machine) 1.5 s; then SIGKILL. A kill loses
# nothing that matters: Slack redelivers what it got no answer for, Temporal retries what
# was cut off.
CLIENT_GRACE_SECONDS = 1.0
SERVER_GRACE_SECONDS = 1.5
# Output still in a pipe when its process is gone is relayed for at most this long.
DRAIN_SECONDS = 1.0
# What a process prints while everything stops that is only noise: Temporal's dev server
# logs its own system workers' failed polls and dial errors (level=WARN) on every stop, and
# the task queues of the workers that just stopped as closed (level=ERROR).
STOPPING_NOISE = {"temporal": ("level=WARN", 'error="task queue closed"')}


def procfile(path: Path = Path("Procfile")) -> dict[str, str]:
    entries = {}
    for line in path.read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() and not name.startswith("#"):
            entries[name.strip()] = command.strip()
    return entries


def _argv(command: str) -> list[str]:
    argv = shlex.split(command)
    # Procfile commands say `python`: make it this interpreter.
    if argv[0] == "python":
        argv[0] = sys.executable
    return argv


async def run(processes: dict[str, str]) -> int:
    """Runs `processes` (name: command) until a signal or until one exits; 1 if one did."""
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    # The venv's tools (`temporal`) beside this interpreter, even when the venv is not active.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    # Before anything starts, so a Ctrl-C during start-up is not lost. SIGHUP: the terminal
    # closed; stopping in order beats the kill that would otherwise follow.
    stop = stop_on_signals()
    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, stop.set)
    output = Output(list(processes))
    running = [
        ProcfileProcess(name, _argv(command), output, STOPPING_NOISE.get(name, ()))
        for name, command in processes.items()
    ]
    for process in running:
        await process.start(env)

    exits = {asyncio.create_task(process.wait()): process for process in running}
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([*exits, stopper], return_when=asyncio.FIRST_COMPLETED)
    exited = [exits[task] for task in done if task in exits]
    stopper.cancel()

    killed = await stop_in_order(running)
    _print_why(exited, killed, output)
    return 1 if exited else 0


async def stop_in_order(running: list[ProcfileProcess]) -> list[ProcfileProcess]:
    """Stops every process, Temporal's clients before Temporal; returns the ones killed."""
    killed = []
    for process in running:
        process.stopping()
    clients = [p for p in running if p.name not in STOPPED_LAST]
    servers = [p for p in running if p.name in STOPPED_LAST]
    for wave, grace in ((clients, CLIENT_GRACE_SECONDS), (servers, SERVER_GRACE_SECONDS)):
        was_killed = await asyncio.gather(*(process.stop(grace) for process in wave))
        killed += [process for process, kill in zip(wave, was_killed, strict=True) if kill]
    for process in running:
        process.kill_group()
    await asyncio.wait([asyncio.create_task(p.output_done()) for p in running], timeout=DRAIN_SECONDS)
    return killed


def _print_why(exited: list[ProcfileProcess], killed: list[ProcfileProcess], output: Output) -> None:
    """The last lines: why everything stopped, below whatever the others printed meanwhile."""
    if exited:
        for process in exited:
            if process.last_line and output.last != (process.name, process.last_line):
                process.print(process.last_line)  # its own reason, again, where it is seen
        names = ", ".join(f"{p.name} exited ({p.reason})" for p in exited)
        line = f"countersign: {names}; stopped the rest"
    else:
        line = "countersign: stopped every process"
    if killed:
        line += f" ({', '.join(p.name for p in killed)} killed: did not stop in time)"
    print(line, flush=True)


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
    if "web" in processes:
        # Where receivers of webhooks fetch the keys that approval receipts are checked with.
        print(f"  Receipt keys    http://127.0.0.1:{settings.port}/.well-known/jwks.json")
    slack = "the local sandbox" if settings.sandbox else "real Slack"
    if settings.slack_app_token:
        slack += " over Socket Mode"  # the bot's port then serves only /healthz
    print(f"  Slack           {slack} ({settings.slack_api_url})")
    print("  Stop with Ctrl-C.", flush=True)
    sys.exit(asyncio.run(run(processes)))


if __name__ == "__main__":
    main()
