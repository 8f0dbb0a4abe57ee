"""Counting what a Temporal client asks of the server, by caller and kind.

The histories show what workflows did; some billable Actions never reach a history
(Queries, rejected Updates), and reads (describe, history, list) cost server work without
being billed. A client built with `ClientCalls().interceptor("bot")` counts its calls.
"""

from collections import Counter
from typing import Any

from temporalio.client import (
    DescribeWorkflowInput,
    FetchWorkflowHistoryEventsInput,
    Interceptor,
    ListWorkflowsInput,
    OutboundInterceptor,
    QueryWorkflowInput,
    SignalWorkflowInput,
    StartWorkflowInput,
    StartWorkflowUpdateInput,
    WorkflowExecutionAsyncIterator,
    WorkflowExecutionDescription,
    WorkflowHandle,
    WorkflowHistoryEventAsyncIterator,
    WorkflowUpdateHandle,
)

BILLABLE = frozenset({"start workflow", "signal-with-start", "signal", "query", "update"})
"""Each call of these kinds is one Action (an Update only once a worker accepted or
rejected it); the other kinds counted are reads, never billed."""


class ClientCalls:
    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        """(caller, kind of call) -> calls so far."""

    def interceptor(self, caller: str) -> Interceptor:
        calls = self

        class _Counting(Interceptor):
            def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
                return _CountingOutbound(next, calls.counts, caller)

        return _Counting()

    def since(self, before: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
        return self.counts - before


class _CountingOutbound(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, counts: Counter[tuple[str, str]], caller: str) -> None:
        super().__init__(next)
        self._counts = counts
        self._caller = caller

    def _count(self, kind: str) -> None:
        self._counts[(self._caller, kind)] += 1

    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[Any, Any]:
        self._count("signal-with-start" if input.start_signal else "start workflow")
        return await super().start_workflow(input)

    async def signal_workflow(self, input: SignalWorkflowInput) -> None:
        self._count("signal")
        await super().signal_workflow(input)

    async def query_workflow(self, input: QueryWorkflowInput) -> Any:
        self._count("query")
        return await super().query_workflow(input)

    async def start_workflow_update(self, input: StartWorkflowUpdateInput) -> WorkflowUpdateHandle[Any]:
        self._count("update")
        return await super().start_workflow_update(input)

    async def describe_workflow(self, input: DescribeWorkflowInput) -> WorkflowExecutionDescription:
        self._count("describe (read)")
        return await super().describe_workflow(input)

    def fetch_workflow_history_events(
        self, input: FetchWorkflowHistoryEventsInput
    ) -> WorkflowHistoryEventAsyncIterator:
        # handle.result() reads the history too, waiting for the close event.
        self._count("history or result (read)")
        return super().fetch_workflow_history_events(input)

    def list_workflows(self, input: ListWorkflowsInput) -> WorkflowExecutionAsyncIterator:
        self._count("list (read)")
        return super().list_workflows(input)
