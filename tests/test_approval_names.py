"""The names the audit export reads histories and queries by are the approval's own."""

from domain import approval_names
from workflows.approval import ApprovalWorkflow


def test_the_names_below_workflows_are_the_approvals_handlers():
    assert approval_names.DECIDE_CLICK == ApprovalWorkflow.decide_click.__name__
    assert approval_names.DECIDE == ApprovalWorkflow.decide.__name__
    assert approval_names.APPROVE == ApprovalWorkflow.approve.__name__
    assert approval_names.GET_STATUS == ApprovalWorkflow.get_status.__name__
    assert approval_names.EDIT_CLICK == ApprovalWorkflow.edit_click.__name__
    assert approval_names.EDIT == ApprovalWorkflow.edit.__name__
