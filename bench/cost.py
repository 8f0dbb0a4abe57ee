"""Benchmark: what one request costs in Temporal, counted: history events and billable Actions.

`python -m bench.cost` from the repo root; about half a minute. A count, not a timing:
the same code gives the same figures on any machine, under any load.

All on loopback and in this process: a throwaway dev server (its `action` metric read
before and after each request), the real worker (`build_worker`) and the real bot
(`build_bot_web_app`) sent signed Slack requests, the fake Slack Web API, the fake model
(tests/fakes/openai_server.py) and the webhook receiver. Five requests, one at a time,
each thread on a task queue of its own; every click comes once its approval waits on its
card, as a person's does:

1. **agent**: a mention; the model calls `wire_transfer`; its approval's card; an Approve
   click (the bot's Update); the card updated; the webhook run; the card updated with
   what ran; the model's answer in the thread.
   **agent, edited**: the same, but the approver edits the amount and reference in the
   Edit & approve modal (views.open, then the modal's submission) instead of Approve.
2. **approval-only** (no model configured): a mention; its card; the click; the outcome
   in the thread.
3. **approval-only follow-up**: the same again, a second mention in that thread (the
   conversation is running already: no start, no setup).
4. **bare**: `bench.baseline`'s workflow started, sent one signal once it waits, completed.

Per workflow: its history's events by type and the billable Actions they make under
Temporal Cloud's rules (bench/billable_actions.py, which cites them); per request, the
client calls of the bot, the worker's activities and this bench, and the dev server's own
`action` counter as a check.
"""

import asyncio
import json
import logging
import tempfile
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import ClientSession, web
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.baseline import BareApprovalWorkflow
from bench.billable_actions import billable_actions, event_counts
from bench.bot_latency import WAL_PRAGMAS, free_port
from bench.client_calls import BILLABLE, ClientCalls
from blocks.approval_card import APPROVE_ACTION_ID
from bot.http.server import EVENTS_PATH, build_bot_web_app
from countersign.settings import Settings, load_settings
from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes as sa
from tests.bot.cards import BOT_USER, buttons, cards, click, edit, edit_values, thread_replies
from tests.fakes.openai_server import FakeOpenAI, message, tool_call
from tests.fakes.slack_payloads import mention_event, view_submission
from tests.fakes.slack_requests import BotResponse, SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from tests.receipt_key import JWKS, SIGNING_KEY_PEM
from workflows.worker import build_worker

log = logging.getLogger("bench")

REQUESTER = "U0COSTREQ"
# The example catalog's payments manager: its wire_transfer is decided by that stage.
APPROVER = "U02GRACEHO"
CHANNEL = "C0COST"
SIGNING_SECRET = "bench-signing-secret"
WEBHOOK_SECRET = "bench-webhook-secret"
WIRE = {
    "amount": "5000.00",
    "currency": "USD",
    "payee": "ACME Corp",
    "account": "DE89370400440532013000",
    "reference": "invoice 4411",
}
# What the approver changes in the "agent, edited" request.
EDITED = {"amount": "4500.00", "reference": "invoice 4411-B"}
# The dev server publishes its metrics now and then, not at each increment.
METRICS_SETTLE_SECONDS = 1.5


@dataclass
class WorkflowCost:
    workflow_id: str
    workflow_type: str
    events: Counter[str]
    actions: Counter[str]
    markers: Counter[str]


@dataclass
class RequestCost:
    name: str
    workflows: list[WorkflowCost]
    calls: Counter[tuple[str, str]]
    """(caller, kind) -> client calls made during the request."""
    server_actions: Counter[str] = field(default_factory=Counter)
    """The dev server's `action` counter, by action_type, over the request."""

    @property
    def events(self) -> int:
        return sum(sum(w.events.values()) for w in self.workflows)

    @property
    def actions(self) -> int:
        """Billable Actions: the histories', and the queries no history holds."""
        queries = sum(n for (_, kind), n in self.calls.items() if kind == "query")
        return sum(sum(w.actions.values()) for w in self.workflows) + queries

    def server_extra(self) -> Counter[str]:
        """What the server's counter has beyond our Actions: memo upserts, and search
        attribute upserts of TemporalChangeVersion alone (each `workflow.patched`)."""
        upserts = sum(w.actions["search attribute upsert"] for w in self.workflows)
        extra = Counter(
            {
                "memo upserts": self.server_actions["command_ModifyWorkflowProperties"],
                "TemporalChangeVersion upserts": self.server_actions["command_UpsertWorkflowSearchAttributes"]
                - upserts,
            }
        )
        extra["unexplained"] = sum(self.server_actions.values()) - self.actions - sum(extra.values())
        return Counter({kind: n for kind, n in extra.items() if n})


class Stage:
    """What every request shares: the server, the fakes, and the counted clients."""

    def __init__(self, env: WorkflowEnvironment, metrics_url: str, session: ClientSession) -> None:
        self.env = env
        self.metrics_url = metrics_url
        self.session = session
        self.calls = ClientCalls()
        self.slack = FakeSlackWebApi()
        self.webhooks = FakeWebhookReceiver(WEBHOOK_SECRET, JWKS)
        self.model = FakeOpenAI()
        self.clients: dict[str, Client] = {}

    async def start(self, stack: AsyncExitStack) -> None:
        for fake in (self.slack, self.webhooks, self.model):
            await fake.start()
            stack.push_async_callback(fake.stop)
        address = self.env.client.service_client.config.target_host
        for caller in ("bot", "worker", "bench"):
            self.clients[caller] = await Client.connect(
                address, data_converter=DATA_CONVERTER, interceptors=[self.calls.interceptor(caller)]
            )

    def settings(self, task_queue: str, *, with_model: bool) -> Settings:
        environ = {
            "SLACK_BOT_TOKEN": "xoxb-bench-countersign",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "TEMPORAL_ADDRESS": self.env.client.service_client.config.target_host,
            "TEMPORAL_TASK_QUEUE": task_queue,
            "WEBHOOK_SIGNING_SECRET": WEBHOOK_SECRET,
            "WEBHOOK_BASE_URL": self.webhooks.url,
            "APPROVAL_SIGNING_KEY": SIGNING_KEY_PEM,
        }
        if with_model:
            environ |= {"OPENAI_API_KEY": "sk-bench", "OPENAI_BASE_URL": self.model.base_url}
        return load_settings(environ, env_file="/nonexistent/.env")

    async def server_actions(self) -> Counter[str]:
        """The dev server's `action` counter so far in the default namespace, by action_type,
        once it stopped changing."""
        last = await self._read_server_actions()
        for _ in range(10):
            await asyncio.sleep(METRICS_SETTLE_SECONDS)
            if (now := await self._read_server_actions()) == last:
                return now
            last = now
        raise RuntimeError("the dev server's action counter never settled")

    async def _read_server_actions(self) -> Counter[str]:
        async with self.session.get(self.metrics_url) as response:
            text = await response.text()
        counts: Counter[str] = Counter()
        for line in text.splitlines():
            if line.startswith("action{") and 'namespace="default"' in line:
                labels, value = line.rsplit(" ", 1)
                action_type = labels.split('action_type="', 1)[1].split('"', 1)[0]
                counts[action_type] += int(float(value))
        return counts


@asynccontextmanager
async def serving_bot(stage: Stage, settings: Settings) -> AsyncIterator[SlackRequests]:
    runner = web.AppRunner(build_bot_web_app(settings, stage.clients["bot"]), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield SlackRequests(f"http://127.0.0.1:{port}{EVENTS_PATH}", SIGNING_SECRET, stage.session)
    finally:
        await runner.cleanup()


@dataclass
class Thread:
    """A Slack thread talking to the bot: its first mention starts the conversation."""

    name: str
    with_model: bool
    ts: str
    mentions: int = 0
    edits: bool = False
    """The approver edits the amount before approving (Edit & approve), rather than Approve."""

    @property
    def task_queue(self) -> str:
        return f"bench-cost-{self.name}"


async def one_request(stage: Stage, name: str, thread: Thread) -> RequestCost:
    """A mention in `thread` through to its answer, as Slack and a person would drive it."""
    settings = stage.settings(thread.task_queue, with_model=thread.with_model)
    slack, client = stage.slack, stage.env.client
    already = await _history_lengths(client, thread.task_queue)
    calls_before, server_before = stage.calls.counts.copy(), await stage.server_actions()
    cards_before, replies_before = len(cards(slack)), len(thread_replies(slack))
    ran_before = len(stage.webhooks.accepted)
    if thread.with_model:
        stage.model.then(tool_call("wire_transfer", WIRE), message("Sent $5,000 to ACME Corp."))
    mention = mention_event(
        text=f"<@{BOT_USER}> wire $5,000 to ACME Corp, DE89370400440532013000, for invoice 4411",
        user=REQUESTER,
        channel=CHANNEL,
        ts=thread.ts if thread.mentions == 0 else f"{thread.ts[:-3]}{thread.mentions:03d}",
        thread_ts=thread.ts if thread.mentions else None,
    )
    thread.mentions += 1
    async with build_worker(stage.clients["worker"], settings), serving_bot(stage, settings) as bot:
        _answered(await bot.event(mention), "the mention")
        await slack.wait_for(lambda: len(cards(slack)) > cards_before, timeout=30, what="the card")
        card = cards(slack)[cards_before]
        await _waiting_on_card(client, _approval_id(card))
        if thread.edits:
            await _edit_and_approve(bot, slack, card)
        else:
            _answered(await bot.interaction(click(card, APPROVER, approve=True)), "the click")
        await slack.wait_for(
            lambda: len(thread_replies(slack)) > replies_before, timeout=30, what="the answer"
        )
        if thread.with_model and len(stage.webhooks.accepted) != ran_before + 1:
            raise RuntimeError("the approved webhook did not run exactly once")
        if thread.edits and stage.webhooks.accepted[-1].json != WIRE | EDITED:
            raise RuntimeError("the webhook did not run the edited version")
        # The conversation, the approvals of its earlier requests, and this request's one.
        lengths = await _settled(client, thread.task_queue, count=(len(already) or 1) + 1)
    return RequestCost(
        name,
        [
            await _workflow_cost(client, workflow_id, since=already.get(workflow_id, 0))
            for workflow_id in sorted(lengths)
            if lengths[workflow_id] > already.get(workflow_id, 0)
        ],
        stage.calls.since(calls_before),
        await stage.server_actions() - server_before,
    )


async def _edit_and_approve(bot: SlackRequests, slack: FakeSlackWebApi, card: SlackCall) -> None:
    opened = len(slack.calls_to("views.open"))
    _answered(await bot.interaction(edit(card, APPROVER)), "the Edit & approve click")
    await slack.wait_for(lambda: len(slack.calls_to("views.open")) > opened, timeout=30, what="the modal")
    view = slack.calls_to("views.open")[-1].args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    submission = view_submission(view=view, user=APPROVER, values=edit_values(view, EDITED))
    _answered(await bot.interaction(submission), "the edit")


async def bare_request(stage: Stage) -> RequestCost:
    """bench.baseline's workflow: started, idle, one signal, done."""
    task_queue = "bench-cost-bare"
    calls_before, server_before = stage.calls.counts.copy(), await stage.server_actions()
    client = stage.clients["bench"]
    async with Worker(client, task_queue=task_queue, workflows=[BareApprovalWorkflow]):
        handle = await client.start_workflow(BareApprovalWorkflow.run, id="bare-cost", task_queue=task_queue)
        # Signalled once it waits, as a decision comes long after the start.
        await _settled(stage.env.client, task_queue, count=1)
        await handle.signal(BareApprovalWorkflow.approve, True)
        await handle.result()
    # This bench's own calls (start, signal, the result) are the request here.
    return RequestCost(
        "bare",
        [await _workflow_cost(stage.env.client, handle.id)],
        stage.calls.since(calls_before),
        await stage.server_actions() - server_before,
    )


def _approval_id(card: SlackCall) -> str:
    return next(b["value"] for b in buttons(card) if b["action_id"] == APPROVE_ACTION_ID)


def _answered(response: BotResponse, what: str) -> None:
    if response.status != 200:
        raise RuntimeError(f"the bot answered {what} with {response.status}: {response.text[:200]}")


async def _history_lengths(client: Client, task_queue: str) -> dict[str, int]:
    ids = [e.id async for e in client.list_workflows(f"TaskQueue = '{task_queue}'")]
    return {workflow_id: len(await _events(client, workflow_id)) for workflow_id in ids}


async def _settled(client: Client, task_queue: str, count: int) -> dict[str, int]:
    """The history lengths of the `count` workflows on `task_queue` once none has work left
    (closed, or waiting with no task or activity pending) and none grows any more."""
    previous: dict[str, int] = {}
    for _ in range(150):
        ids = [e.id async for e in client.list_workflows(f"TaskQueue = '{task_queue}'")]
        histories = {workflow_id: await _events(client, workflow_id) for workflow_id in ids}
        lengths = {workflow_id: len(events) for workflow_id, events in histories.items()}
        idle = all(events and _idle(events[-1]) for events in histories.values())
        if len(ids) == count and idle and lengths == previous:
            return lengths
        previous = lengths
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{task_queue}: the workflows never settled ({previous})")


async def _waiting_on_card(client: Client, workflow_id: str) -> None:
    """Returns once the approval has recorded its card and waits for a decision, as it
    does long before a person clicks; a click sooner would share the card's task."""
    for _ in range(150):
        events = await _events(client, workflow_id)
        if events[-1].event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{workflow_id} never waited for its decision")


def _idle(last: HistoryEvent) -> bool:
    return last.event_type in (
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_TIMER_STARTED,
    )


async def _events(client: Client, workflow_id: str) -> list[HistoryEvent]:
    return [e async for e in client.get_workflow_handle(workflow_id).fetch_history_events()]


async def _workflow_cost(client: Client, workflow_id: str, since: int = 0) -> WorkflowCost:
    """What the workflow's history holds after its first `since` events."""
    events = await _events(client, workflow_id)
    started = events[0].workflow_execution_started_event_attributes
    new = events[since:]
    return WorkflowCost(
        workflow_id,
        started.workflow_type.name,
        event_counts(new),
        billable_actions(events, since=since),
        Counter(
            e.marker_recorded_event_attributes.marker_name
            for e in new
            if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        ),
    )


def report(costs: list[RequestCost]) -> None:
    print("Cost per request in Temporal: history events and billable Actions (Temporal Cloud's rules)")
    for cost in costs:
        print(f"\n{cost.name}:")
        for workflow in cost.workflows:
            print(
                f"  {workflow.workflow_type}: {sum(workflow.events.values())} events, "
                f"{sum(workflow.actions.values())} Actions"
            )
            for kind, n in workflow.actions.most_common():
                print(f"    {n:3}  {kind}")
            print("    events: " + _listed(workflow.events))
            if workflow.markers:
                print("    markers: " + _listed(workflow.markers))
        print("  client calls (* billable, 1 each; an accepted Update is in its history too):")
        for (caller, kind), n in sorted(cost.calls.items()):
            print(f"    {n:3}  {caller}: {kind}{' *' if kind in BILLABLE else ''}")
        print("  the dev server's own `action` counter: " + _listed(cost.server_actions))
        if extra := cost.server_extra():
            print("    beyond the Actions above: " + _listed(extra))
    print(f"\n{'':28}{'events':>8}{'Actions':>9}{'x bare':>8}{'server counter':>16}")
    bare = costs[-1].actions
    for cost in costs:
        print(
            f"{cost.name:28}{cost.events:>8}{cost.actions:>9}{cost.actions / bare:>8.1f}"
            f"{sum(cost.server_actions.values()):>16}"
        )
    print(
        "(Actions: from the histories, plus queries, which no history holds; the server counter "
        "also counts memo upserts and TemporalChangeVersion upserts, which Temporal Cloud's list "
        "leaves out or exempts)"
    )


def _listed(counts: Counter[str]) -> str:
    return ", ".join(f"{k} {n}" for k, n in sorted(counts.items()) if n) or "nothing"


async def run() -> None:
    with tempfile.TemporaryDirectory(prefix="countersign-cost-") as workdir:
        metrics_port = free_port()
        log.info("Starting a throwaway Temporal dev server")
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_binary(),
            dev_server_database_filename=str(Path(workdir) / "cost.sqlite"),
            dev_server_extra_args=[*WAL_PRAGMAS, "--metrics-port", metrics_port],
            search_attributes=sa.ALL,
            data_converter=DATA_CONVERTER,
        )
        try:
            async with ClientSession() as session, AsyncExitStack() as stack:
                stage = Stage(env, f"http://127.0.0.1:{metrics_port}/metrics", session)
                await stage.start(stack)
                agent = Thread("agent", with_model=True, ts="1800000001.000100")
                edited = Thread("agent-edited", with_model=True, ts="1800000003.000100", edits=True)
                approval_only = Thread("approval-only", with_model=False, ts="1800000002.000100")
                costs = []
                for name, thread in (
                    ("agent", agent),
                    ("agent, edited", edited),
                    ("approval-only", approval_only),
                    ("approval-only follow-up", approval_only),
                ):
                    log.info("Request: %s", name)
                    costs.append(await one_request(stage, name, thread))
                log.info("Request: bare")
                costs.append(await bare_request(stage))
        finally:
            await env.shutdown()
    report(costs)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    asyncio.run(run())


if __name__ == "__main__":
    main()
