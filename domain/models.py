"""The dataclasses that cross workflow, activity and bot boundaries.

Each workflow and activity takes one of these in and returns one out, so fields can be
added later without breaking running workflows (new fields need defaults).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Defined in approval_status (the policy modules need them too); imported from here as before.
from domain.approval_status import DEFAULT_APPROVAL_TIMEOUT_SECONDS, ApprovalStatus
from domain.policy_progress import Chain, Progress

APPROVAL_WORKFLOW_TYPE = "ApprovalWorkflow"
"""The approval workflow's type, for code that finds approvals in Temporal without
importing the workflow (activities run inside the worker that registers it)."""


@dataclass
class ApprovalRequest:
    """What someone asks to be allowed to do, exactly as the approver will see it."""

    action: str
    summary: str
    parameters: dict[str, Any]
    requester: str
    """Slack user ID of the person who asked."""
    channel: str
    thread_ts: str | None = None
    approvers: list[str] = field(default_factory=list)
    """Slack user IDs allowed to decide; empty means anyone but the requester."""
    timeout_seconds: int = DEFAULT_APPROVAL_TIMEOUT_SECONDS
    reason_required: bool = False
    """Whether a rejection must say why (the bot's reject modal enforces it)."""
    approval_only: bool = False
    """Nothing runs on approval (approval-only mode, a confirmation): the card says so."""
    chain: Chain | None = None
    """The policy as it applies to this request, its groups resolved when it was made. None:
    one step, decided by `approvers` (approval-only requests, and every approval started
    before policies were carried out, whose histories have no chain)."""
    parameters_schema: dict[str, Any] | None = None
    """The action's JSON schema, carried when its policy lets approvers edit the arguments:
    the approval checks an edit against it itself. None: the arguments cannot be edited."""


@dataclass
class ClickOrigin:
    """Where the person saw the request when they decided it."""

    channel: str = ""
    message_ts: str = ""
    """The message clicked: the approval's own card, for a decision to count."""
    from_list: bool = False
    """Clicked in an `/approvals` list that showed this approval; the bot checked the
    button was that list's (a list is ephemeral, so Slack never tells its ts)."""


@dataclass
class DecisionSubmission:
    """A decision as the bot sends it: the clicking Slack user, a reason, and where."""

    approved: bool
    user: str
    reason: str = ""
    origin: ClickOrigin | None = None
    """None only from callers that predate it; such a decision is refused."""
    version: int | None = None
    """How many edits the card showed when it was clicked: an approval counts only for the
    version its approver saw. None: not known (a list, `temporal workflow signal`)."""


@dataclass
class EditSubmission:
    """ "Edit & approve" as the bot sends it: who, the whole arguments as they submitted them,
    where they clicked, and which version the modal showed them."""

    user: str
    parameters: dict[str, Any]
    origin: ClickOrigin | None = None
    version: int = 0
    """How many edits the request had when the modal opened: an edit of an older version
    is refused, so nobody overwrites a change they never saw."""


@dataclass
class Edit:
    """Arguments an approver changed before approving: the whole version they approved."""

    user: str
    edited_at: datetime
    parameters: dict[str, Any]
    fingerprint: str
    stage: int | None = None
    """The stage (index into the policy's stages) the editor's approval counts for."""


@dataclass
class Withdrawal:
    """The requester taking their pending request back, as the bot sends it: who clicked
    Withdraw, and where (the same origin rules as a decision's)."""

    user: str
    origin: ClickOrigin | None = None


@dataclass
class Decision:
    """A decision as recorded: who, what, why and when."""

    approved: bool
    decided_at: datetime
    decided_by: str | None = None
    """Slack user ID; None when decided through Temporal directly (CLI or SDK signal). For a
    withdrawn request: the requester, who withdrew it."""
    reason: str = ""


@dataclass
class ExecutionRecord:
    """What running an approved action did, for its card and the thread's record."""

    finished_at: datetime
    succeeded: bool
    summary: str
    """Built by code from what the executor reported ("… answered HTTP 200")."""
    error: str = ""
    """Why it failed, as reported by the system that refused (shown inert)."""


@dataclass
class Approval:
    """An approval as it stands: what its card draws, what `get_status` answers, and what
    the bot checks a click against. One shape everywhere but in the child's result."""

    workflow_id: str
    request: ApprovalRequest
    fingerprint: str
    expires_at: datetime
    """When it expires if nobody decides; with a chain, the current stage's deadline."""
    status: ApprovalStatus = ApprovalStatus.PENDING
    decision: Decision | None = None
    message_ts: str | None = None
    execution: ExecutionRecord | None = None
    """Once the approved action ran (or failed to): what it did."""
    progress: Progress | None = None
    """With a chain: each stage's decisions and escalations so far."""
    reminded_at: datetime | None = None
    """With a chain: when those who had not decided the current stage were last reminded."""
    edits: list[Edit] = field(default_factory=list)
    """Approvers' edits, oldest first: the last one is what runs; `fingerprint` is its."""

    @property
    def parameters(self) -> dict[str, Any]:
        """The arguments as they stand: the last edit's, else as asked."""
        return self.edits[-1].parameters if self.edits else self.request.parameters

    @property
    def version(self) -> int:
        return len(self.edits)

    @property
    def editable(self) -> bool:
        """Whether its policy lets the people deciding it edit the arguments first."""
        chain = self.request.chain
        return bool(chain and chain.policy.allow_edit and self.request.parameters_schema is not None)


@dataclass
class ApprovalResult:
    """How an approval ended."""

    status: ApprovalStatus
    fingerprint: str
    decision: Decision | None = None
    message_ts: str | None = None
    workflow_id: str = ""
    """The approval's own workflow ID: what an executor asks Temporal about."""
    progress: Progress | None = None
    """With a chain: each stage's decisions, so the card redrawn after the action ran keeps them."""
    edits: list[Edit] = field(default_factory=list)
    """Approvers' edits, oldest first. With any, `fingerprint` is the last edit's, and its
    arguments are the ones that were approved: the only ones that may run."""
    asked_fingerprint: str = ""
    """With edits: the fingerprint of the arguments as asked."""

    @property
    def approved(self) -> bool:
        return self.status is ApprovalStatus.APPROVED

    @property
    def approved_parameters(self) -> dict[str, Any] | None:
        """The arguments an approver edited and approved; None: as asked."""
        return self.edits[-1].parameters if self.edits else None


@dataclass
class EphemeralNotice:
    """A message only one person in the channel sees."""

    channel: str
    user: str
    text: str
    thread_ts: str | None = None


@dataclass
class ActionRecord:
    """One approval asked for while answering: a line of the thread's record, built by code."""

    action: str
    approval: ApprovalResult
    request: str = ""
    """For approval-only requests: the request as written (Slack text), to name it."""
    execution: ExecutionRecord | None = None
    asked: dict[str, Any] | None = None
    """With edits: the arguments as asked, so the record shows what was changed."""


# ThreadReply.format: 1 was one mrkdwn text with the record in it (replies of workflows
# that started before 2 shipped); 2 is the agent's words, drawn inert, and the record.
REPLY_FORMAT_INERT = 2


@dataclass
class ThreadReply:
    channel: str
    thread_ts: str
    text: str
    """The agent's words (format 2: drawn inert, never as mrkdwn)."""
    records: list[ActionRecord] = field(default_factory=list)
    format: int = 1
    replacing: str | None = None
    """The ts of a message of ours this reply takes the place of ("Still working on it…"):
    that message is updated instead of a new one posted."""


@dataclass
class AgentRequest:
    """One mention of the bot: who asked what, and where to answer."""

    team: str
    channel: str
    user: str
    """Slack user ID of the person who mentioned the bot."""
    text: str
    """The request as written, without the bot's own mention."""
    event_ts: str
    """The mention's ts: with team and channel, the identity of the request."""
    thread_ts: str
    """The thread to answer in: the mention's own thread, or the mention when it is top level."""


@dataclass
class AgentAnswer:
    """What the agent posted in the thread, and how each approval it asked for ended."""

    text: str
    """The agent's words (or a line of ours when it had none): drawn inert in the thread."""
    approvals: list[ApprovalResult] = field(default_factory=list)
    records: list[ActionRecord] = field(default_factory=list)
