"""AgentWorkflow: one Slack thread's conversation with the agent, one message at a time.

Every mention in a thread is signalled here (signal-with-start, ID from team, channel and
thread), so a follow-up continues the same conversation and a second message waits for
the first (and its pending approval) instead of racing it. Slack's redeliveries of one
event are dropped by its ts. With no model configured (approval-only mode), each message
goes for approval as written and the thread gets the outcome.
"""

import asyncio
import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from agents import Agent, ModelSettings, RunConfig, Runner, RunResult
    from agents.exceptions import AgentsException
    from temporalio.openai_agents import AgentsWorkflowError

    from activities.agent_setup import AgentSetupActivities
    from activities.slack import SlackActivities
    from domain.agent_setup import AgentSetup
    from domain.models import (
        REPLY_FORMAT_INERT,
        ActionRecord,
        AgentAnswer,
        AgentRequest,
        ApprovalRequest,
        ThreadReply,
    )
    from workflows.agent_instructions import INSTRUCTIONS, user_message
    from workflows.agent_tools import Turn, agent_tools, root_cause, unshowable
    from workflows.approval import SLACK_CALL
    from workflows.ask_for_approval import ask_for_approval
    from workflows.model_failure import no_answer, timed_out, too_slow, what_failed
    from workflows.model_wait import ModelBounds, ModelClock, within_bounds

# What an approval-only request is called on its card; there is no catalog action.
APPROVAL_ONLY_ACTION = "request"
# A thread nobody has written in for a week closes; a later mention starts afresh.
IDLE_TIMEOUT = timedelta(days=7)
# The model sees this many earlier turns of the thread (older ones are dropped whole, so a
# tool call is never separated from its result).
TURNS_REMEMBERED = 10
# Slack redelivers an event it was not answered for within minutes; a thread's last 100
# mentions reach back further than that, so a continue-as-new carries no more of them.
SEEN_EVENTS_REMEMBERED = 100
MAX_MODEL_TURNS = 12
# workflow.patched IDs: each guards a change to what the workflow does, so conversations
# that were already running when it shipped replay their history unchanged.
ANSWERS_MENTION_AT_IDLE_TIMEOUT = "answers-a-mention-at-the-idle-timeout"
BOUNDS_THE_WAIT_FOR_THE_MODEL = "bounds-the-wait-for-the-model"
SURVIVES_A_REFUSED_REPLY = "survives-a-reply-slack-refuses"
STILL_WORKING = "⏳ Still working on it…"
# The notice is a courtesy: a Slack that does not take it soon must not hold up the turn.
NOTICE_CALL = dict(start_to_close_timeout=timedelta(seconds=10), retry_policy=RetryPolicy(maximum_attempts=3))


@dataclass
class Notice:
    """The "Still working on it…" message of the turn being answered."""

    ts: str
    records_before: int
    """How many approvals the turn had asked for when it was posted: none since, and the
    answer takes its place; otherwise cards came below it, and the answer goes below them."""


@dataclass
class Conversation:
    """A thread's conversation: where it is, what was said, what is waiting.

    The workflow's input, and what it carries into a continue-as-new.
    """

    team: str
    channel: str
    thread_ts: str
    turns: list[list[dict[str, Any]]] = field(default_factory=list)
    """Earlier turns as the model saw them (openai-agents input items), oldest first."""
    seen_event_ts: list[str] = field(default_factory=list)
    pending: list[AgentRequest] = field(default_factory=list)
    idle_timeout_seconds: int = int(IDLE_TIMEOUT.total_seconds())
    """How long the thread waits for its next mention before it closes (a week; tests shorten it)."""


@workflow.defn
class AgentWorkflow:
    """Answers each mention in one thread in order: an agent proposes actions, each action
    waits for approval of its exact arguments, and the answer goes in the thread."""

    @workflow.init
    def __init__(self, conversation: Conversation) -> None:
        self._conversation = conversation
        self._answers: list[AgentAnswer] = []
        self._notice: Notice | None = None

    @workflow.run
    async def run(self, conversation: Conversation) -> list[AgentAnswer]:
        conversation = self._conversation  # the one the signal handler appends to
        setup = await workflow.execute_activity_method(
            AgentSetupActivities.get_agent_setup, start_to_close_timeout=timedelta(seconds=30)
        )
        while not workflow.info().is_continue_as_new_suggested():
            try:
                await workflow.wait_condition(
                    lambda: bool(conversation.pending),
                    timeout=timedelta(seconds=conversation.idle_timeout_seconds),
                )
            except TimeoutError:
                # A mention can come in the very task the idle timer fires in (and whether
                # the timer or the mention is seen first is the SDK's choice): the thread is
                # not idle then, and the mention must be answered, not dropped. Histories
                # from before this change returned here, and replay as they were.
                if not conversation.pending or not workflow.patched(ANSWERS_MENTION_AT_IDLE_TIMEOUT):
                    return self._answers
            request = conversation.pending.pop(0)
            answer = await self._answer(setup, request)
            self._answers.append(answer)
            await self._post_reply(request, answer)
        # A long thread starts a fresh history, carrying what the model remembers and what waits.
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(carried_forward(conversation))

    @workflow.signal
    def add_message(self, request: AgentRequest) -> None:
        """A mention in this thread. Slack's redeliveries of the same event are dropped."""
        if request.event_ts in self._conversation.seen_event_ts:
            workflow.logger.info("Dropped a redelivered mention %s", request.event_ts)
            return
        self._conversation.seen_event_ts.append(request.event_ts)
        self._conversation.pending.append(request)

    @workflow.query
    def get_answers(self) -> list[AgentAnswer]:
        """Every answer this run has posted in the thread, oldest first."""
        return self._answers

    async def _answer(self, setup: AgentSetup, request: AgentRequest) -> AgentAnswer:
        if setup.model is None:
            asked = approval_only_request(request)
            if problem := unshowable(asked):
                return AgentAnswer(text=f"⚠️ Your request was not sent for approval: {problem}.")
            result = await ask_for_approval(asked)
            record = ActionRecord(APPROVAL_ONLY_ACTION, result, request=request.text)
            return AgentAnswer(text="", approvals=[result], records=[record])
        return await self._run_agent(setup, request)

    async def _run_agent(self, setup: AgentSetup, request: AgentRequest) -> AgentAnswer:
        turn = Turn(request)
        agent = Agent(
            name="Countersign",
            instructions=INSTRUCTIONS,
            tools=agent_tools(setup.catalog.actions, turn),
            model=setup.model,
            # Said explicitly, on every call: OpenAI assumes "auto", other servers do not
            # (llama-cpp-python's leaves the tools out of the prompt). It is only arguments
            # of the model activity, so histories replay unchanged.
            model_settings=ModelSettings(tool_choice="auto"),
            reset_tool_choice=False,
        )
        remembered = [item for items in self._conversation.turns[-TURNS_REMEMBERED:] for item in items]
        said = {"role": "user", "content": user_message(request.user, request.text)}
        run = dict(max_turns=MAX_MODEL_TURNS, run_config=RunConfig(tracing_disabled=not setup.tracing))
        try:
            if workflow.patched(BOUNDS_THE_WAIT_FOR_THE_MODEL):
                result = await self._run_within_bounds(setup, turn, agent, [*remembered, said], run)
            else:
                result = await Runner.run(agent, [*remembered, said], **run)
        except (AgentsException, AgentsWorkflowError, ActivityError) as err:
            if timed_out(err):
                result = None
            else:
                workflow.logger.warning("The agent could not finish: %s", root_cause(err))
                failed = what_failed(err, setup.api_style)
                return _answer(f"⚠️ I could not finish this request: {failed}.", turn)
        if result is None:
            workflow.logger.warning("The model did not answer in time")
            return _answer(f"⚠️ {too_slow(setup.model_turn_timeout_seconds, bool(turn.records))}", turn)
        turns = self._conversation.turns
        turns.append(result.to_input_list()[len(remembered) :])
        # Only the last ones are read; the same commands as keeping them all.
        del turns[:-TURNS_REMEMBERED]
        output = result.final_output
        text = (output if isinstance(output, str) else str(output or "")).strip()
        # Slack refuses an empty message, and an empty thread reads as a hang.
        return _answer(text or no_answer(bool(turn.records)), turn)

    async def _run_within_bounds(
        self, setup: AgentSetup, turn: Turn, agent: Agent, said: list[Any], run: dict[str, Any]
    ) -> RunResult | None:
        """The agent's run, told in the thread once the model is slow, and ended once the
        turn has waited MODEL_TURN_TIMEOUT_SECONDS for it (then None)."""
        clock = ModelClock()
        running = asyncio.create_task(Runner.run(agent, said, hooks=clock, **run))
        bounds = ModelBounds(
            turn=timedelta(seconds=setup.model_turn_timeout_seconds),
            slow=timedelta(seconds=setup.model_slow_notice_seconds),
        )

        async def tell_slow() -> None:
            await self._post_notice(turn)

        if await within_bounds(running, clock, bounds, tell_slow):
            return await running
        try:
            await running  # its model activity is cancelled with it
        except (asyncio.CancelledError, AgentsException, AgentsWorkflowError, ActivityError):
            pass  # however the cancel surfaced: the turn ran out of time
        return None

    async def _post_notice(self, turn: Turn) -> None:
        request = turn.request
        notice = ThreadReply(request.channel, request.thread_ts, STILL_WORKING, format=REPLY_FORMAT_INERT)
        try:
            ts = await workflow.execute_activity_method(
                SlackActivities.post_thread_reply, notice, **NOTICE_CALL
            )
        except ActivityError as err:
            workflow.logger.warning("Could not say the model is slow: %s", err.cause or err)
            return
        self._notice = Notice(ts, records_before=len(turn.records))

    async def _post_reply(self, request: AgentRequest, answer: AgentAnswer) -> None:
        """The answer in the thread, in place of the turn's notice when nothing came below
        it. A reply Slack refuses (no_text, msg_too_long, invalid_blocks) gets a line of
        ours instead: the conversation goes on."""
        reply = thread_reply(request, answer)
        notice, self._notice = self._notice, None
        if notice and notice.records_before == len(answer.records):
            reply = dataclasses.replace(reply, replacing=notice.ts)
        try:
            await workflow.execute_activity_method(SlackActivities.post_thread_reply, reply, **SLACK_CALL)
        except ActivityError as err:
            # Before this, the refusal failed the workflow: those histories end so.
            if not workflow.patched(SURVIVES_A_REFUSED_REPLY):
                raise
            why = err.cause.message if isinstance(err.cause, ApplicationError) else str(err.cause or err)
            workflow.logger.warning("Slack refused the answer: %s", why)
            line = f"⚠️ This answer could not be shown: {why.rstrip('.')}."
            if answer.records:
                line += " What was approved and run is on each card above."
            fallback = dataclasses.replace(reply, text=line, records=[], replacing=None)
            try:
                await workflow.execute_activity_method(
                    SlackActivities.post_thread_reply, fallback, **SLACK_CALL
                )
            except ActivityError as again:
                workflow.logger.warning("Slack refused the fallback line too: %s", again.cause or again)


def carried_forward(conversation: Conversation) -> Conversation:
    """What a continue-as-new carries: what waits, and of the past only what is read.

    No patch needed: the commands are the same, only the next run's input is smaller, and
    each run replays with the input its own history recorded.
    """
    return dataclasses.replace(
        conversation,
        turns=conversation.turns[-TURNS_REMEMBERED:],
        seen_event_ts=conversation.seen_event_ts[-SEEN_EVENTS_REMEMBERED:],
    )


def _answer(text: str, turn: Turn) -> AgentAnswer:
    """The agent's words, and the record of what was approved and run while answering."""
    return AgentAnswer(text=text, approvals=[r.approval for r in turn.records], records=turn.records)


def thread_reply(request: AgentRequest, answer: AgentAnswer) -> ThreadReply:
    return ThreadReply(
        channel=request.channel,
        thread_ts=request.thread_ts,
        text=answer.text,
        records=answer.records,
        format=REPLY_FORMAT_INERT,
    )


def approval_only_request(request: AgentRequest) -> ApprovalRequest:
    """The mention as written, for anyone but its author to approve."""
    return ApprovalRequest(
        action=APPROVAL_ONLY_ACTION,
        summary=request.text,
        parameters={"request": request.text},
        requester=request.user,
        channel=request.channel,
        thread_ts=request.thread_ts,
        approval_only=True,
    )
