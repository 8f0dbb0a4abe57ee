"""Executors: what an approved catalog action does. One activity, gate first.

Every executor runs behind `check_approval`, so calling this activity is never enough on
its own: Temporal must show an approval of these exact arguments. Each run then carries a
receipt (countersign.receipts) signed here, in the activity, so the signing key never
enters a workflow's history: the webhook sends it, and every result records it.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

import aiohttp
import rfc8785
from slack_sdk.web.async_client import AsyncWebClient
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.approval_gate import VouchedApproval, check_approval
from activities.slack_calls import call_slack
from activities.webhook import post_webhook
from countersign.receipts.signing import ReceiptSigner
from domain.catalog import ExecutorKind
from domain.execution import ExecutionRequest, ExecutionResult

# Shorter than the activity's start-to-close timeout, so a hung receiver is reported
# as a timeout of this attempt and retried, not as a lost activity.
WEBHOOK_TIMEOUT = aiohttp.ClientTimeout(total=30)


def webhook_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=WEBHOOK_TIMEOUT)


class ActionExecutors:
    """Runs approved actions. Clients come in, built once per worker; `temporal` is the
    worker's own client, which the gate asks about approvals; `receipts` holds the approval
    signing key."""

    def __init__(
        self,
        temporal: Client,
        slack: AsyncWebClient,
        webhook_secret: str | None,
        receipts: ReceiptSigner,
        http: Callable[[], aiohttp.ClientSession] = webhook_session,
    ) -> None:
        self._temporal = temporal
        self._slack = slack
        self._webhook_secret = webhook_secret
        self._receipts = receipts
        self._http = http

    @activity.defn
    async def execute_action(self, request: ExecutionRequest) -> ExecutionResult:
        """Runs one approved catalog action with exactly its approved arguments.

        Refuses (non-retryable ApplicationError of type ExecutionRefused) unless the
        ApprovalWorkflow `request.approval_workflow_id` completed approved for this action,
        these arguments and this requester, and was asked for by the calling workflow.
        The result carries the run's receipt.
        """
        approval = await check_approval(self._temporal, request, activity.info().workflow_id)
        # Signed per attempt: a retry carries a fresh receipt for the same approval (jti).
        receipt = self._receipt(request, approval)
        activity.logger.info(
            "Running approved action",
            extra={"action": request.action, "approval": request.approval_workflow_id},
        )
        match request.executor.kind:
            case ExecutorKind.WEBHOOK:
                if not self._webhook_secret:
                    raise ApplicationError("WEBHOOK_SIGNING_SECRET is not set", non_retryable=True)
                async with self._http() as session:
                    return await post_webhook(session, self._webhook_secret, request, receipt)
            case ExecutorKind.SLACK_POST:
                return dataclasses.replace(await self._post_message(request), receipt=receipt)
            case ExecutorKind.SLACK_INVITE:
                return dataclasses.replace(await self._invite(request), receipt=receipt)
        raise ApplicationError(f"Unknown executor kind {request.executor.kind!r}", non_retryable=True)

    def _receipt(self, request: ExecutionRequest, approval: VouchedApproval) -> str:
        try:
            return self._receipts.receipt(request, approval.asked, approval.result)
        except rfc8785.CanonicalizationError as err:
            # An integer past 2**53, a NaN: no canonical JSON, so no receipt could name them.
            raise ApplicationError(
                f"{request.action}'s arguments have no canonical JSON form ({err}); nothing was run",
                non_retryable=True,
            ) from err

    async def _post_message(self, request: ExecutionRequest) -> ExecutionResult:
        channel = request.executor.channel or _argument(request, "channel")
        response = await call_slack(
            self._slack, "chat.postMessage", channel=channel, text=_argument(request, "text")
        )
        return ExecutionResult(
            action=request.action,
            summary=f"Posted the message in <#{channel}>",
            details={"channel": response.get("channel", channel), "ts": response.get("ts")},
        )

    async def _invite(self, request: ExecutionRequest) -> ExecutionResult:
        channel = request.executor.channel or _argument(request, "channel")
        users = request.arguments.get("users") or [_argument(request, "user")]
        # Already in the channel is what the invite was for: a retry after a lost answer,
        # or access granted meanwhile, is a success.
        await call_slack(
            self._slack,
            "conversations.invite",
            accept={"already_in_channel"},
            channel=channel,
            users=",".join(users),
        )
        people = ", ".join(f"<@{u}>" for u in users)
        return ExecutionResult(
            action=request.action,
            summary=f"Invited {people} to <#{channel}>",
            details={"channel": channel, "users": users},
        )


def _argument(request: ExecutionRequest, name: str) -> Any:
    # The catalog loader requires these in the schema; this only guards a hand-made request.
    if name not in request.arguments:
        raise ApplicationError(f"{request.action} needs a '{name}' argument", non_retryable=True)
    return request.arguments[name]
