"""One Procfile process under `countersign.run`: its own process group, tied to the
supervisor's life, its output relayed line by line, stopped together with its group."""

import asyncio
import os
import signal
import sys
from pathlib import Path

DIE_WITH_SUPERVISOR = Path(__file__).with_name("die_with_supervisor.py")
# A JSON log line with a long traceback is one line; past asyncio's 64 KiB default the relay
# would fail and the process would block on a full pipe.
LINE_LIMIT = 1024 * 1024


class Output:
    """Every process's lines, each prefixed with its name; remembers the last one written."""

    def __init__(self, names: list[str]) -> None:
        self._width = max(map(len, names))
        self.last: tuple[str, str] | None = None
        """(name, line) of the last line written."""

    def write(self, name: str, line: str) -> None:
        self.last = (name, line)
        sys.stdout.write(f"{name:<{self._width}} | {line}\n")
        sys.stdout.flush()


class ProcfileProcess:
    def __init__(
        self, name: str, argv: list[str], output: Output, stopping_noise: tuple[str, ...] = ()
    ) -> None:
        self.name = name
        self.last_line = ""
        self._argv = argv
        self._output = output
        self._stopping_noise = stopping_noise
        self._stopping = False
        self._child: asyncio.subprocess.Process | None = None
        self._relay: asyncio.Task[None] | None = None

    async def start(self, env: dict[str, str]) -> None:
        self._child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            "-S",
            str(DIE_WITH_SUPERVISOR),
            str(os.getpid()),
            *self._argv,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            limit=LINE_LIMIT,
            # Its own group: the terminal's Ctrl-C reaches the supervisor alone, which stops
            # the processes in order; and a stop reaches whatever the process started itself.
            process_group=0,
        )
        self._relay = asyncio.create_task(self._relay_output())

    @property
    def pid(self) -> int:
        assert self._child is not None
        return self._child.pid

    @property
    def returncode(self) -> int | None:
        return self._child.returncode if self._child else None

    @property
    def reason(self) -> str:
        code = self.returncode
        if code is None:
            return "still running"
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit code {code}"

    async def wait(self) -> int:
        assert self._child is not None
        return await self._child.wait()

    def stopping(self) -> None:
        """From now on its stopping noise is dropped: the others are being stopped, and what
        it says about them going away is expected."""
        self._stopping = True

    async def stop(self, grace: float) -> bool:
        """SIGTERM, then SIGKILL after `grace` seconds; True when it had to be killed."""
        self._stopping = True
        if self.returncode is not None:
            return False
        self._signal_group(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.wait(), grace)
            return False
        except TimeoutError:
            self._signal_group(signal.SIGKILL)
            await self.wait()
            return True

    def kill_group(self) -> None:
        """Kills what the process started and left behind in its group."""
        self._stopping = True
        self._signal_group(signal.SIGKILL)

    async def output_done(self) -> None:
        if self._relay:
            await self._relay

    def print(self, line: str) -> None:
        self._output.write(self.name, line)

    def _signal_group(self, sig: signal.Signals) -> None:
        try:
            # The group's ID is the leader's PID; the group outlives the leader while any of
            # what it started is still running.
            os.killpg(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass  # the group is gone already

    async def _relay_output(self) -> None:
        assert self._child is not None and self._child.stdout is not None
        async for raw in self._child.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            if self._stopping and any(noise in line for noise in self._stopping_noise):
                continue
            if line.strip():
                self.last_line = line
            self.print(line)
