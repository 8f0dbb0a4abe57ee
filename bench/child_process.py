"""A part of the benchmark (worker, bot, fake Slack) in a process of its own.

Each part runs as in production, `python -m <module>` with its settings in the
environment, so its CPU time and its event loop are its own.
"""

import asyncio
import logging
import os
import re
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

from aiohttp import ClientError, ClientSession

log = logging.getLogger("bench")

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

REPO_ROOT = Path(__file__).resolve().parent.parent


class ChildProcess:
    """`python -m module`; its stdout and stderr are drained all along, keeping the last
    lines to explain a crash. A pipe nobody reads stalls the child once it is full: the
    worker's Temporal core logs its warnings to stdout, and under load it stopped
    processing workflow tasks mid-run, blocked on that write."""

    def __init__(
        self, name: str, module: str, env: Mapping[str, str], cwd: Path, args: Sequence[str] = ()
    ) -> None:
        self.name = name
        self._module = module
        self._args = list(args)
        self._env = {**env, "PYTHONPATH": str(REPO_ROOT)}
        # Not the repo root: a developer's .env there must not leak into the run.
        self._cwd = cwd
        self._process: asyncio.subprocess.Process | None = None
        self._tail: deque[str] = deque(maxlen=30)
        self.errors: list[str] = []
        """Lines it logged at ERROR level (the project logs JSON, one object a line)."""
        self.core_warnings: list[str] = []
        """Warnings of Temporal's core (a worker's), which it writes to stdout: a workflow
        task over 5 s, a task that timed out before it was completed."""
        self._stderr_lines: list[Callable[[str], None]] = []
        self._readers: list[asyncio.Task[None]] = []
        self._first_stdout_line: asyncio.Future[str] | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self._module,
            *self._args,
            cwd=self._cwd,
            env=self._env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        self._first_stdout_line = asyncio.get_running_loop().create_future()
        self._readers = [
            asyncio.create_task(self._drain(self._process.stderr, self._stderr_line)),
            asyncio.create_task(self._drain_stdout()),
        ]

    async def first_stdout_line(self, timeout: float = 30) -> str:
        assert self._first_stdout_line
        line = await asyncio.wait_for(asyncio.shield(self._first_stdout_line), timeout)
        if not line:
            raise RuntimeError(self._crash_report("exited at start"))
        return line

    def count_logged(self, marker: str) -> Callable[[], int]:
        """From now on, counts the stderr lines that contain `marker`; call the result to read."""
        seen = 0

        def watch(line: str) -> None:
            nonlocal seen
            seen += marker in line

        self._stderr_lines.append(watch)
        return lambda: seen

    async def logged(self, marker: str, timeout: float = 60) -> None:
        """Returns once a stderr line contains `marker`."""
        seen = asyncio.Event()

        def watch(line: str) -> None:
            if marker in line:
                seen.set()

        self._stderr_lines.append(watch)
        if any(marker in line for line in self._tail):
            return
        await self._until(seen.wait(), timeout, f"logged {marker!r}")

    async def healthy(self, url: str, timeout: float = 60) -> None:
        """Returns once GET `url` answers 200."""

        async def poll() -> None:
            async with ClientSession() as session:
                while True:
                    try:
                        async with session.get(url) as response:
                            if response.status == 200:
                                return
                    except ClientError:
                        pass  # not listening yet
                    await asyncio.sleep(0.1)

        await self._until(poll(), timeout, f"healthy at {url}")

    def peak_rss_mib(self) -> float | None:
        """VmHWM from /proc (Linux): the process's own peak; None where there is no /proc."""
        return self._status_mib("VmHWM")

    def rss_mib(self) -> float | None:
        """VmRSS from /proc (Linux): what the process holds now; None where there is no /proc."""
        return self._status_mib("VmRSS")

    def cpu_seconds(self) -> float | None:
        """User and system CPU time the process has used so far (Linux); None elsewhere."""
        assert self._process
        try:
            stat = Path(f"/proc/{self._process.pid}/stat").read_text()
        except OSError:
            return None
        utime, stime = stat.rsplit(")", 1)[1].split()[11:13]
        return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")

    def _status_mib(self, field: str) -> float | None:
        assert self._process
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return None

    async def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown code runs."""
        assert self._process
        self._process.kill()
        await self._process.wait()
        await asyncio.gather(*self._readers)

    async def stop(self) -> None:
        if self._process is None or self._process.returncode is not None:
            return
        self._process.terminate()
        try:
            await asyncio.wait_for(self._process.wait(), 30)
        except TimeoutError:
            log.warning("%s ignored SIGTERM for 30s; killing it", self.name)
            self._process.kill()
            await self._process.wait()
        await asyncio.gather(*self._readers)

    async def _until(self, awaitable: Awaitable[object], timeout: float, what: str) -> None:
        """Waits for `awaitable`; a crash or the deadline ends the wait with the child's last lines."""
        assert self._process
        began = time.monotonic()
        waiting = asyncio.ensure_future(awaitable)
        exited = asyncio.ensure_future(self._process.wait())
        await asyncio.wait({waiting, exited}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        for task in (waiting, exited):
            task.cancel()
        if not waiting.done() or waiting.cancelled():
            problem = "exited at start" if exited.done() else f"not {what} after {timeout:.0f}s"
            raise RuntimeError(self._crash_report(problem))
        log.info("%s ready in %.1fs (pid %d)", self.name, time.monotonic() - began, self._process.pid)

    async def _drain(self, stream: asyncio.StreamReader | None, on_line: Callable[[str], None]) -> None:
        assert stream
        while True:
            try:
                raw = await stream.readline()
            except ValueError:
                # A line over the stream's limit (it is dropped): draining must go on, or
                # the child blocks on a full pipe the next time it logs.
                log.warning("%s logged a line too long to read; dropped it", self.name)
                continue
            if not raw:
                break
            line = raw.decode(errors="replace").rstrip()
            self._tail.append(line)
            on_line(line)

    async def _drain_stdout(self) -> None:
        assert self._process and self._first_stdout_line
        await self._drain(self._process.stdout, self._stdout_line)
        if not self._first_stdout_line.done():
            self._first_stdout_line.set_result("")  # exited before a line

    def _stderr_line(self, line: str) -> None:
        if '"level": "ERROR"' in line:
            self.errors.append(line)
        for watcher in self._stderr_lines:
            watcher(line)

    def _stdout_line(self, line: str) -> None:
        assert self._first_stdout_line
        if not self._first_stdout_line.done():
            self._first_stdout_line.set_result(line.strip())
        if " WARN" in line:
            self.core_warnings.append(_ANSI.sub("", line))

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process else None

    def last_lines(self) -> str:
        """What it logged last, to explain a failure."""
        return "\n".join(self._tail)

    def _crash_report(self, what: str) -> str:
        return f"{self.name} {what}; its last lines:\n" + "\n".join(self._tail)
