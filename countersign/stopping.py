"""How every long-running process here learns it should stop: SIGTERM or Ctrl-C."""

import asyncio
import signal


def stop_on_signals() -> asyncio.Event:
    """An event set on SIGTERM (a process manager) or SIGINT (Ctrl-C); call inside the loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop
