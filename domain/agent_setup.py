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
