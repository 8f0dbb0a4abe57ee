"""How far a long export has got, on stderr, only when stderr is a terminal: piped or
redirected, stderr carries errors alone."""

import sys
import time
from typing import TextIO

from countersign.audit import PROGRAM

# Redrawn at most this often: thousands of approvals a second would otherwise be all the
# terminal does.
REDRAW_SECONDS = 0.1


class ProgressLine:
    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._shown = stream.isatty()
        self._total = 0
        self._read = 0
        self._drawn_at = 0.0

    def total(self, count: int) -> None:
        self._total = count
        self._draw()

    def read_one(self) -> None:
        self._read += 1
        if time.monotonic() - self._drawn_at >= REDRAW_SECONDS or self._read == self._total:
            self._draw()

    def close(self) -> None:
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()

    def _draw(self) -> None:
        if not self._shown:
            return
        # The count visibility gave is a snapshot: approvals closing meanwhile can pass it.
        total = max(self._total, self._read)
        width = 30
        filled = width * self._read // total if total else width
        bar = "#" * filled + "." * (width - filled)
        self._stream.write(f"\r{PROGRAM}: [{bar}] {self._read}/{total} approvals")
        self._stream.flush()
        self._drawn_at = time.monotonic()
