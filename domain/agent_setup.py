"""The agent's setup as the worker knows it: its action catalog, its model, tracing.

Workflow-safe data: it reaches workflows through `AgentSetupActivities.get_agent_setup`.
"""

from dataclasses import dataclass, field

from domain.catalog import ActionCatalog


@dataclass(frozen=True)
class AgentSetup:
    catalog: ActionCatalog = field(default_factory=ActionCatalog)
    model: str | None = None
    """The model name; None when no model is configured: approval-only mode, no AI."""
    tracing: bool = False
    """Whether openai-agents exports traces (to OpenAI); off unless asked for."""
    api_style: str = "responses"
    """How the model is spoken to ("responses" or "chat_completions"), to say what to fix."""
    model_turn_timeout_seconds: int = 300
    """How long one turn may wait for the model in all (time waiting for approvals aside)."""
    model_slow_notice_seconds: int = 15
    """How long one model call may take before the thread says it is still being worked on."""
