"""Records the histories a release leaves behind, for the replay test to hold later code to.

    python -m tests.histories.record            # into tests/histories/<commit>/
    python -m tests.histories.record --name v0.2.0

Runs every scenario of `tests.histories.scenarios` against the code as checked out, on a dev
server of its own, and writes one JSON file per workflow (the format `temporal workflow show
--output json` and the Temporal UI download):
`tests/histories/<name>/<scenario>/<workflow id>.json`. Commit them with the release.
"""

import argparse
import asyncio
import logging
import subprocess
import sys
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes
from tests.histories.scenarios import run_scenarios

HISTORIES = Path(__file__).resolve().parent
# What workflow code is made of: a change in any of them may change the commands it sends.
WORKFLOW_CODE = ["workflows", "activities", "blocks", "domain"]


def release_name() -> str:
    """The commit the workflow code comes from; `-dirty` when it has uncommitted changes."""
    root = HISTORIES.parent.parent
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--", *WORKFLOW_CODE],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return f"{commit}-dirty" if changed else commit


async def record(into: Path) -> int:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        search_attributes=search_attributes.ALL,
        data_converter=DATA_CONVERTER,
    )
    try:
        recorded = await run_scenarios(env.client)
    finally:
        await env.shutdown()
    (expired,) = recorded["approval-expired"].values()
    if not any(e.HasField("timer_fired_event_attributes") for e in expired.events):
        # Its card took the whole timeout to post: it expired without waiting, the rare path.
        sys.exit("approval-expired never waited on its timer (a loaded machine?): record again")
    count = 0
    for scenario, histories in recorded.items():
        folder = into / scenario
        folder.mkdir(parents=True, exist_ok=True)
        for workflow_id, history in histories.items():
            (folder / f"{workflow_id}.json").write_text(history.to_json() + "\n")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--name", help="the release's folder under tests/histories (default: the commit)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    into = HISTORIES / (args.name or release_name())
    if into.exists():
        sys.exit(f"{into} exists: histories of a release are recorded once")
    count = asyncio.run(record(into))
    print(f"Recorded {count} workflow histories in {into}")


if __name__ == "__main__":
    main()
