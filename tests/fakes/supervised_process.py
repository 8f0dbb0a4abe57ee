"""A stand-in for a Procfile process under `countersign.run`, run by path in
tests/test_run_supervisor.py: starts in a few tens of milliseconds and says its PID, so the
test can check, by PID, that nothing outlives a stop.

    supervised_process.py idle NAME                  until SIGTERM, then 0.3 s to stop
    supervised_process.py spawns NAME                the same, with a grandchild (idle)
    supervised_process.py stubborn NAME              ignores SIGTERM
    supervised_process.py quiet NAME                 SIGTERM's default: dies at once, silent
    supervised_process.py noisy NAME                 on SIGTERM, a WARN line as Temporal prints
    supervised_process.py exits NAME FILE CODE LINE  once FILE exists, prints LINE, exits CODE
"""

import os
import signal
import subprocess
import sys
import time

STOP_SECONDS = 0.3


def say(*words: object) -> None:
    # One write, so a line cannot interleave with its grandchild's on the pipe they share
    # (print writes the newline separately when PYTHONUNBUFFERED is set, as make run sets it).
    os.write(1, (" ".join(map(str, words)) + "\n").encode())


def on_sigterm(name: str, warn: bool) -> None:
    def stop(signum: int, frame: object) -> None:
        say(f"{name} got SIGTERM")
        if warn:
            say('time=now level=WARN msg="network dial error" service=client')
        time.sleep(STOP_SECONDS)  # a process that takes a moment to stop, as a real one does
        say(f"{name} stopped")
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def main() -> None:
    mode, name, *rest = sys.argv[1:]
    if mode == "exits":
        say("pid", name, os.getpid())
        file, code, line = rest
        while not os.path.exists(file):
            time.sleep(0.02)
        say(line)
        raise SystemExit(int(code))
    # Ready for SIGTERM before saying the PID: a test stops it as soon as it has the PID.
    if mode == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    elif mode != "quiet":
        on_sigterm(name, warn=mode == "noisy")
    if mode == "spawns":
        subprocess.Popen([sys.executable, __file__, "idle", f"{name}-grandchild"])
    say("pid", name, os.getpid())
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
