"""The worker: runs approval (and agent) workflows and their activities.

`python -m workflows.worker`. Stops cleanly on SIGTERM or Ctrl-C: running activities
get a grace period, waiting workflows simply stay waiting in Temporal.
"""

import asyncio
import logging
from datetime import timedelta

from agents import set_tracing_disabled
from temporalio.client import Client
from temporalio.worker import Replayer, Worker

from activities.agent_setup import AgentSetupActivities
from activities.deciders import DeciderActivities
from activities.executors import ActionExecutors
from activities.slack import SlackActivities
from activities.slack_client import slack_web_client
from countersign.catalog_file import LoadedCatalog, load_action_catalog, load_catalog
from countersign.logs import configure_logging
from countersign.receipts.configured import signing_key
from countersign.receipts.signing import ReceiptSigner
from countersign.settings import Settings, exit_on_bad_settings, load_settings
from countersign.slack_check import check_slack_token
from countersign.stopping import exit_without_finalizing, stop_on_signals
from countersign.temporal_client import agents_plugin, connect
from domain.agent_setup import AgentSetup
from domain.catalog import ActionCatalog
from workflows.agent import AgentWorkflow
from workflows.approval import ApprovalWorkflow

log = logging.getLogger("countersign.worker")

# What the worker runs and the replay test replays: one list, so they cannot drift apart.
WORKFLOWS = [AgentWorkflow, ApprovalWorkflow]

# How long a workflow task waits on the sticky queue of the worker that has the workflow
# cached before Temporal offers it to any worker on the task queue. After a crash (kill -9,
# OOM, a lost machine) nobody polls that queue any more, so this is how long a click on a
# pending card waits before another worker replays the approval and applies it: with the
# SDK's default of 10 s a click after a worker crash took 10 to 12 s, with 1 s about 1.1 s
# (bench.worker_crash). The cost of a short one: a live worker too busy to take a task
# within 1 s loses it to the shared queue, and whoever takes it replays the workflow from
# its full history, more work at a moment when there is already too much. An approval's
# history is a couple of dozen events, so that replay is cheap.
STICKY_QUEUE_TIMEOUT = timedelta(seconds=1)


def build_worker(
    client: Client, settings: Settings, task_queue: str | None = None, catalog: ActionCatalog | None = None
) -> Worker:
    """The worker with every workflow and activity the project runs.

    The action catalog is read from ACTION_CATALOG unless given; a bad one raises CatalogError,
    and a kept signing key that is not one raises SettingsError.
    """
    catalog = catalog or load_action_catalog(settings)
    # openai-agents exports traces to OpenAI whenever a key is set; off unless asked for.
    set_tracing_disabled(not settings.agent_tracing)
    slack_client = slack_web_client(settings.slack_bot_token, settings.slack_api_url)
    slack = SlackActivities(slack_client, settings.temporal_ui_url, settings.temporal_namespace, client)
    # The approval signing key is read here, in the worker process: the executor activity
    # signs with it, and no workflow ever sees it.
    receipts = ReceiptSigner(signing_key(settings))
    executors = ActionExecutors(client, slack_client, settings.webhook_signing_secret, receipts)
    deciders = DeciderActivities(slack_client)
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=[
            slack.post_approval_request,
            slack.update_approval_message,
            slack.post_ephemeral,
            slack.post_thread_reply,
            deciders.members_of_groups,
            deciders.tell_decider,
            AgentSetupActivities(agent_setup(settings, catalog)).get_agent_setup,
            executors.execute_action,
        ],
        plugins=[agents_plugin(settings)],
        graceful_shutdown_timeout=timedelta(seconds=10),
        sticky_queue_schedule_to_start_timeout=STICKY_QUEUE_TIMEOUT,
        # Bounded well below the approvals that may be waiting, so memory stays flat with
        # them; an evicted approval is replayed when its click comes.
        max_cached_workflows=settings.worker_max_cached_workflows,
    )


def agent_setup(settings: Settings, catalog: ActionCatalog) -> AgentSetup:
    """What the agent workflows learn of the worker's settings (recorded in their history)."""
    return AgentSetup(
        catalog,
        settings.model,
        settings.agent_tracing,
        api_style=settings.openai_api_style,
        model_turn_timeout_seconds=settings.model_turn_timeout_seconds,
        model_slow_notice_seconds=settings.model_slow_notice_seconds,
    )


def build_replayer(settings: Settings) -> Replayer:
    """Replays histories the way `build_worker`'s worker would run them: the same workflows,
    plugin (its interceptor, sandbox passthroughs and agent runner) and data converter."""
    # No data_converter given: the plugin puts in its own, the same as DATA_CONVERTER. Given
    # DATA_CONVERTER itself, temporalio-openai-agents 1.1.0 refuses it ("must be of type
    # OpenAIPayloadConverter"): its isinstance check meets the wrapper temporalio 1.35 puts
    # around every payload converter.
    return Replayer(workflows=WORKFLOWS, plugins=[agents_plugin(settings)])


async def run_worker(settings: Settings, catalog: LoadedCatalog) -> None:
    if warning := catalog.off_warning():
        log.warning(warning, extra={"actions_off": dict(catalog.off)})
    # Before Temporal: a wrong token would otherwise surface at the first card.
    checking = slack_web_client(
        settings.slack_bot_token, settings.slack_api_url, retry_connection_errors=False
    )
    await check_slack_token(settings, checking)
    client = await connect(settings)
    worker = build_worker(client, settings, catalog=catalog.offered)
    stop = stop_on_signals()
    async with worker:
        log.info(
            "Worker ready",
            extra={
                "task_queue": settings.temporal_task_queue,
                "temporal": settings.temporal_address,
            },
        )
        await stop.wait()
        log.info("Worker stopping")
    log.info("Worker stopped")


def main() -> None:
    with exit_on_bad_settings("countersign worker"):
        settings = load_settings()
        # Before connecting: a bad catalog is a configuration error, reported like one.
        catalog = load_catalog(settings)
        configure_logging(settings.log_level)
        # A token Slack refuses is one too (countersign.slack_check).
        asyncio.run(run_worker(settings, catalog))
    exit_without_finalizing()


if __name__ == "__main__":
    main()
