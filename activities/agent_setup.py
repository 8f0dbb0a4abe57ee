"""What an agent workflow needs from the worker's settings, through an activity.

Workflow code cannot read files or the environment; asking once at start records the
answer in history, so a conversation keeps its catalog and model even if a worker restarts
with different ones while an approval is pending.
"""

from temporalio import activity

from domain.agent_setup import AgentSetup


class AgentSetupActivities:
    """Holds the setup the worker built at start from its settings and action catalog."""

    def __init__(self, setup: AgentSetup) -> None:
        self._setup = setup

    @activity.defn
    async def get_agent_setup(self) -> AgentSetup:
        """The worker's action catalog, model (None: approval-only mode) and tracing choice."""
        return self._setup
