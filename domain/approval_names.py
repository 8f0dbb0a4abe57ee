"""The names an ApprovalWorkflow answers to in Temporal (its Update, signals and query), for
code below workflows/ that reads its histories and asks it: the audit export. The same as
its methods' names (tests/test_approval_names.py holds them together)."""

DECIDE_CLICK = "decide_click"
DECIDE = "decide"
APPROVE = "approve"
EDIT_CLICK = "edit_click"
EDIT = "edit"
GET_STATUS = "get_status"
