"""The flows whose histories guard workflow changes, driven the way Slack and people drive them.

Each scenario runs against the current code on a dev server, with its own fake Slack, webhook
receiver, fake model and worker (a fresh task queue), so all of them can run at once. It
returns the IDs of the workflows it leaves behind; `histories` waits until each has nothing
in flight and fetches its history. `python -m tests.histories.record` commits them for a
release; `tests/test_replay.py` replays those and a fresh run of these.
"""

import asyncio
import dataclasses
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowHistory,
)

from bot.approvals.deciding import submit_decision, submit_edit, submit_withdrawal
from countersign.settings import Settings, load_settings
from countersign.temporal_server import temporal_binary
from domain.models import (
    AgentRequest,
    ApprovalStatus,
    ClickOrigin,
    DecisionSubmission,
    EditSubmission,
    Withdrawal,
)
from domain.policy import Policy, Stage
from tests.agents import send_message, wait_for_answers
from tests.approvals import (
    APPROVER,
    BYSTANDER,
    CFO,
    CHANNEL,
    FROM_LIST,
    MANAGER,
    REQUESTER,
    card_recorded,
    chained_request,
    editable_wire,
    payments_policy,
    start_approval,
    wire_request,
)
from tests.bot.cards import cards
from tests.fakes.openai_server import FakeOpenAI, message, tool_call
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from tests.receipt_key import JWKS, SIGNING_KEY_PEM
from workflows.agent import AgentWorkflow
from workflows.approval import ApprovalWorkflow
from workflows.worker import build_worker

# A plain secret, as before Standard Webhooks: used as its bytes on both sides.
WEBHOOK_SECRET = "replay-webhook-secret"
WIRE = {
    "amount": "5000.00",
    "currency": "USD",
    "payee": "ACME Corp",
    "account": "DE89370400440532013000",
    "reference": "invoice 4411",
}


@dataclass
class Stack:
    """One scenario's world: Temporal, its fakes, and a worker on its own task queue."""

    client: Client
    settings: Settings
    slack: FakeSlackWebApi
    webhooks: FakeWebhookReceiver
    model: FakeOpenAI


@asynccontextmanager
async def running_stack(client: Client, *, with_model: bool) -> AsyncIterator[Stack]:
    slack = await FakeSlackWebApi().start()
    webhooks = await FakeWebhookReceiver(WEBHOOK_SECRET, JWKS).start()
    model = await FakeOpenAI().start()
    try:
        environ = {
            "SLACK_BOT_TOKEN": "xoxb-replay-token",
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": slack.api_url,
            "TEMPORAL_ADDRESS": client.service_client.config.target_host,
            "TEMPORAL_TASK_QUEUE": f"replay-{uuid.uuid4()}",
            "WEBHOOK_SIGNING_SECRET": WEBHOOK_SECRET,
            "WEBHOOK_BASE_URL": webhooks.url,
            "APPROVAL_SIGNING_KEY": SIGNING_KEY_PEM,
        }
        if with_model:
            environ |= {"OPENAI_API_KEY": "sk-replay", "OPENAI_BASE_URL": model.base_url}
        settings = load_settings(environ, env_file="/nonexistent/.env")
        async with build_worker(client, settings):
            yield Stack(client, settings, slack, webhooks, model)
    finally:
        await model.stop()
        await webhooks.stop()
        await slack.stop()


# Approvals, started directly (as the agent's child or an operator would).


def on_card(card: SlackCall) -> ClickOrigin:
    """Where a click on `card` comes from, as the bot reports it."""
    return ClickOrigin(channel=card.args["channel"], message_ts=card.response["ts"])


async def posted(stack: Stack, handle: WorkflowHandle, timeout: float = 10) -> SlackCall:
    """The approval's card, once the workflow holds its ts: a person clicks a card that is up,
    so the click lands in a task of its own while the approval waits on its timer."""
    await card_recorded(handle, timeout)
    (card,) = [
        c for c in stack.slack.calls_to("chat.postMessage") if handle.id in str(c.args.get("blocks", ""))
    ]
    return card


async def click(stack: Stack, workflow_id: str, submission: DecisionSubmission) -> str | None:
    """What the bot does with a click (the `decide_click` Update, the signal if no worker
    answers): None when it counted, else the refusal the clicker is shown."""
    return await submit_decision(stack.client, workflow_id, submission)


async def approved_on_its_card(stack: Stack) -> list[str]:
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue)
    card = await posted(stack, handle)
    assert (
        await click(stack, handle.id, DecisionSubmission(approved=True, user=APPROVER, origin=on_card(card)))
        is None
    )
    assert (await handle.result()).status is ApprovalStatus.APPROVED
    return [handle.id]


async def rejected_with_a_reason(stack: Stack) -> list[str]:
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue)
    card = await posted(stack, handle)
    rejection = DecisionSubmission(
        approved=False, user=APPROVER, reason="Invoice 4411 was paid last week", origin=on_card(card)
    )
    assert await click(stack, handle.id, rejection) is None
    assert (await handle.result()).status is ApprovalStatus.REJECTED
    return [handle.id]


async def expired(stack: Stack) -> list[str]:
    handle = await start_approval(
        stack.client, stack.settings.temporal_task_queue, wire_request(timeout_seconds=2)
    )
    assert (await handle.result()).status is ApprovalStatus.EXPIRED
    return [handle.id]


async def cancelled(stack: Stack) -> list[str]:
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue)
    await posted(stack, handle)
    await handle.cancel()
    try:
        await handle.result()
    except WorkflowFailureError:
        return [handle.id]
    raise AssertionError("a cancelled approval returned a result")


async def refused_clicks_then_approved(stack: Stack) -> list[str]:
    """A click on another message and one by someone not named are refused, by the Update's
    validator (nothing in history); then an approver decides on the card."""
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue)
    card = await posted(stack, handle)
    elsewhere = ClickOrigin(channel=CHANNEL, message_ts="1700000099.000100")
    assert await click(stack, handle.id, DecisionSubmission(approved=True, user=APPROVER, origin=elsewhere))
    assert await click(
        stack, handle.id, DecisionSubmission(approved=True, user=BYSTANDER, origin=on_card(card))
    )
    assert (
        await click(stack, handle.id, DecisionSubmission(approved=True, user=APPROVER, origin=on_card(card)))
        is None
    )
    assert (await handle.result()).status is ApprovalStatus.APPROVED
    return [handle.id]


async def refused_and_approved_by_signal(stack: Stack) -> list[str]:
    """The `decide` signal, what the bot sends when no worker answers the Update in time:
    two refusals, each told by an ephemeral, then the approver's decision."""
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue)
    card = await posted(stack, handle)
    elsewhere = ClickOrigin(channel=CHANNEL, message_ts="1700000099.000100")
    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=elsewhere)
    )
    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=BYSTANDER, origin=on_card(card))
    )
    await stack.slack.wait_for_call("chat.postEphemeral", count=2)
    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=on_card(card))
    )
    assert (await handle.result()).status is ApprovalStatus.APPROVED
    return [handle.id]


async def approved_with_the_temporal_cli(stack: Stack) -> list[str]:
    """`temporal workflow signal --name approve --input true`, the operator's way."""
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue)
    await posted(stack, handle)
    cli = await asyncio.create_subprocess_exec(
        temporal_binary(),
        "--address", stack.client.service_client.config.target_host,
        "workflow", "signal",
        "--workflow-id", handle.id,
        "--name", "approve",
        "--input", "true",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await cli.communicate()
    assert cli.returncode == 0, output.decode()
    assert (await handle.result()).status is ApprovalStatus.APPROVED
    return [handle.id]


async def withdrawn_on_its_card(stack: Stack) -> list[str]:
    """Withdraw by someone else is refused (the Update's validator), then the requester's
    counts: the card says withdrawn, the outcome is recorded for `/approvals history`."""
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue)
    card = await posted(stack, handle)
    by_approver, by_requester = Withdrawal(APPROVER, on_card(card)), Withdrawal(REQUESTER, on_card(card))
    assert await submit_withdrawal(stack.client, handle.id, by_approver)
    assert await submit_withdrawal(stack.client, handle.id, by_requester) is None
    assert (await handle.result()).status is ApprovalStatus.WITHDRAWN
    return [handle.id]


async def withdrawn_by_signal_mid_chain(stack: Stack) -> list[str]:
    """A chain's first stage approved, then the `withdraw` signal (no worker answered the
    Update): one refused and told by an ephemeral, then the requester's."""
    request = chained_request(payments_policy(), parameters=WIRE | {"amount": "50000.00"})
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue, request)
    card = await posted(stack, handle)
    assert await click(stack, handle.id, DecisionSubmission(True, MANAGER, origin=on_card(card))) is None
    await handle.signal(ApprovalWorkflow.withdraw, Withdrawal(BYSTANDER, origin=on_card(card)))
    await stack.slack.wait_for_call("chat.postEphemeral")
    await handle.signal(ApprovalWorkflow.withdraw, Withdrawal(REQUESTER, origin=on_card(card)))
    assert (await handle.result()).status is ApprovalStatus.WITHDRAWN
    return [handle.id]


async def two_stages_approved(stack: Stack) -> list[str]:
    """A chain: the manager approves on the card, the CFO is told and approves (above 10,000)."""
    request = chained_request(payments_policy(), parameters=WIRE | {"amount": "50000.00"})
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue, request)
    card = await posted(stack, handle)
    for user in (MANAGER, CFO):
        assert await click(stack, handle.id, DecisionSubmission(True, user, origin=on_card(card))) is None
    assert (await handle.result()).status is ApprovalStatus.APPROVED
    return [handle.id]


async def edited_at_a_later_stage(stack: Stack) -> list[str]:
    """An editable chain: the manager approves, the CFO edits the amount and approves it, which
    sends it back to the manager; a click on the card as drawn before is refused; the manager
    approves the edited version."""
    handle = await start_approval(
        stack.client, stack.settings.temporal_task_queue, editable_wire(WIRE | {"amount": "50000.00"})
    )
    card = await posted(stack, handle)
    approve = DecisionSubmission(True, MANAGER, origin=on_card(card), version=0)
    assert await click(stack, handle.id, approve) is None
    edited = WIRE | {"amount": "45000.00"}
    edit = EditSubmission(user=CFO, parameters=edited, origin=on_card(card), version=0)
    assert await submit_edit(stack.client, handle.id, edit) is None
    assert await click(stack, handle.id, approve) is not None, "the manager saw another version"
    again = dataclasses.replace(approve, version=1)
    assert await click(stack, handle.id, again) is None
    assert (await handle.result()).approved_parameters == edited
    return [handle.id]


async def reminded_escalated_expired(stack: Stack) -> list[str]:
    """A stage nobody decides: reminded, escalated at its deadline, then expired."""
    stage = Stage(
        name="Comms", approvers=[MANAGER], timeout_seconds=2, remind_every_seconds=1, escalate_to=[CFO]
    )
    request = chained_request(Policy(name="comms", stages=[stage]))
    handle = await start_approval(stack.client, stack.settings.temporal_task_queue, request)
    assert (await handle.result()).status is ApprovalStatus.EXPIRED
    return [handle.id]


# Conversations: a thread's AgentWorkflow (left running, as a thread waits for its next
# mention) and the approvals it asked for.


class Thread:
    """One Slack thread talking to the agent, as the bot drives it (signal-with-start)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.ts = f"{1_700_000_000 + uuid.uuid4().int % 10**8}.000100"
        self.workflow_id = f"agent-T0-{CHANNEL}-{self.ts}"
        self.said = 0

    async def say(self, text: str) -> None:
        event_ts = self.ts if self.said == 0 else f"{self.ts[:-3]}{self.said:03d}"
        self.said += 1
        request = AgentRequest(
            team="T0", channel=CHANNEL, user=REQUESTER, text=text, event_ts=event_ts, thread_ts=self.ts
        )
        await send_message(
            self.stack.client, self.stack.settings.temporal_task_queue, request, self.workflow_id
        )

    async def decide(self, count: int, submission: DecisionSubmission) -> str:
        """Decides the count-th card of the thread; returns its approval's workflow ID."""
        slack = self.stack.slack
        await slack.wait_for(lambda: len(cards(slack)) >= count, what=f"card {count}")
        approval_id = cards(slack)[count - 1].args["blocks"][-1]["elements"][0]["value"]
        approval = self.stack.client.get_workflow_handle(approval_id)
        card = await posted(self.stack, approval)
        if submission.origin is None:
            submission = dataclasses.replace(submission, origin=on_card(card))
        assert await click(self.stack, approval_id, submission) is None
        return approval_id

    async def answers(self, count: int) -> None:
        handle = self.stack.client.get_workflow_handle_for(AgentWorkflow.run, self.workflow_id)
        await wait_for_answers(handle, self.stack.slack, count)


async def approval_only_request_approved(stack: Stack) -> list[str]:
    """No model: the mention goes for approval as written, decided in an `/approvals` list."""
    thread = Thread(stack)
    await thread.say("wire $5,000 to ACME Corp for invoice 4411")
    approval_id = await thread.decide(1, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST))
    await thread.answers(1)
    return [thread.workflow_id, approval_id]


async def wire_transfer_approved_and_run(stack: Stack) -> list[str]:
    """The model calls wire_transfer; approved on its card, the webhook runs, the thread hears."""
    stack.model.then(tool_call("wire_transfer", WIRE), message("Sent $5,000 to ACME Corp for invoice 4411."))
    thread = Thread(stack)
    await thread.say("wire $5,000 to ACME Corp, DE89370400440532013000, for invoice 4411")
    # Below 10,000 the payments policy needs the manager only.
    approval_id = await thread.decide(1, DecisionSubmission(approved=True, user=MANAGER))
    await thread.answers(1)
    assert len(stack.webhooks.accepted) == 1
    return [thread.workflow_id, approval_id]


async def wire_transfer_edited_and_run(stack: Stack) -> list[str]:
    """The model calls wire_transfer; the manager edits the amount and reference and approves;
    the webhook runs the edited version, the model and the thread hear what changed."""
    stack.model.then(tool_call("wire_transfer", WIRE), message("Sent 4,500.00 USD for invoice 4411-B."))
    thread = Thread(stack)
    await thread.say("wire $5,000 to ACME Corp, DE89370400440532013000, for invoice 4411")
    slack = stack.slack
    await slack.wait_for(lambda: cards(slack), what="the card")
    approval_id = cards(slack)[0].args["blocks"][-1]["elements"][0]["value"]
    card = await posted(stack, stack.client.get_workflow_handle(approval_id))
    edited = WIRE | {"amount": "4500.00", "reference": "invoice 4411-B"}
    edit = EditSubmission(user=MANAGER, parameters=edited, origin=on_card(card), version=0)
    assert await submit_edit(stack.client, approval_id, edit) is None
    await thread.answers(1)
    assert [d.json for d in stack.webhooks.accepted] == [edited]
    return [thread.workflow_id, approval_id]


async def channel_access_by_quorum(stack: Stack) -> list[str]:
    """grant_channel_access: its group resolved (usergroups.users.list), two of it approve."""
    access = {"channel": "G0PAYROLL", "user": "U0NEWHIRE", "reason": "Runs payroll"}
    stack.model.then(tool_call("grant_channel_access", access), message("Invited."))
    thread = Thread(stack)
    await thread.say("add U0NEWHIRE to G0PAYROLL, they run payroll")
    approval_id = await thread.decide(1, DecisionSubmission(approved=True, user=MANAGER))
    await thread.decide(1, DecisionSubmission(approved=True, user=CFO))
    await thread.answers(1)
    return [thread.workflow_id, approval_id]


async def two_turns_in_a_thread(stack: Stack) -> list[str]:
    """A question answered outright, then a follow-up that asks for a confirmation, rejected."""
    stack.model.then(
        message("I can ask for approvals of wires, purchases, access and announcements."),
        tool_call("wait_for_confirmation", {"action": "Tell finance the wire is on hold"}),
        message("Finance was not told: the confirmation was rejected."),
    )
    thread = Thread(stack)
    await thread.say("what can you do?")
    await thread.answers(1)
    await thread.say("tell finance the wire is on hold")
    approval_id = await thread.decide(
        1, DecisionSubmission(approved=False, user=APPROVER, reason="Not on hold")
    )
    await thread.answers(2)
    return [thread.workflow_id, approval_id]


async def rejected_call_proposed_again(stack: Stack) -> list[str]:
    """A wire rejected, the same wire proposed again in the turn (answered without a card),
    then an empty answer (the thread gets a line of ours)."""
    stack.model.then(tool_call("wire_transfer", WIRE), tool_call("wire_transfer", WIRE), message(""))
    thread = Thread(stack)
    await thread.say("wire $5,000 to ACME Corp for invoice 4411")
    approval_id = await thread.decide(
        1, DecisionSubmission(approved=False, user=MANAGER, reason="Paid last week")
    )
    await thread.answers(1)
    assert len(cards(stack.slack)) == 1
    return [thread.workflow_id, approval_id]


Scenario = Callable[[Stack], Awaitable[list[str]]]
# name → (flow, whether its worker has a model). The name is the folder its histories go in.
SCENARIOS: dict[str, tuple[Scenario, bool]] = {
    "approval-approved-on-its-card": (approved_on_its_card, False),
    "approval-rejected-with-a-reason": (rejected_with_a_reason, False),
    "approval-expired": (expired, False),
    "approval-cancelled": (cancelled, False),
    "approval-refused-clicks-then-approved": (refused_clicks_then_approved, False),
    "approval-refused-and-approved-by-signal": (refused_and_approved_by_signal, False),
    "approval-approved-with-the-temporal-cli": (approved_with_the_temporal_cli, False),
    "approval-two-stages-approved": (two_stages_approved, False),
    "approval-reminded-escalated-expired": (reminded_escalated_expired, False),
    "approval-withdrawn-on-its-card": (withdrawn_on_its_card, False),
    "approval-withdrawn-by-signal-mid-chain": (withdrawn_by_signal_mid_chain, False),
    "approval-edited-at-a-later-stage": (edited_at_a_later_stage, False),
    "agent-approval-only-approved": (approval_only_request_approved, False),
    "agent-wire-transfer-approved-and-run": (wire_transfer_approved_and_run, True),
    "agent-two-turns-in-a-thread": (two_turns_in_a_thread, True),
    "agent-rejected-call-proposed-again": (rejected_call_proposed_again, True),
    "agent-channel-access-by-quorum": (channel_access_by_quorum, True),
    "agent-wire-transfer-edited-and-run": (wire_transfer_edited_and_run, True),
}


async def run_scenarios(client: Client) -> dict[str, dict[str, WorkflowHistory]]:
    """Every scenario at once: scenario name → workflow ID → history."""
    # Each worker's agents plugin swaps a process-wide agent runner in and, when it stops,
    # back to the one it found: workers that overlap must stop in the reverse order they
    # started, or those still running lose it (their agents then fail in the sandbox).
    async with AsyncExitStack() as workers:
        stacks = [
            await workers.enter_async_context(running_stack(client, with_model=with_model))
            for _, with_model in SCENARIOS.values()
        ]
        ids = await asyncio.gather(
            *(flow(stack) for (flow, _), stack in zip(SCENARIOS.values(), stacks, strict=True))
        )
        return {
            name: {workflow_id: await settled_history(client, workflow_id) for workflow_id in workflow_ids}
            for name, workflow_ids in zip(SCENARIOS, ids, strict=True)
        }


async def settled_history(client: Client, workflow_id: str, timeout: float = 20) -> WorkflowHistory:
    """The workflow's history once nothing is in flight: closed, or waiting (a thread for its
    next mention) with no workflow task, activity or child pending."""
    handle = client.get_workflow_handle(workflow_id)
    deadline = time.monotonic() + timeout
    while True:
        description = await handle.describe()
        raw = description.raw_description
        if description.status is not WorkflowExecutionStatus.RUNNING or not (
            raw.HasField("pending_workflow_task") or raw.pending_activities or raw.pending_children
        ):
            return await handle.fetch_history()
        if time.monotonic() > deadline:
            raise AssertionError(f"{workflow_id} still had work in flight after {timeout} s")
        await asyncio.sleep(0.05)
