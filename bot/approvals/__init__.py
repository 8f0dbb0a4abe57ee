"""Approvals as the bot handles them: a click turned into a decision, and the `/approvals` list."""
