"""ApprovalWorkflow on the real Temporal dev server, Slack faked on loopback."""

import asyncio
import logging
import time
import uuid

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import CancelledError

from blocks.approval_card import APPROVE_ACTION_ID, REJECT_ACTION_ID, WITHDRAW_ACTION_ID
from countersign.settings import Settings
from domain import search_attributes as sa
from domain.approval_rules import NO_ORIGIN, NOT_ITS_CARD, refusal_for
from domain.models import ApprovalStatus, ClickOrigin, DecisionSubmission
from tests.approvals import (
    APPROVER,
    BYSTANDER,
    CHANNEL,
    FROM_LIST,
    OTHER_APPROVER,
    REQUESTER,
    card_recorded,
    start_approval,
    wire_request,
)
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall
from workflows.approval import ApprovalWorkflow
from workflows.worker import build_worker


def buttons(call: SlackCall) -> list[dict]:
    return [e for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]]


def shown(call: SlackCall) -> str:
    return str(call.args["blocks"])


def ephemerals_to(slack: FakeSlackWebApi, user: str) -> list[str]:
    return [c.args["text"] for c in slack.calls_to("chat.postEphemeral") if c.args["user"] == user]


async def test_approve_posts_the_card_once_and_updates_it_with_the_approver(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    handle = await start_approval(client, settings.temporal_task_queue)
    card = await slack.wait_for_call("chat.postMessage")
    assert card.args["channel"] == CHANNEL
    assert card.args["thread_ts"] == "1700000000.000001"
    assert [(b["action_id"], b["value"]) for b in buttons(card)] == [
        (APPROVE_ACTION_ID, handle.id),
        (REJECT_ACTION_ID, handle.id),
        (WITHDRAW_ACTION_ID, handle.id),
    ]
    assert "ACME" in shown(card) and "4411" in shown(card)

    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST)
    )
    result = await handle.result()

    assert result.status is ApprovalStatus.APPROVED
    assert result.decision.decided_by == APPROVER
    update = slack.calls_to("chat.update")[-1]
    assert (
        update.args["ts"] == result.message_ts == (await handle.query(ApprovalWorkflow.get_status)).message_ts
    )
    assert buttons(update) == []
    assert f"Approved by <@{APPROVER}>" in shown(update)
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_reject_records_the_reason_and_shows_it_on_the_card(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    handle = await start_approval(client, settings.temporal_task_queue)
    await slack.wait_for_call("chat.postMessage")

    await handle.signal(
        ApprovalWorkflow.decide,
        DecisionSubmission(
            approved=False, user=OTHER_APPROVER, reason="Invoice 4411 was paid last week", origin=FROM_LIST
        ),
    )
    result = await handle.result()

    assert result.status is ApprovalStatus.REJECTED
    assert (result.decision.decided_by, result.decision.reason) == (
        OTHER_APPROVER,
        "Invoice 4411 was paid last week",
    )
    update = await slack.wait_for_call("chat.update")
    assert f"Rejected by <@{OTHER_APPROVER}>" in shown(update)
    assert "Invoice 4411 was paid last week" in shown(update)
    assert buttons(update) == []


async def test_an_undecided_approval_expires_and_the_card_says_so(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    handle = await start_approval(client, settings.temporal_task_queue, wire_request(timeout_seconds=2))

    result = await handle.result()

    assert result.status is ApprovalStatus.EXPIRED and result.decision is None
    update = await slack.wait_for_call("chat.update")
    assert "Expired" in shown(update) and buttons(update) == []


@pytest.mark.parametrize("approved", [True, False])
async def test_the_seeds_boolean_signal_from_a_temporal_client_decides(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker, approved: bool
):
    handle = await start_approval(client, settings.temporal_task_queue)
    await slack.wait_for_call("chat.postMessage")

    # Exactly as the seed's users call it: by name, with a bare boolean.
    await client.get_workflow_handle(handle.id).signal("approve", approved)
    result = await handle.result()

    assert result.status is (ApprovalStatus.APPROVED if approved else ApprovalStatus.REJECTED)
    assert result.decision.decided_by is None
    assert "through Temporal" in shown(await slack.wait_for_call("chat.update"))


@pytest.mark.parametrize("value", ["true", "false"])
async def test_the_temporal_cli_signal_decides(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker, value: str
):
    handle = await start_approval(client, settings.temporal_task_queue)
    await slack.wait_for_call("chat.postMessage")

    cli = await asyncio.create_subprocess_exec(
        *_temporal_cli(client),
        "workflow", "signal",
        "--workflow-id", handle.id,
        "--name", "approve",
        "--input", value,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await cli.communicate()
    assert cli.returncode == 0, output.decode()

    result = await handle.result()
    assert result.status is (ApprovalStatus.APPROVED if value == "true" else ApprovalStatus.REJECTED)


def _temporal_cli(client: Client) -> list[str]:
    from countersign.temporal_server import temporal_binary

    return [temporal_binary(), "--address", client.service_client.config.target_host]


@pytest.mark.parametrize(
    ("decider", "told"),
    [
        (BYSTANDER, f"Only <@{APPROVER}>, <@{OTHER_APPROVER}> can decide"),
        (REQUESTER, "You asked for this"),
    ],
)
async def test_someone_not_allowed_to_decide_changes_nothing_and_is_told_why(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker, decider: str, told: str
):
    handle = await start_approval(client, settings.temporal_task_queue)
    await slack.wait_for_call("chat.postMessage")

    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=decider, origin=FROM_LIST)
    )

    notice = await slack.wait_for_call("chat.postEphemeral")
    assert notice.args["user"] == decider and told in notice.args["text"]
    state = await handle.query(ApprovalWorkflow.get_status)
    assert state.status is ApprovalStatus.PENDING and state.decision is None
    assert slack.calls_to("chat.update") == []


async def test_the_requester_cannot_approve_even_when_named_an_approver(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    request = wire_request(approvers=[REQUESTER, APPROVER])
    handle = await start_approval(client, settings.temporal_task_queue, request)
    await slack.wait_for_call("chat.postMessage")

    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=REQUESTER, origin=FROM_LIST)
    )

    await slack.wait_for_call("chat.postEphemeral")
    assert (await handle.query(ApprovalWorkflow.get_status)).status is ApprovalStatus.PENDING


async def test_a_second_decision_is_ignored_and_its_maker_told_who_decided(
    client: Client, settings: Settings, slack: FakeSlackWebApi
):
    # No worker yet: both decisions reach the workflow in the same first task, so the
    # second one meets an approval that is already decided.
    handle = await start_approval(client, settings.temporal_task_queue)
    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST)
    )
    await handle.signal(
        ApprovalWorkflow.decide,
        DecisionSubmission(approved=False, user=OTHER_APPROVER, reason="no", origin=FROM_LIST),
    )

    async with build_worker(client, settings):
        result = await handle.result()

    assert result.status is ApprovalStatus.APPROVED and result.decision.decided_by == APPROVER
    (told,) = ephemerals_to(slack, OTHER_APPROVER)
    assert told.startswith(f"Already approved by <@{APPROVER}>")


async def test_an_approval_survives_its_worker_stopping(
    client: Client, settings: Settings, slack: FakeSlackWebApi
):
    async with build_worker(client, settings):
        handle = await start_approval(client, settings.temporal_task_queue)
        await slack.wait_for_call("chat.postMessage")

    # The decision arrives while no worker runs; a new worker picks the approval up.
    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST)
    )
    async with build_worker(client, settings):
        result = await handle.result()

    assert result.status is ApprovalStatus.APPROVED
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert f"Approved by <@{APPROVER}>" in shown(await slack.wait_for_call("chat.update"))


async def test_two_approvals_at_once_do_not_collide(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    first, second = await asyncio.gather(
        start_approval(client, settings.temporal_task_queue),
        start_approval(client, settings.temporal_task_queue),
    )
    await slack.wait_for_call("chat.postMessage", count=2)

    await first.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST)
    )
    await first.result()

    assert (await second.query(ApprovalWorkflow.get_status)).status is ApprovalStatus.PENDING
    cards = {b["value"] for c in slack.calls_to("chat.postMessage") for b in buttons(c)}
    assert cards == {first.id, second.id}


async def test_a_request_too_big_to_show_in_full_is_never_posted(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    # Started directly, past the agent's own check: the card activity refuses it for good.
    request = wire_request(
        summary="Pay " + "ACME " * 2000,
        parameters={f"memo_{i}": "€" * 5000 for i in range(5)}
        | {f"line_{i}": f"item {i}" for i in range(500)},
    )
    handle = await start_approval(client, settings.temporal_task_queue, request)

    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()

    assert "cannot be shown in full" in str(failed.value.cause.cause)
    assert slack.calls_to("chat.postMessage") == []
    started = [
        e async for e in handle.fetch_history_events() if e.activity_task_started_event_attributes.attempt
    ]
    assert [e.activity_task_started_event_attributes.attempt for e in started] == [1], "not retried"


async def test_a_rate_limited_post_waits_for_retry_after_and_posts_once(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    slack.fail("chat.postMessage", status=429, headers={"Retry-After": "1"})
    started = time.monotonic()

    await start_approval(client, settings.temporal_task_queue)

    await slack.wait_for_call("chat.postMessage")
    assert time.monotonic() - started >= 1, "the retry did not wait for Retry-After"
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len([a for a in slack.attempts if a.method == "chat.postMessage"]) == 2


async def test_channel_not_found_fails_fast_with_a_clear_error(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    slack.fail("chat.postMessage", error="channel_not_found", times=5)

    handle = await start_approval(client, settings.temporal_task_queue)

    with pytest.raises(WorkflowFailureError) as failure:
        await asyncio.wait_for(handle.result(), timeout=10)
    message = str(failure.value.cause.cause)
    assert "channel_not_found" in message and CHANNEL in message
    assert len([a for a in slack.attempts if a.method == "chat.postMessage"]) == 1


async def test_pending_approvals_are_found_by_status_requester_approver_and_channel(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    channel = f"C{uuid.uuid4().hex[:10].upper()}"
    handle = await start_approval(client, settings.temporal_task_queue, wire_request(channel=channel))
    await slack.wait_for_call("chat.postMessage")
    query = (
        f"{sa.APPROVAL_STATUS.name} = 'pending' AND {sa.APPROVAL_REQUESTER.name} = '{REQUESTER}' "
        f"AND {sa.APPROVAL_APPROVERS.name} = '{APPROVER}' AND {sa.APPROVAL_CHANNEL.name} = '{channel}'"
    )

    assert await _listed(client, query) == [handle.id]

    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=FROM_LIST)
    )
    await handle.result()
    approved = query.replace("'pending'", "'approved'")
    assert await _listed(client, approved) == [handle.id]


async def _listed(client: Client, query: str, timeout: float = 10) -> list[str]:
    # Visibility is eventually consistent: wait, with a deadline, for the list to fill.
    deadline = time.monotonic() + timeout
    while True:
        ids = [w.id async for w in client.list_workflows(query)]
        if ids or time.monotonic() > deadline:
            return ids
        await asyncio.sleep(0.1)


async def test_a_cancelled_approval_says_so_on_its_card_and_refuses_clicks(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    handle = await start_approval(client, settings.temporal_task_queue)
    await slack.wait_for_call("chat.postMessage")

    await handle.cancel()

    update = await slack.wait_for_call("chat.update")
    assert buttons(update) == [] and "Cancelled before anyone decided" in shown(update)
    with pytest.raises(WorkflowFailureError) as ended:
        await handle.result()
    assert isinstance(ended.value.cause, CancelledError)
    state = await handle.query(ApprovalWorkflow.get_status)
    assert refusal_for(state, APPROVER) == "This approval was cancelled; nothing will run."


async def test_a_rejection_without_a_required_reason_changes_nothing(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker
):
    handle = await start_approval(client, settings.temporal_task_queue, wire_request(reason_required=True))
    await slack.wait_for_call("chat.postMessage")

    await handle.signal(
        ApprovalWorkflow.decide,
        DecisionSubmission(approved=False, user=APPROVER, reason="  ", origin=FROM_LIST),
    )

    notice = await slack.wait_for_call("chat.postEphemeral")
    assert (notice.args["user"], notice.args["text"]) == (
        APPROVER,
        "This request needs a reason to be rejected.",
    )
    assert (await handle.query(ApprovalWorkflow.get_status)).status is ApprovalStatus.PENDING


async def test_a_decision_made_on_another_message_is_refused_and_logged_with_both(
    client: Client, settings: Settings, slack: FakeSlackWebApi, worker, caplog: pytest.LogCaptureFixture
):
    handle = await start_approval(client, settings.temporal_task_queue)
    card = await slack.wait_for_call("chat.postMessage")
    await card_recorded(handle)
    elsewhere = ClickOrigin(channel=CHANNEL, message_ts="1700000099.000100")

    with caplog.at_level(logging.WARNING):
        await handle.signal(
            ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=elsewhere)
        )
        await handle.signal(ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER))
        await slack.wait_for_call("chat.postEphemeral", count=2)

    # Each refusal is told by an activity of its own: in either order.
    assert sorted(ephemerals_to(slack, APPROVER)) == sorted([NOT_ITS_CARD, NO_ORIGIN])
    assert (await handle.query(ApprovalWorkflow.get_status)).status is ApprovalStatus.PENDING
    warnings = [r for r in caplog.records if r.getMessage().startswith("Security:")]
    assert [(w.clicked_message_ts, w.card_message_ts) for w in warnings] == [
        ("1700000099.000100", card.response["ts"]),
        ("", card.response["ts"]),
    ]

    on_its_card = ClickOrigin(channel=CHANNEL, message_ts=card.response["ts"])
    await handle.signal(
        ApprovalWorkflow.decide, DecisionSubmission(approved=True, user=APPROVER, origin=on_its_card)
    )
    assert (await handle.result()).status is ApprovalStatus.APPROVED
