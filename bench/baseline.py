"""The baseline: a bare workflow (one signal, no activities) and a worker that runs it.

Its own module because the workflow sandbox re-imports a workflow's module: this one
imports nothing heavy. `python -m bench.baseline ADDRESS TASK_QUEUE` runs the worker.
"""

import asyncio
import logging
import signal
import sys

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    from countersign.temporal_client import DATA_CONVERTER

log = logging.getLogger("bench.baseline")


@workflow.defn
class BareApprovalWorkflow:
    """Waits for one boolean signal and returns it: what Temporal alone costs."""

    def __init__(self) -> None:
        self._approved: bool | None = None

    @workflow.run
    async def run(self) -> bool:
        await workflow.wait_condition(lambda: self._approved is not None)
        return bool(self._approved)

    @workflow.signal
    def approve(self, approved: bool) -> None:
        self._approved = approved

    @workflow.query
    def get_status(self) -> bool | None:
        return self._approved


async def run_worker(address: str, task_queue: str) -> None:
    # Same data converter as the project's worker, so payloads cost the same.
    client = await Client.connect(address, data_converter=DATA_CONVERTER)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=task_queue, workflows=[BareApprovalWorkflow]):
        log.info("Worker ready")
        await stop.wait()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    address, task_queue = sys.argv[1:3]
    asyncio.run(run_worker(address, task_queue))


if __name__ == "__main__":
    main()
