"""Where Slack's requests go once the web server has them: Bolt, here or in another process.

The web server (bot.server) answers events, clicks and slash commands before Bolt runs
(bot.ack_first) and hands them over with `after_ack`; everything else waits for Bolt's
answer with `answer`. Over HTTP the bot hands them to Bolt in a child process
(bot.dispatch_process), so that the work after an ack never delays the next ack; tests
and Socket Mode keep Bolt in this process (bot.dispatch_in_process). This module stays
light: the web server that only acks need not load the workflows and the agent.
"""

from dataclasses import dataclass
from typing import Protocol

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

# Well inside a load balancer's probe timeout, long enough for a healthy cluster.
HEALTH_CHECK_SECONDS = 2.0
# Requests acked before Bolt ran are still being handled; a stop waits for them this long.
SHUTDOWN_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class SlackRequest:
    """An HTTP request from Slack as Bolt reads it."""

    body: str
    query: str
    headers: dict[str, str]

    def for_bolt(self) -> AsyncBoltRequest:
        return AsyncBoltRequest(body=self.body, query=self.query, headers=self.headers)


class Dispatch(Protocol):
    def after_ack(self, request: SlackRequest) -> None:
        """Runs Bolt for a request Slack was already answered for; a stop waits for it."""

    async def answer(self, request: SlackRequest) -> BoltResponse:
        """Bolt's answer; raises when Bolt cannot read the request at all."""

    async def healthy(self) -> bool:
        """Whether Bolt's side can reach Temporal."""

    async def finish(self) -> None:
        """Lets what was handed over finish; nothing new arrives after this is called."""
