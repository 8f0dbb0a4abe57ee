"""The audit export: one record per decision on an approval, read from Temporal alone.

`python -m countersign.audit --since 7d --format jsonl|csv` (see `__main__`). Nothing is
kept anywhere else: visibility lists the approvals, each one's history and its own record
of what counted (its result, or the `get_status` query) give the decisions.
"""

PROGRAM = "countersign audit"
"""How the export names itself on stderr."""
