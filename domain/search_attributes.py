"""Custom search attributes that make approvals findable (`/approvals`, the Temporal UI).

The dev server registers them at start (`countersign.temporal_server`), tests pass them
to `WorkflowEnvironment.start_local`, and a real cluster registers them once with the
command `python -m countersign.temporal_server --cluster-command` prints.
"""

from temporalio.common import SearchAttributeKey

APPROVAL_STATUS = SearchAttributeKey.for_keyword("ApprovalStatus")
APPROVAL_ACTION = SearchAttributeKey.for_keyword("ApprovalAction")
APPROVAL_REQUESTER = SearchAttributeKey.for_keyword("ApprovalRequester")
APPROVAL_APPROVERS = SearchAttributeKey.for_keyword_list("ApprovalApprovers")
APPROVAL_CHANNEL = SearchAttributeKey.for_keyword("ApprovalChannel")
APPROVAL_EXPIRES_AT = SearchAttributeKey.for_datetime("ApprovalExpiresAt")
APPROVAL_DECIDED_BY = SearchAttributeKey.for_keyword_list("ApprovalDecidedBy")
"""Everyone who approved or rejected it (each stage's deciders), set once it is decided:
what `/approvals history` finds "requests I decided" by."""

ALL = (
    APPROVAL_STATUS,
    APPROVAL_ACTION,
    APPROVAL_REQUESTER,
    APPROVAL_APPROVERS,
    APPROVAL_CHANNEL,
    APPROVAL_EXPIRES_AT,
    APPROVAL_DECIDED_BY,
)

# Stored in ApprovalApprovers when the request names no approvers, so a visibility
# query can find "anyone may decide" approvals alongside those naming a user.
ANYONE = "*"
