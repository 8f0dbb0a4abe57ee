"""How much CPU processes outside a run used while it timed something (Linux only).

A test suite or another bench on the same machine delays every timing: a high share
means the figures are slow for reasons not their own.
"""

import os
import time
from pathlib import Path


class OtherProcessesLoad:
    """From construction until `share()`: CPU used by processes that are neither this one
    nor its descendants (the dev server, the bots, the worker), over the machine's capacity."""

    def __init__(self) -> None:
        self._began = (time.monotonic(), _machine_busy_seconds(), _tree_cpu_seconds())

    def share(self) -> float | None:
        wall0, busy0, ours0 = self._began
        busy, ours = _machine_busy_seconds(), _tree_cpu_seconds()
        if busy is None or busy0 is None or ours is None or ours0 is None:
            return None
        others = (busy - busy0) - (ours - ours0)
        return max(0.0, others / ((time.monotonic() - wall0) * (os.cpu_count() or 1)))


def _machine_busy_seconds() -> float | None:
    try:
        first_line = Path("/proc/stat").read_text().split("\n", 1)[0]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = map(int, first_line.split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _tree_cpu_seconds() -> float | None:
    """User and system time of this process and every live descendant."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # exited meanwhile
        # The command name, in parentheses, may hold spaces: fields are counted after it.
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        ticks[pid] = int(fields[11]) + int(fields[12])
    if not ticks:
        return None
    ours = {os.getpid()}
    grew = True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in ours} - ours
        ours |= found
        grew = bool(found)
    return sum(ticks.get(pid, 0) for pid in ours) / os.sysconf("SC_CLK_TCK")
