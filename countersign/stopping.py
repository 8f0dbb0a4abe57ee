"""How every long-running process here learns it should stop: SIGTERM or Ctrl-C."""

import asyncio
import logging
import os
import signal
import sys
from typing import NoReturn


def stop_on_signals() -> asyncio.Event:
    """An event set on SIGTERM (a process manager) or SIGINT (Ctrl-C); call inside the loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


def exit_without_finalizing(code: int = 0) -> NoReturn:
    """Ends a process that has stopped (cleanly, unless `code` says otherwise), skipping the
    interpreter's finalizing: what is left is freed with the process. The worker's last
    full collection (the workflow sandbox re-imports per run) took 2.7 s, and Temporal
    core's native threads, still alive then, can abort it ("Fatal Python error:
    PyGILState_Release ... finalizing")."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
