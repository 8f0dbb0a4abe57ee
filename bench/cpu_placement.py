"""Which CPUs the benchmark's processes run on: the bots apart from Temporal and the worker.

In production the bot runs on machines of its own, and the Temporal cluster and the
workers on others (../README.md, "Scaling out"). On one small machine, left to the
scheduler, the server's and the worker's work for *our* requests would land on the same
CPUs as our acks, but never on the bare app's, which starts no work. So by default the
bench splits the machine's CPUs: one half for the bots and the load generator (each bot
timed alone on it), the other half for Temporal, the worker and the fake Slack.
"""

import os


def split_cpus() -> tuple[set[int], set[int]] | None:
    """(the bots' CPUs, the backend's CPUs), or None where there is only one CPU to use."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    half = len(cpus) // 2
    return set(cpus[:half]), set(cpus[half:])


def run_here_on(cpus: set[int] | None) -> None:
    """This thread, and every process and thread it starts from now on, runs on `cpus`."""
    if cpus is not None:
        os.sched_setaffinity(0, cpus)
