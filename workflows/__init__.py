"""Deterministic workflow code: the approval and agent workflows and what they share."""
