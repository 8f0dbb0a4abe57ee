"""ApprovalWorkflow carrying out a policy's chain, on the real dev server with short real
durations: stages in order, skipped by their conditions, quorums, refusals that say why,
reminders, escalation and expiry on the card, and DMs to the people a stage waits on."""

import asyncio
import time

from temporalio.client import Client

from bot.approvals.deciding import submit_decision
from countersign.settings import Settings
from domain import search_attributes as sa
from domain.approval_rules import refusal_for
from domain.models import ApprovalStatus, DecisionSubmission
from domain.policy import Policy, Stage
from tests.approvals import (
    BYSTANDER,
    CFO,
    FROM_LIST,
    MANAGER,
    OTHER_APPROVER,
    card_recorded,
    chained_request,
    payments_policy,
    start_approval,
)
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall
from workflows.approval import ApprovalWorkflow
from workflows.worker import build_worker

ABOVE_THRESHOLD = {"amount": "50000.00", "currency": "USD", "payee": "ACME", "invoice": "4411"}


def shown(call: SlackCall) -> str:
    return str(call.args.get("blocks", "")) + call.args.get("text", "")


def dms_to(slack: FakeSlackWebApi, user: str) -> list[str]:
    """Direct messages: chat.postMessage with the person's user ID as the channel."""
    return [c.args["text"] for c in slack.calls_to("chat.postMessage") if c.args["channel"] == user]


def updates(slack: FakeSlackWebApi) -> list[str]:
    return [shown(c) for c in slack.calls_to("chat.update")]


async def decide(client: Client, workflow_id: str, user: str, approved: bool = True, reason: str = ""):
    """As the bot decides a click: the Update, its validator's refusal coming back as text."""
    return await submit_decision(
        client, workflow_id, DecisionSubmission(approved, user, reason=reason, origin=FROM_LIST)
    )


async def approvers_listed(client: Client, workflow_id: str, expected: list[str], timeout: float = 10):
    # Visibility is eventually consistent: wait, with a deadline, for the new deciders.
    deadline = time.monotonic() + timeout
    while True:
        (found,) = [w async for w in client.list_workflows(f"WorkflowId = '{workflow_id}'")]
        approvers = found.typed_search_attributes.get(sa.APPROVAL_APPROVERS)
        if approvers == expected or time.monotonic() > deadline:
            return approvers
        await asyncio.sleep(0.1)


async def test_below_the_threshold_the_manager_alone_approves(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    handle = await start_approval(client, settings.temporal_task_queue, chained_request(payments_policy()))
    card = await slack.wait_for_call("chat.postMessage")
    assert "Manager 0/1 · CFO skipped" in shown(card)

    assert await decide(client, handle.id, MANAGER) is None
    result = await handle.result()

    assert result.status is ApprovalStatus.APPROVED and result.decision.decided_by == MANAGER
    final = slack.calls_to("chat.update")[-1]
    assert f"Manager ✓ <@{MANAGER}> · CFO skipped" in shown(final)
    assert dms_to(slack, CFO) == []


async def test_above_the_threshold_the_cfo_decides_after_the_manager_and_is_told(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    request = chained_request(payments_policy(), parameters=ABOVE_THRESHOLD)
    handle = await start_approval(client, settings.temporal_task_queue, request)
    card = await slack.wait_for_call("chat.postMessage")
    assert "Manager 0/1 · CFO waiting" in shown(card)
    assert f"<@{MANAGER}> (Manager stage)" in shown(card)
    await slack.wait_for(lambda: dms_to(slack, MANAGER), what="the manager's DM")
    assert "Your decision is needed" in dms_to(slack, MANAGER)[0]
    assert "the Manager stage" in dms_to(slack, MANAGER)[0]
    assert "https://example.slack.com/archives/" in dms_to(slack, MANAGER)[0]

    # The CFO, early, is told why not; nothing changes.
    assert await decide(client, handle.id, CFO) == (
        "You are in the CFO stage, which starts after the Manager stage."
    )
    assert await decide(client, handle.id, MANAGER) is None
    await slack.wait_for(lambda: dms_to(slack, CFO), what="the CFO's DM")
    assert "the CFO stage" in dms_to(slack, CFO)[0]
    await slack.wait_for(
        lambda: any(f"Manager ✓ <@{MANAGER}> · CFO 0/1" in u for u in updates(slack)),
        what="stage 1 on the card",
    )
    assert (await handle.query(ApprovalWorkflow.get_status)).status is ApprovalStatus.PENDING
    assert await approvers_listed(client, handle.id, [CFO]) == [CFO]

    assert await decide(client, handle.id, CFO) is None
    result = await handle.result()
    assert result.status is ApprovalStatus.APPROVED and result.decision.decided_by == CFO
    assert f"Manager ✓ <@{MANAGER}> · CFO ✓ <@{CFO}>" in updates(slack)[-1]


async def test_a_rejection_at_the_second_stage_rejects_the_request(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    request = chained_request(payments_policy(), parameters=ABOVE_THRESHOLD)
    handle = await start_approval(client, settings.temporal_task_queue, request)
    await card_recorded(handle)
    assert await decide(client, handle.id, MANAGER) is None

    assert await decide(client, handle.id, CFO, approved=False, reason="Over budget") is None
    result = await handle.result()

    assert result.status is ApprovalStatus.REJECTED
    assert (result.decision.decided_by, result.decision.reason) == (CFO, "Over budget")
    assert f"Manager ✓ <@{MANAGER}> · CFO ✗ <@{CFO}>" in updates(slack)[-1]


async def test_one_person_counts_for_one_stage_only(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    # The CFO may decide either stage; having approved the first, not the second too.
    policy = payments_policy()
    both = Stage(name="Manager", approvers=[MANAGER, CFO], timeout_seconds=3600)
    policy = Policy(name=policy.name, stages=[both, policy.stages[1]])
    request = chained_request(policy, parameters=ABOVE_THRESHOLD)
    handle = await start_approval(client, settings.temporal_task_queue, request)
    await card_recorded(handle)
    assert await decide(client, handle.id, CFO) is None

    told = "You already approved the Manager stage, and one person's approval counts for one stage only."
    assert await decide(client, handle.id, CFO) == told
    # The bot's own check (before the reject modal opens) says the same, word for word.
    assert refusal_for(await handle.query(ApprovalWorkflow.get_status), CFO) == told
    # Its only member having counted already, the CFO stage can only wait for its deadline.
    assert await decide(client, handle.id, BYSTANDER) == (
        "Nobody left can decide the CFO stage: it waits for its deadline."
    )
    state = await handle.query(ApprovalWorkflow.get_status)
    assert state.status is ApprovalStatus.PENDING and len(state.progress.decisions) == 1


async def test_a_quorum_of_a_user_group_needs_two_different_members(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    security = Policy(
        name="security",
        stages=[Stage(name="Security", groups=["S0SECURITY"], needs=2, timeout_seconds=3600)],
    )
    # Three members, as usergroups.users.list answers them (the agent path resolves them).
    request = chained_request(security, members={"S0SECURITY": [MANAGER, CFO, OTHER_APPROVER]})
    handle = await start_approval(client, settings.temporal_task_queue, request)
    await card_recorded(handle)
    assert "Security 0/2" in shown(slack.calls_to("chat.postMessage")[0])
    await slack.wait_for(
        lambda: all(dms_to(slack, u) for u in (MANAGER, CFO, OTHER_APPROVER)), what="all three told"
    )

    assert await decide(client, handle.id, MANAGER) is None
    assert await decide(client, handle.id, MANAGER) == "You already approved this request."
    await slack.wait_for(lambda: any("Security 1/2" in u for u in updates(slack)), what="1/2 on the card")
    assert (await handle.query(ApprovalWorkflow.get_status)).status is ApprovalStatus.PENDING
    # `/approvals` lists it only for those it still waits on.
    assert await approvers_listed(client, handle.id, [CFO, OTHER_APPROVER]) == [CFO, OTHER_APPROVER]

    assert await decide(client, handle.id, CFO) is None
    result = await handle.result()
    assert result.status is ApprovalStatus.APPROVED
    assert [d.user for d in result.progress.decisions] == [MANAGER, CFO]  # two of the three


async def test_reminders_then_escalation_then_expiry_each_on_the_card(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    stage = Stage(
        name="Comms", approvers=[MANAGER], timeout_seconds=3, remind_every_seconds=1, escalate_to=[CFO]
    )
    request = chained_request(
        Policy(name="comms", stages=[stage, Stage(name="Legal", approvers=[BYSTANDER])])
    )
    handle = await start_approval(client, settings.temporal_task_queue, request)

    reminded = await slack.wait_for(
        lambda: [t for t in dms_to(slack, MANAGER) if t.startswith(":bell: Reminder")], what="a reminder"
    )
    assert "the Comms stage" in reminded[0]
    await slack.wait_for(lambda: any(":bell: Those who have not decided" in u for u in updates(slack)))
    escalated = await slack.wait_for(lambda: dms_to(slack, CFO), what="the escalation's DM", timeout=10)
    assert "reached the Comms stage's deadline, so it comes to you" in escalated[0]
    await slack.wait_for(lambda: any("reached its deadline, so <@" in u for u in updates(slack)))
    # Once escalated, the escalation may decide; the card had said it would.
    assert "then <@U03ALANTUR> can decide it too" in shown(slack.calls_to("chat.postMessage")[0])

    result = await asyncio.wait_for(handle.result(), timeout=15)

    assert result.status is ApprovalStatus.EXPIRED
    assert "Expired" in updates(slack)[-1]
    assert dms_to(slack, BYSTANDER) == [], "the later stage never started"


async def test_a_new_worker_carries_on_from_the_stage_the_old_one_reached(
    client: Client, settings: Settings, slack: FakeSlackWebApi
):
    request = chained_request(payments_policy(), parameters=ABOVE_THRESHOLD)
    async with build_worker(client, settings):
        handle = await start_approval(client, settings.temporal_task_queue, request)
        await card_recorded(handle)
        assert await decide(client, handle.id, MANAGER) is None
        await slack.wait_for(lambda: dms_to(slack, CFO), what="the CFO told")

    # No worker: the CFO's click waits as a signal; a new worker replays the chain.
    assert await decide(client, handle.id, CFO) is None
    async with build_worker(client, settings):
        result = await handle.result()
        state = await handle.query(ApprovalWorkflow.get_status)

    assert result.status is ApprovalStatus.APPROVED
    assert [(d.user, d.stage) for d in state.progress.decisions] == [(MANAGER, 0), (CFO, 1)]
    assert len(dms_to(slack, CFO)) == 1, "nobody is told twice"


async def test_the_temporal_cli_signal_still_decides_the_whole_request(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    request = chained_request(payments_policy(), parameters=ABOVE_THRESHOLD)
    handle = await start_approval(client, settings.temporal_task_queue, request)
    await card_recorded(handle)

    await client.get_workflow_handle(handle.id).signal("approve", True)
    result = await handle.result()

    assert result.status is ApprovalStatus.APPROVED and result.decision.decided_by is None
    assert "through Temporal" in updates(slack)[-1]
