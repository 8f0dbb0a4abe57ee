"""`python -m countersign.die_with_supervisor PID COMMAND…`: runs COMMAND so that it dies
when process PID (the supervisor that started it) dies, however it dies — SIGKILL included.

Linux's PR_SET_PDEATHSIG asks the kernel to send a signal when the parent dies, and it
survives exec. It has to be set in the child between fork and exec; a `preexec_fn` could
do that, but Python runs it in a forked copy of a process with threads (asyncio's child
watchers), where it may deadlock. This wrapper is a fresh single-threaded process that sets
it and then execs COMMAND in its place (same PID, nothing left in between). Elsewhere
than Linux there is no such call: only the check that the supervisor is still there is made.

It covers COMMAND itself, not what COMMAND starts in turn (the kernel clears the setting in a
fork). None of the Procfile's processes starts another: `countersign.temporal_server` execs
the `temporal` binary in its own place.
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        # SIGKILL, not SIGTERM: with its supervisor gone nobody reads the output or stops the
        # others in order; everything here survives a kill (Temporal redoes what was cut off).
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    # The supervisor may have died before prctl: then no signal comes, so stop here.
    if os.getppid() != parent_pid:
        raise SystemExit(f"countersign: the supervisor ({parent_pid}) is gone; not starting {sys.argv[2:]}")


def main() -> None:
    parent_pid, command = int(sys.argv[1]), sys.argv[2:]
    die_with_parent(parent_pid)
    try:
        os.execvp(command[0], command)
    except OSError as err:
        raise SystemExit(f"countersign: cannot run {command[0]!r}: {err.strerror}") from None


if __name__ == "__main__":
    main()
