"""The safety net for workflow changes: histories replay on this code, command for command.

Approvals wait for days and threads for longer, so the worker that finishes a workflow may
run newer code than the one that started it. Temporal replays the history to rebuild the
workflow's state: if this code would send other commands than the history recorded, that
workflow is stuck. Two sources of histories:

- the ones committed under `tests/histories/<release>/` (`python -m tests.histories.record`),
  what workflows of those releases may still be in the middle of;
- a fresh run of the same scenarios on this code, which catches code that does not even
  replay its own histories (a clock, a random number, iteration over a set).

A change that fails here needs `workflow.patched` (docs/architecture.md explains how).
"""

import re
from pathlib import Path

from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from countersign.settings import Settings
from countersign.temporal_client import DATA_CONVERTER
from tests.histories.record import release_name
from tests.histories.scenarios import SCENARIOS, run_scenarios
from workflows.worker import build_replayer

HISTORIES = Path(__file__).parent / "histories"
# What a DataConverter is made of (the rest are instances built from these).
CONVERTER_SETTINGS = [
    "payload_converter_class",
    "payload_codec",
    "failure_converter_class",
    "external_storage",
]


async def replay_failures(replayer: Replayer, histories: list[tuple[str, WorkflowHistory]]) -> list[str]:
    """One line per history that does not replay: where it came from, its workflow, and why."""

    async def each():
        for _, history in histories:
            yield history

    where = {history.run_id: source for source, history in histories}
    failures = []
    async with replayer.workflow_replay_iterator(each()) as results:
        async for result in results:
            if result.replay_failure:
                history = result.history
                failures.append(
                    f"{where[history.run_id]}: workflow {history.workflow_id}: {why(result.replay_failure)}"
                )
    return failures


def why(failure: Exception) -> str:
    """Core's own words ("[TMPRL1100] Nondeterminism error: Activity type of scheduled event
    'post_approval_request' does not match ..."), out of the failure struct it is wrapped in."""
    text = str(failure)
    said = re.search(r'message: "((?:[^"\\]|\\.)*)"', text)
    return said.group(1).replace('\\"', '"') if said else f"{type(failure).__name__}: {text}"


def test_the_replayer_reads_payloads_as_the_worker_does(settings: Settings):
    converter = build_replayer(settings).config(active_config=True)["data_converter"]

    assert [getattr(converter, f) for f in CONVERTER_SETTINGS] == [
        getattr(DATA_CONVERTER, f) for f in CONVERTER_SETTINGS
    ]


def committed_histories() -> list[tuple[str, WorkflowHistory]]:
    """Every committed history, with its release and scenario; a file is named after its
    workflow's ID."""
    return [
        (str(path.parent.relative_to(HISTORIES)), WorkflowHistory.from_json(path.stem, path.read_text()))
        for path in sorted(HISTORIES.glob("*/*/*.json"))
    ]


async def test_histories_of_past_releases_replay_on_this_code(settings: Settings):
    histories = committed_histories()
    assert histories, f"no histories under {HISTORIES}: record them with python -m tests.histories.record"

    failures = await replay_failures(build_replayer(settings), histories)

    assert not failures, "Workflow histories that no longer replay:\n" + "\n".join(failures)


def test_the_recorder_names_a_release_after_its_commit():
    # Also keeps the recorder importable: nothing else in the suite runs it.
    assert re.fullmatch(r"[0-9a-f]{7,}(-dirty)?", release_name())


async def test_what_this_code_records_replays_on_it(client: Client, settings: Settings):
    recorded = await run_scenarios(client)
    histories = [
        (f"{scenario} (recorded now)", history)
        for scenario, by_id in recorded.items()
        for history in by_id.values()
    ]
    assert set(recorded) == set(SCENARIOS) and all(recorded.values())

    failures = await replay_failures(build_replayer(settings), histories)

    assert not failures, "Workflow histories that do not replay on the code that wrote them:\n" + "\n".join(
        failures
    )
