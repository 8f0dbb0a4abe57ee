"""Temporal Cloud's billable Actions, counted from a workflow's event history.

The rules are Temporal Cloud's, as its documentation states them ("Temporal Cloud
Actions", https://docs.temporal.io/evaluate/cloud/actions, source
temporalio/documentation `docs/evaluate/cloud/actions.mdx`):

- a Workflow started by a client: 1; a Signal-With-Start: 1 in all, "regardless of
  whether the Workflow starts" (its Started and Signaled events are one Action);
- a Child Workflow: 2 on the parent ("one for durably storing the intent to start a
  Child Workflow and one for the attempt to start it"), none on the child;
- a Signal: 1; an Update accepted or rejected: 1 (a rejected one is never in history);
- an Activity: 1 when scheduled, 1 more per retry (its Started event's attempt - 1);
- Local Activities: "all Local Activities associated with one Workflow Task count as a
  single Action. Temporal Cloud counts all RecordMarkers from each Workflow Task as one
  action", plus 1 per Local Activity retry (the Workflow Task's metering metadata);
- a Timer started: 1, the SDK's implicit ones (a wait with a timeout) included;
- an UpsertSearchAttributes command: 1 however many attributes it sets; those given at
  start are free, and so is the versioning attribute `TemporalChangeVersion`.

Not billable, though in history: workflow tasks, activity and child completions, timer
fires, memo upserts (WorkflowPropertiesModified is in no list). Not in history, though
billable: Queries (1 each, received by a worker), rejected Updates, Activity Heartbeats
that reach the server, Workflow Task heartbeats (a Local Activity running past the task
timeout); bench.cost counts the client calls beside the histories.
"""

from collections import Counter
from collections.abc import Iterable

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

VERSIONING_ATTRIBUTE = "TemporalChangeVersion"


def event_counts(events: Iterable[HistoryEvent]) -> Counter[str]:
    """Events by type, named as in the docs without the EVENT_TYPE_ prefix."""
    return Counter(EventType.Name(e.event_type).removeprefix("EVENT_TYPE_") for e in events)


def billable_actions(events: list[HistoryEvent], since: int = 0) -> Counter[str]:
    """The Actions this history bills, by kind, from its event at index `since` on (what
    a later request added to a running workflow)."""
    actions: Counter[str] = Counter()
    started_by_signal = (
        len(events) > 1 and events[1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
    )
    marker_tasks: set[int] = set()
    for index, event in enumerate(events[since:], start=since):
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            attributes = event.workflow_execution_started_event_attributes
            if not attributes.HasField("parent_workflow_execution"):
                # A start always writes its first workflow task next; only Signal-With-Start
                # puts its signal between the two.
                actions["signal-with-start" if started_by_signal else "workflow start"] += 1
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            if not (started_by_signal and index == 1):
                actions["signal"] += 1
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            actions["update"] += 1
        elif kind == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
            actions["child workflow start (2 each)"] += 2
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            actions["activity"] += 1
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            if retries := event.activity_task_started_event_attributes.attempt - 1:
                actions["activity retry"] += retries
        elif kind == EventType.EVENT_TYPE_MARKER_RECORDED:
            marker_tasks.add(event.marker_recorded_event_attributes.workflow_task_completed_event_id)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            metering = event.workflow_task_completed_event_attributes.metering_metadata
            if retries := metering.nonfirst_local_activity_execution_attempts:
                actions["local activity retry"] += retries
        elif kind == EventType.EVENT_TYPE_TIMER_STARTED:
            actions["timer"] += 1
        elif kind == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
            fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
            if set(fields) - {VERSIONING_ATTRIBUTE}:
                actions["search attribute upsert"] += 1
    if marker_tasks:
        actions["local activities / markers (1 per workflow task)"] += len(marker_tasks)
    return actions
