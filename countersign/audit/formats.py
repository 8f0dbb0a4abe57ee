"""Writing records: JSON Lines (one object a line, keys in the record's order) or CSV."""

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict, fields
from typing import TextIO

from countersign.audit.records import AuditRecord

FORMATS = ("jsonl", "csv")
COLUMNS = [f.name for f in fields(AuditRecord)]
# A cell a spreadsheet would read as a formula (OWASP's list: = + - @, and tab and carriage
# return, which some spreadsheets skip before looking). Requesters and the model write
# summaries, deciders write reasons: such a value is written with a leading single quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_jsonl(records: Iterable[AuditRecord], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")


def write_csv(records: Iterable[AuditRecord], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([inert_cell(value) for value in asdict(record).values()])


def inert_cell(value: str) -> str:
    """`value` as a spreadsheet shows it as text, never evaluates it."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


WRITERS = {"jsonl": write_jsonl, "csv": write_csv}
