"""`make run`'s supervisor (countersign.run) as a terminal runs it: one process exiting stops
the rest, Ctrl-C stops everything within 3 s even with a sandbox page open, nothing outlives
it (not even a SIGKILL of it), and the line saying why is the last one printed."""

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import ClientSession, WSCloseCode, WSMsgType

REPO_ROOT = Path(__file__).resolve().parents[1]
FAKE = Path(__file__).resolve().parent / "fakes" / "supervised_process.py"
SUPERVISOR = (
    "import asyncio, sys; from pathlib import Path; from countersign.run import procfile, run; "
    "sys.exit(asyncio.run(run(procfile(Path(sys.argv[1])))))"
)


@dataclass
class Supervisor:
    process: asyncio.subprocess.Process
    output: list[str] = field(default_factory=list)

    @property
    def pids(self) -> dict[str, int]:
        """What each process (and grandchild) said its PID was."""
        said = (line.split(" | ", 1)[-1].split() for line in self.output)
        return {words[1]: int(words[2]) for words in said if len(words) == 3 and words[0] == "pid"}

    async def wait_for(self, done: Callable[[], bool], what: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"{what} within {timeout} s; the output:\n" + self.printed
            await asyncio.sleep(0.02)

    async def exits_within(self, timeout: float) -> float:
        started = time.monotonic()
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            pytest.fail(f"still running after {timeout} s; the output:\n" + self.printed)
        return time.monotonic() - started

    @property
    def printed(self) -> str:
        return "\n".join(self.output)


@pytest.fixture
async def start_supervisor(tmp_path: Path) -> AsyncIterator[Callable[..., object]]:
    started: list[Supervisor] = []

    async def start(procfile: dict[str, str], **env: str) -> Supervisor:
        path = tmp_path / "Procfile"
        path.write_text("".join(f"{name}: {command}\n" for name, command in procfile.items()))
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            SUPERVISOR,
            str(path),
            env={"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO_ROOT), **env},
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            # Its own session and group, as a shell's foreground job: Ctrl-C is a SIGINT to it.
            start_new_session=True,
        )
        supervisor = Supervisor(process)
        asyncio.create_task(_read(process, supervisor.output))
        started.append(supervisor)
        return supervisor

    yield start
    for supervisor in started:
        if supervisor.process.returncode is None:
            supervisor.process.kill()
            await supervisor.process.wait()


async def _read(process: asyncio.subprocess.Process, into: list[str]) -> None:
    assert process.stdout is not None
    async for line in process.stdout:
        into.append(line.decode().rstrip("\n"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fake(mode: str, name: str, *args: str) -> str:
    return " ".join(["python", str(FAKE), mode, name, *args])


def running(pid: int) -> bool:
    """True while `pid` runs; a zombie (dead, not yet reaped by its new parent) is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


A_SERVER_AND_A_STUBBORN_CLIENT = {"temporal": fake("idle", "temporal"), "web": fake("stubborn", "web")}


async def test_one_process_exiting_stops_the_rest_in_order_and_is_named_last(start_supervisor, tmp_path):
    exit_now = tmp_path / "exit-now"
    supervisor = await start_supervisor(
        {
            "temporal": fake("noisy", "temporal"),
            "worker": fake("spawns", "worker"),
            "web": fake("exits", "web", str(exit_now), "3", "'countersign bot: PORT is taken'"),
            "sandbox": fake("idle", "sandbox"),
        }
    )
    everyone = {"temporal", "worker", "worker-grandchild", "web", "sandbox"}
    await supervisor.wait_for(lambda: supervisor.pids.keys() == everyone, "every process said its PID")

    exit_now.touch()
    took = await supervisor.exits_within(5)

    assert took < 5
    await supervisor.wait_for(
        lambda: not any(map(running, supervisor.pids.values())), "every child and grandchild gone", 2
    )
    assert supervisor.output[-2:] == [
        "web      | countersign bot: PORT is taken",
        "countersign: web exited (exit code 3); stopped the rest",
    ]
    assert supervisor.process.returncode == 1
    # Temporal's clients are down before Temporal is asked to stop, and its stop is quiet.
    printed = supervisor.output
    stopped = [printed.index(f"{client:<8} | {client} stopped") for client in ("worker", "sandbox")]
    assert max(stopped) < printed.index("temporal | temporal got SIGTERM"), supervisor.printed
    assert "level=WARN" not in supervisor.printed


async def test_the_reason_is_not_repeated_when_nothing_came_after_it(start_supervisor, tmp_path):
    exit_now = tmp_path / "exit-now"
    supervisor = await start_supervisor(
        {
            "web": fake("exits", "web", str(exit_now), "2", "'countersign bot: PORT must be a number'"),
            "sandbox": fake("quiet", "sandbox"),
        }
    )
    await supervisor.wait_for(lambda: len(supervisor.pids) == 2, "both processes said their PID")

    exit_now.touch()
    await supervisor.exits_within(5)

    assert supervisor.output[-2:] == [
        "web     | countersign bot: PORT must be a number",
        "countersign: web exited (exit code 2); stopped the rest",
    ]
    assert supervisor.output.count("web     | countersign bot: PORT must be a number") == 1


async def test_sigkill_of_the_supervisor_leaves_no_process_running(start_supervisor):
    supervisor = await start_supervisor(A_SERVER_AND_A_STUBBORN_CLIENT)
    await supervisor.wait_for(lambda: len(supervisor.pids) == 2, "both processes said their PID")

    supervisor.process.kill()
    await supervisor.process.wait()

    await supervisor.wait_for(
        lambda: not any(map(running, supervisor.pids.values())), "no process left without its supervisor", 2
    )


async def test_a_process_that_ignores_sigterm_is_killed_and_named(start_supervisor):
    supervisor = await start_supervisor(A_SERVER_AND_A_STUBBORN_CLIENT)
    await supervisor.wait_for(lambda: len(supervisor.pids) == 2, "both processes said their PID")

    supervisor.process.terminate()  # as a process manager stops it
    took = await supervisor.exits_within(3)

    assert took < 3
    assert supervisor.output[-1] == "countersign: stopped every process (web killed: did not stop in time)"
    assert supervisor.process.returncode == 0
    assert not any(map(running, supervisor.pids.values()))


async def test_ctrl_c_with_a_sandbox_page_open_stops_everything_within_3_s(start_supervisor, tmp_path):
    sandbox_url = f"http://127.0.0.1:{free_port()}"
    supervisor = await start_supervisor(
        {"sandbox": "python -m sandbox", "worker": fake("idle", "worker")},
        SLACK_API_URL=f"{sandbox_url}/api/",
        SANDBOX_REQUEST_URL="http://127.0.0.1:9/slack/events",
        SANDBOX_STATE_FILE=str(tmp_path / "workspace.json"),
    )
    await supervisor.wait_for(lambda: "Sandbox ready" in supervisor.printed, "the sandbox ready")
    async with ClientSession() as http, http.ws_connect(f"{sandbox_url}/live?user=U01ADALOVE") as page:
        assert (await page.receive_json())["type"] == "snapshot"
        # Reading, as a browser always is: the sandbox's close is answered at once.
        closed = asyncio.create_task(page.receive())

        os.killpg(supervisor.process.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        took = await supervisor.exits_within(3)

        assert took < 3
        assert (await closed).type == WSMsgType.CLOSE
        assert page.close_code == WSCloseCode.GOING_AWAY
    assert supervisor.output[-1] == "countersign: stopped every process"
