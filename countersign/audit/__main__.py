"""`python -m countersign.audit --since 7d --format jsonl|csv [--output FILE]`.

Records go to stdout (or FILE), progress to stderr when it is a terminal, and otherwise
stderr carries only errors: one line each. Bad arguments or settings exit 2; Temporal
unreachable, or refusing a call, exits 1.
"""

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime
from typing import NoReturn

from temporalio.service import RPCError

from countersign.audit import PROGRAM
from countersign.audit.export import Export, export
from countersign.audit.formats import FORMATS, WRITERS
from countersign.audit.progress import ProgressLine
from countersign.audit.since import parse_since
from countersign.settings import Settings, exit_on_bad_settings, load_settings
from countersign.stopping import exit_without_finalizing
from countersign.temporal_client import connect


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse's own is the usage and then the message: one line is asked for.
        print(f"{PROGRAM}: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def _since(text: str) -> datetime:
    try:
        return parse_since(text, datetime.now(UTC))
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = _Parser(
        prog="python -m countersign.audit",
        description="One record per decision on an approval, read from Temporal.",
    )
    parser.add_argument(
        "--since", type=_since, default="7d", help="30m, 12h, 7d, 2w, or an ISO date (UTC); default 7d"
    )
    parser.add_argument("--format", choices=FORMATS, default="jsonl", help="default jsonl")
    parser.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    return parser.parse_args(argv)


async def _export(settings: Settings, since: datetime) -> Export:
    try:
        # One attempt: an export is run by hand or by cron, not beside a server coming up.
        client = await connect(settings, wait_seconds=0)
    except RuntimeError as err:
        _fail(f"cannot reach Temporal at {settings.temporal_address}: {err}")
    progress = ProgressLine()
    try:
        return await export(client, since, progress.total, progress.read_one)
    except RPCError as err:
        _fail(f"Temporal refused the export: {err}")
    finally:
        progress.close()


def _fail(line: str) -> NoReturn:
    print(f"{PROGRAM}: {line}", file=sys.stderr)
    raise SystemExit(1)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with exit_on_bad_settings(PROGRAM):
        settings = load_settings()
    done = asyncio.run(_export(settings, args.since))
    write = WRITERS[args.format]
    if args.output is None:
        try:
            write(done.records, sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            # Read by `head` or a pager that has seen enough: not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
    else:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                write(done.records, out)
        except OSError as err:
            _fail(f"cannot write {args.output}: {err.strerror}")
    if done.unconfirmed:
        print(
            f"{PROGRAM}: no worker answered for {len(done.unconfirmed)} approvals without a result "
            f"(e.g. {done.unconfirmed[0]}); their decisions are read from their history alone",
            file=sys.stderr,
        )


def run() -> NoReturn:
    """`main`, then out without the interpreter's finalizing, which Temporal core's threads,
    still alive once a client connected, can abort (countersign.stopping)."""
    try:
        main()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
    exit_without_finalizing(code)


if __name__ == "__main__":
    run()
