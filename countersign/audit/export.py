"""The export: approvals from visibility, each read from its history, a few at a time.

Which approvals: those that could have a decision since `since`, that is still running or
closed since then (`CloseTime`); of their records, those at or after `since`. A decision
is timed as the approval recorded it (`decided_at`, what its card shows); an end that was
not a decision (expired, cancelled, …) at the time the approval closed.

What counted comes from the approval's own account once it completed: its result. One
that did not (still running, cancelled, terminated) is read from its history: an Update's
answer there says whether it counted. Decisions sent as signals are not answered, so such
an approval is asked (`get_status`, which a worker answers); with no worker answering, the
history alone is read (`history`), and the caller is told.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio.client import Client, WorkflowExecution, WorkflowQueryFailedError
from temporalio.service import RPCError

from countersign.audit.history import read_history
from countersign.audit.records import PENDING, AuditRecord, iso_utc, recorded_decisions, records_of
from domain.approval_names import GET_STATUS
from domain.models import APPROVAL_WORKFLOW_TYPE, Approval

# Histories read at once: enough to hide each round trip, few enough not to crowd a
# cluster that is also serving the approvals themselves.
CONCURRENCY = 8
# A query waits for a worker to answer; none answering, the history alone is read.
QUERY_TIMEOUT = timedelta(seconds=5)


@dataclass
class Export:
    records: list[AuditRecord] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    """Approvals read from their history alone (no result, no worker answered their query)."""


def approvals_query(since: datetime) -> str:
    moment = since.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return (
        f"WorkflowType = '{APPROVAL_WORKFLOW_TYPE}' "
        f"AND (ExecutionStatus = 'Running' OR CloseTime >= '{moment}')"
    )


async def export(
    client: Client, since: datetime, on_total: Callable[[int], None], on_read: Callable[[], None]
) -> Export:
    """Every record since `since`, oldest first (ties in the approval's order)."""
    query = approvals_query(since)
    on_total((await client.count_workflows(query)).count)
    done = Export()
    bound = asyncio.Semaphore(CONCURRENCY)

    async def read(execution: WorkflowExecution) -> None:
        async with bound:
            records, confirmed = await approval_records(client, execution, since)
        done.records.extend(records)
        if not confirmed:
            done.unconfirmed.append(execution.id)
        on_read()

    await asyncio.gather(*[read(execution) async for execution in client.list_workflows(query)])
    done.records.sort(key=lambda record: (record.time, record.workflow_id))
    return done


async def approval_records(
    client: Client, execution: WorkflowExecution, since: datetime
) -> tuple[list[AuditRecord], bool]:
    """One approval's records since `since`, and whether the approval itself confirmed them."""
    handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
    history = await read_history(await handle.fetch_history(), client.data_converter)
    request, confirmed = history.request, True
    outcome, edits = history.closed or PENDING, []
    if history.result is not None:
        result = history.result
        decided = recorded_decisions(request, result.decision, result.progress, result.status)
        outcome, edits = result.status.value, result.edits
    elif not history.asked or (history.last_task_at and history.last_task_at < since):
        # Nobody sent it a decision, or none it could have recorded since `since`.
        decided = []
    elif not history.signalled:
        # Updates alone: each one's answer in the history says whether it counted.
        decided, edits = history.clicks, history.edits
    else:
        try:
            state = await handle.query(GET_STATUS, result_type=Approval, rpc_timeout=QUERY_TIMEOUT)
            decided = recorded_decisions(request, state.decision, state.progress, state.status)
            outcome, edits = history.closed or state.status.value, state.edits
        except (WorkflowQueryFailedError, RPCError):
            decided, edits, confirmed = history.clicks, history.edits, False
    records = records_of(execution.id, request, decided, outcome, history.closed_at, edits)
    return [r for r in records if r.time >= iso_utc(since)], confirmed
