"""ApprovalWorkflow: one request, one Slack card, one decision, durably.

It posts the card once, keeps its ts, then waits (for minutes or weeks, costing
nothing) for a decision or its timeout, updates the card and returns the outcome. A
request with a chain (a policy's stages) is decided stage by stage instead: the same card
redrawn at each decision, reminder and escalation, each stage's people told in a DM.
"""

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.deciders import DeciderActivities
    from activities.slack import SlackActivities
    from blocks.approval_card import edit_problem
    from domain import approval_memo
    from domain import search_attributes as sa
    from domain.approval_edits import edit_refusal, version_refusal
    from domain.approval_rules import origin_refusal, refusal_of, withdrawal_refusal
    from domain.fingerprint import fingerprint
    from domain.models import (
        APPROVAL_WORKFLOW_TYPE,
        Approval,
        ApprovalRequest,
        ApprovalResult,
        ApprovalStatus,
        ClickOrigin,
        Decision,
        DecisionSubmission,
        Edit,
        EditSubmission,
        EphemeralNotice,
        Withdrawal,
    )
    from domain.stage_notice import NoticeKind, StageNotice
    from workflows.approval_stages import ChainRun, Wake

# Slack calls retry on network errors and 5xx for as long as it takes; the activity
# itself marks what retrying cannot fix (channel_not_found, invalid_auth) non-retryable.
SLACK_CALL = dict(
    start_to_close_timeout=timedelta(seconds=30),
    retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)),
)

# workflow.patched IDs: each guards a change to what the workflow does, so approvals that
# were already waiting when it shipped replay their history unchanged.
CHECKS_CLICK_ORIGIN = "decide-checks-click-origin"
CARD_UPDATED_AFTER_THE_ANSWER = "card-updated-after-the-answer"
RECORDS_WHO_ENDED_IT = "records-who-ended-it"
LISTS_WHOM_A_QUORUM_WAITS_ON = "lists-whom-a-quorum-still-waits-on"
# The type of the error a refused `decide_click` fails with; its message is the refusal.
DECISION_REFUSED = "DecisionRefused"


@workflow.defn(name=APPROVAL_WORKFLOW_TYPE)
class ApprovalWorkflow:
    """Waits for an authorised person to approve or reject one exact request."""

    @workflow.init
    def __init__(self, request: ApprovalRequest) -> None:
        self._request = request
        self._fingerprint = fingerprint(request.action, request.parameters)
        self._expires_at = workflow.now() + timedelta(seconds=request.timeout_seconds)
        # No chain (approval-only, or started before policies were carried out): one step.
        self._stages = ChainRun(request.chain, workflow.now()) if request.chain else None
        self._status = ApprovalStatus.PENDING
        self._decision: Decision | None = None
        self._message_ts: str | None = None
        self._edits: list[Edit] = []
        """Approvers' edits, oldest first; `_fingerprint` is the last one's."""
        self._listed: list[str] = []
        """Who `/approvals` lists this for, as last upserted (ApprovalApprovers)."""

    @workflow.run
    async def run(self, request: ApprovalRequest) -> ApprovalResult:
        self._upsert_search_attributes()
        # What `/approvals` shows of each item comes with the listing: no query per item.
        workflow.upsert_memo(
            {
                approval_memo.SUMMARY: request.summary[: approval_memo.SUMMARY_MAX],
                approval_memo.FINGERPRINT: self._fingerprint,
            }
        )
        # Shielded: a cancel that lands while the card is being posted must still learn
        # the card's ts, so the card can be marked cancelled rather than left with buttons.
        posting = asyncio.ensure_future(
            workflow.execute_activity_method(
                SlackActivities.post_approval_request, self._approval(), **SLACK_CALL
            )
        )
        try:
            self._message_ts = await asyncio.shield(posting)
            workflow.upsert_memo({approval_memo.MESSAGE_TS: self._message_ts})
            if self._stages is not None:
                await self._carry_out(self._stages)
            else:
                # Measured from the start, so a slow post does not extend the deadline.
                remaining = max(self._expires_at - workflow.now(), timedelta(0))
                await workflow.wait_condition(lambda: self._decision is not None, timeout=remaining)
        except TimeoutError:
            self._status = ApprovalStatus.EXPIRED
            workflow.logger.info("Approval expired")
        except asyncio.CancelledError:
            # Withdrawn (its conversation ended, or an operator cancelled it): the card must
            # not keep buttons that can no longer do anything.
            self._status = ApprovalStatus.CANCELLED
            workflow.logger.info("Approval cancelled")
            self._message_ts = self._message_ts or await posting
        self._upsert_outcome()
        try:
            await self._update_card()
        except ActivityError:
            # The decision stands even if its card is gone (deleted, channel archived).
            workflow.logger.exception("Could not update the approval card")
        # Refusals still being told to latecomers finish before the workflow closes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._status is ApprovalStatus.CANCELLED:
            raise asyncio.CancelledError("approval cancelled")
        return ApprovalResult(
            status=self._status,
            fingerprint=self._fingerprint,
            decision=self._decision,
            message_ts=self._message_ts,
            workflow_id=workflow.info().workflow_id,
            progress=self._stages.progress if self._stages else None,
            edits=self._edits,
            asked_fingerprint=fingerprint(request.action, request.parameters) if self._edits else "",
        )

    async def _carry_out(self, stages: ChainRun) -> None:
        """Until every stage that applies is approved, one is rejected, an operator decides,
        or a stage's deadline passes with nobody (left) to escalate to. Each wait is a
        Temporal timer: nothing runs, and nothing is held, while it waits."""
        drawn = stages.changes  # the card just posted shows this much
        told: int | None = None  # the stage whose people were told it is theirs
        while self._status is ApprovalStatus.PENDING:
            if stages.changes != drawn:
                drawn = stages.changes
                if (
                    stages.stage_index == told
                    and self._listed != self._approvers_now()
                    and workflow.patched(LISTS_WHOM_A_QUORUM_WAITS_ON)
                ):
                    # One approval of a quorum: `/approvals` no longer lists it for whoever
                    # gave it (a new stage's people are listed below, as they are told).
                    self._upsert_deciders()
                await self._redraw_card()
                continue  # a decision may have come in while Slack was called
            if stages.stage_index != told:
                told = stages.stage_index
                self._upsert_deciders()
                await self._tell(stages, NoticeKind.TURN)
                continue
            remaining = stages.next_wake() - workflow.now()
            if remaining > timedelta(0):
                try:
                    await workflow.wait_condition(
                        lambda seen=drawn: stages.changes != seen or self._decision is not None,
                        timeout=remaining,
                    )
                    continue
                except TimeoutError:
                    pass
            match stages.fire(workflow.now()):
                case Wake.EXPIRED:
                    self._status = ApprovalStatus.EXPIRED
                    workflow.logger.info("Approval expired at stage %s", stages.stage_index)
                case Wake.ESCALATED:
                    workflow.logger.info("Stage %s escalated", stages.stage_index)
                    self._upsert_deciders()
                    await self._tell(stages, NoticeKind.ESCALATED)
                case Wake.REMINDED:
                    await self._tell(stages, NoticeKind.REMINDER)

    async def _redraw_card(self) -> None:
        """The pending card shows the chain's progress, who may decide now and until when."""
        try:
            await workflow.execute_activity_method(
                SlackActivities.update_approval_message, self._approval(), **SLACK_CALL
            )
        except ActivityError:
            workflow.logger.exception("Could not redraw the approval card")

    async def _tell(self, stages: ChainRun, kind: NoticeKind) -> None:
        """A DM to each person the notice is for, each its own activity, so a retry of one
        never repeats the others'."""
        telling = stages.telling(kind)
        if telling is None or self._message_ts is None:
            return
        notices = [
            StageNotice(
                user=user,
                kind=kind,
                action=self._request.action,
                requester=self._request.requester,
                stage=telling.stage.name if len(stages.chain.policy.stages) > 1 else "",
                deadline=stages.deadline,
                channel=self._request.channel,
                message_ts=self._message_ts,
                edited_by=self._edits[-1].user if self._edits else None,
            )
            for user in telling.users
        ]
        sent = await asyncio.gather(
            *(
                workflow.execute_activity_method(DeciderActivities.tell_decider, notice, **SLACK_CALL)
                for notice in notices
            ),
            return_exceptions=True,
        )
        for notice, outcome in zip(notices, sent, strict=True):
            if isinstance(outcome, ActivityError):
                # A DM that cannot be sent must not hold up the approval; the card says it all.
                workflow.logger.warning("Could not tell %s: %s", notice.user, outcome)
            elif isinstance(outcome, BaseException):
                raise outcome

    async def _update_card(self) -> None:
        if workflow.patched(CARD_UPDATED_AFTER_THE_ANSWER):
            # A regular activity: the workflow task that records the decision completes at
            # once, so the click's Update is answered without waiting for Slack's
            # chat.update (tens of ms to seconds, longer when rate limited), which would
            # otherwise push the answer past the bot's Update timeout into its fallback.
            await workflow.execute_activity_method(
                SlackActivities.update_approval_message, self._approval(), **SLACK_CALL
            )
            return
        # Before: a local activity inside the decision's workflow task.
        await workflow.execute_local_activity_method(
            SlackActivities.update_approval_message, self._approval(), **SLACK_CALL
        )

    @workflow.signal
    def approve(self, approved: bool) -> None:
        """The seed's decision: `temporal workflow signal --name approve --input true`.

        Whoever can signal through Temporal is trusted (operators, scripts), so there is
        no Slack user to check; the decision is recorded as made through Temporal.
        """
        if self._status is not ApprovalStatus.PENDING:
            workflow.logger.info("Ignored a Temporal decision: approval already %s", self._status)
            return
        self._record(Decision(approved=bool(approved), decided_at=workflow.now()))

    @workflow.update
    async def decide_click(self, submission: DecisionSubmission) -> str | None:
        """A decision from Slack in one round trip: None once it is recorded, else why it
        cannot count (which the bot tells the clicker). Refused by the validator, a click
        writes nothing to history."""
        await self._card_posted_for(submission.origin)
        if refusal := self._refusal(submission, checks_origin=True):
            workflow.logger.info("Refused a decision from %s: %s", submission.user, refusal)
            return refusal
        self._record_submission(submission)
        return None

    @decide_click.validator
    def validate_decide_click(self, submission: DecisionSubmission) -> None:
        self._validate(submission.origin, lambda: self._refusal(submission, checks_origin=True))

    @workflow.signal
    async def decide(self, submission: DecisionSubmission) -> None:
        """`decide_click` as a signal: what the bot sends when no worker answers the update
        in time, so a click still counts with every worker down. The refusal is told from
        here, as the bot is no longer waiting."""
        checks_origin = workflow.patched(CHECKS_CLICK_ORIGIN)
        if checks_origin:
            await self._card_posted_for(submission.origin)
        if (refusal := self._refusal(submission, checks_origin=checks_origin)) is None:
            self._record_submission(submission)
            return
        workflow.logger.info("Refused a decision from %s: %s", submission.user, refusal)
        await self._tell_refusal(submission.user, refusal)

    @workflow.update
    async def withdraw_click(self, withdrawal: Withdrawal) -> str | None:
        """The requester takes the request back from Slack: None once it is withdrawn (it
        ends, nothing runs, the agent is told), else why not (which the bot tells the
        clicker). Refused by the validator, a click writes nothing to history."""
        await self._card_posted_for(withdrawal.origin)
        if refusal := self._withdrawal_refusal(withdrawal):
            workflow.logger.info("Refused a withdrawal by %s: %s", withdrawal.user, refusal)
            return refusal
        self._withdraw(withdrawal.user)
        return None

    @withdraw_click.validator
    def validate_withdraw_click(self, withdrawal: Withdrawal) -> None:
        self._validate(withdrawal.origin, lambda: self._withdrawal_refusal(withdrawal))

    @workflow.signal
    async def withdraw(self, withdrawal: Withdrawal) -> None:
        """`withdraw_click` as a signal, for when no worker answers the update in time; a
        refusal is told from here. New with withdrawal, so no history predates it."""
        await self._card_posted_for(withdrawal.origin)
        if (refusal := self._withdrawal_refusal(withdrawal)) is None:
            self._withdraw(withdrawal.user)
            return
        workflow.logger.info("Refused a withdrawal by %s: %s", withdrawal.user, refusal)
        await self._tell_refusal(withdrawal.user, refusal)

    @workflow.update
    async def edit_click(self, submission: EditSubmission) -> str | None:
        """ "Edit & approve" from Slack: None once the edited arguments are approved by the
        editor (the card then shows both versions, and stages approved before are asked
        again), else why not (which the bot tells them). Refused by the validator, an edit
        writes nothing to history. New with edits, so no history predates it."""
        await self._card_posted_for(submission.origin)
        if refusal := self._edit_refusal(submission):
            workflow.logger.info("Refused an edit by %s: %s", submission.user, refusal)
            return refusal
        self._record_edit(submission)
        return None

    @edit_click.validator
    def validate_edit_click(self, submission: EditSubmission) -> None:
        self._validate(submission.origin, lambda: self._edit_refusal(submission))

    @workflow.signal
    async def edit(self, submission: EditSubmission) -> None:
        """`edit_click` as a signal, for when no worker answers the update in time; a
        refusal is told from here."""
        await self._card_posted_for(submission.origin)
        if (refusal := self._edit_refusal(submission)) is None:
            self._record_edit(submission)
            return
        workflow.logger.info("Refused an edit by %s: %s", submission.user, refusal)
        await self._tell_refusal(submission.user, refusal)

    def _edit_refusal(self, submission: EditSubmission) -> str | None:
        state = self.get_status()
        if refusal := self._origin_refusal(state, submission.user, submission.origin):
            return refusal
        return edit_refusal(state, submission) or edit_problem(self._request, submission.parameters)

    def _record_edit(self, submission: EditSubmission) -> None:
        """The editor approves their version: it is what the card shows and what runs."""
        assert self._stages is not None  # edit_refusal refuses a request without a chain
        now = workflow.now()
        stage, status = self._stages.edit(submission.user, submission.parameters, now)
        self._edits.append(
            Edit(
                user=submission.user,
                edited_at=now,
                parameters=submission.parameters,
                fingerprint=fingerprint(self._request.action, submission.parameters),
                stage=stage,
            )
        )
        self._fingerprint = self._edits[-1].fingerprint
        # What `/approvals` and the audit read of it without asking: the version that runs.
        workflow.upsert_memo(
            {approval_memo.FINGERPRINT: self._fingerprint, approval_memo.EDITS: len(self._edits)}
        )
        workflow.logger.info("Edited and approved by %s", submission.user)
        if status is not ApprovalStatus.PENDING:
            self._record(Decision(approved=True, decided_at=now, decided_by=submission.user))

    def _validate(self, origin: ClickOrigin | None, refusal: Callable[[], str | None]) -> None:
        """An Update's validator: a refusal writes nothing to history. Before the card's ts is
        known the handler waits for it, then checks."""
        if self._waits_for_card(origin):
            return
        if why := refusal():
            raise ApplicationError(why, type=DECISION_REFUSED, non_retryable=True)

    async def _tell_refusal(self, user: str, refusal: str) -> None:
        try:
            await workflow.execute_activity_method(
                SlackActivities.post_ephemeral,
                EphemeralNotice(
                    channel=self._request.channel,
                    user=user,
                    text=refusal,
                    thread_ts=self._request.thread_ts,
                ),
                **SLACK_CALL,
            )
        except ActivityError:
            # A refusal that cannot be shown must not fail the approval itself.
            workflow.logger.exception("Could not tell %s why their click was refused", user)

    async def _card_posted_for(self, origin: ClickOrigin | None) -> None:
        if self._waits_for_card(origin):
            await workflow.wait_condition(
                lambda: self._message_ts is not None or self._status is not ApprovalStatus.PENDING
            )

    def _waits_for_card(self, origin: ClickOrigin | None) -> bool:
        # A click can only come from a posted card, but the post's result and the click
        # can reach the workflow in one task, signals first: its origin is checked once
        # the post's ts is known.
        return self._message_ts is None and origin is not None and not origin.from_list

    def _refusal(self, submission: DecisionSubmission, *, checks_origin: bool) -> str | None:
        """Why this decision cannot count: made outside this approval's card (logged as a
        security warning with both messages), by someone who may not decide, or too late."""
        state = self.get_status()
        if checks_origin and (refusal := self._origin_refusal(state, submission.user, submission.origin)):
            return refusal
        if refusal := refusal_of(state, submission.user, submission.approved, submission.reason):
            return refusal
        return version_refusal(state, submission)

    def _withdrawal_refusal(self, withdrawal: Withdrawal) -> str | None:
        """Why this withdrawal cannot count: clicked outside this approval's card (or a list
        of it), by someone other than the requester, or after a decision."""
        state = self.get_status()
        if refusal := self._origin_refusal(state, withdrawal.user, withdrawal.origin):
            return refusal
        return withdrawal_refusal(state, withdrawal.user)

    def _origin_refusal(self, state: Approval, user: str, origin: ClickOrigin | None) -> str | None:
        """A click from another message, logged as a security warning with both messages
        (the wording kept from before withdrawals, for alerts that match it). Once decided,
        the outcome is what the clicker needs to hear, wherever they clicked."""
        if state.status is not ApprovalStatus.PENDING or (refusal := origin_refusal(state, origin)) is None:
            return None
        clicked = origin or ClickOrigin()
        workflow.logger.warning(
            "Security: refused a decision clicked outside this approval's card",
            extra={
                "clicked_channel": clicked.channel,
                "clicked_message_ts": clicked.message_ts,
                "card_channel": state.request.channel,
                "card_message_ts": state.message_ts,
                "user": user,
            },
        )
        return refusal

    def _record_submission(self, submission: DecisionSubmission) -> None:
        if self._stages is not None:
            status = self._stages.record(
                submission.user, submission.approved, workflow.now(), submission.reason.strip()
            )
            if status is ApprovalStatus.PENDING:
                workflow.logger.info("Stage decision by %s", submission.user)
                return
            # The decision that settled the chain: the last approval, or the rejection.
        self._record(
            Decision(
                approved=submission.approved,
                decided_at=workflow.now(),
                decided_by=submission.user,
                reason=submission.reason.strip(),
            )
        )

    def _withdraw(self, requester: str) -> None:
        """Ends the request as the requester asked: recorded like a decision (who, when), so
        the card, the thread and the agent say who withdrew it; nothing runs."""
        self._decision = Decision(approved=False, decided_at=workflow.now(), decided_by=requester)
        self._status = ApprovalStatus.WITHDRAWN
        workflow.logger.info("Approval withdrawn by %s", requester)

    @workflow.query
    def get_status(self) -> Approval:
        return self._approval()

    def _record(self, decision: Decision) -> None:
        self._decision = decision
        self._status = ApprovalStatus.APPROVED if decision.approved else ApprovalStatus.REJECTED
        workflow.logger.info(
            "Approval %s by %s", self._status.value, decision.decided_by or "Temporal signal"
        )

    def _approval(self) -> Approval:
        return Approval(
            workflow_id=workflow.info().workflow_id,
            request=self._request,
            fingerprint=self._fingerprint,
            expires_at=self._stages.deadline if self._stages else self._expires_at,
            status=self._status,
            decision=self._decision,
            message_ts=self._message_ts,
            progress=self._stages.progress if self._stages else None,
            reminded_at=self._stages.reminded_at if self._stages else None,
            edits=self._edits,
        )

    def _upsert_search_attributes(self) -> None:
        request = self._request
        workflow.upsert_search_attributes(
            [
                sa.APPROVAL_STATUS.value_set(self._status.value),
                sa.APPROVAL_ACTION.value_set(request.action),
                sa.APPROVAL_REQUESTER.value_set(request.requester),
                sa.APPROVAL_APPROVERS.value_set(self._approvers_now()),
                sa.APPROVAL_CHANNEL.value_set(request.channel),
                sa.APPROVAL_EXPIRES_AT.value_set(self._approval().expires_at),
            ]
        )

    def _upsert_outcome(self) -> None:
        """The final status; and, for `/approvals history`, who decided (searchable) and who
        ended it when (shown). Approvals from before history was kept upsert the status only."""
        outcome = [sa.APPROVAL_STATUS.value_set(self._status.value)]
        if workflow.patched(RECORDS_WHO_ENDED_IT):
            if deciders := self._deciders():
                outcome.append(sa.APPROVAL_DECIDED_BY.value_set(deciders))
            decision = self._decision
            ended_at = decision.decided_at if decision else workflow.now()
            ended = {approval_memo.ENDED_AT: ended_at.isoformat()}
            if decision and decision.decided_by:
                ended[approval_memo.ENDED_BY] = decision.decided_by
            workflow.upsert_memo(ended)
        workflow.upsert_search_attributes(outcome)

    def _deciders(self) -> list[str]:
        """Who approved or rejected it, each once: every stage's deciders, or the one who
        decided. A withdrawal is the requester's own act, not a decision of it."""
        users = [d.user for d in self._stages.progress.decisions] if self._stages else []
        decision = self._decision
        if decision and decision.decided_by and self._status is not ApprovalStatus.WITHDRAWN:
            users.append(decision.decided_by)
        return list(dict.fromkeys(users))

    def _upsert_deciders(self) -> None:
        """`/approvals` lists what waits on someone at the current stage, until when."""
        self._listed = self._approvers_now()
        workflow.upsert_search_attributes(
            [
                sa.APPROVAL_APPROVERS.value_set(self._listed),
                sa.APPROVAL_EXPIRES_AT.value_set(self._approval().expires_at),
            ]
        )

    def _approvers_now(self) -> list[str]:
        request = self._request
        if self._stages is not None:
            now = self._stages.deciders
            return [sa.ANYONE] if now.anyone else now.users
        return [u for u in request.approvers if u != request.requester] if request.approvers else [sa.ANYONE]
