"""Approvals: the one mechanism for joint decisions (requests, requirements, decisions)."""
