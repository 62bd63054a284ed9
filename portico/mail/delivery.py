"""Sending one outbox row (placeholder until the full sender lands)."""

from __future__ import annotations


def send_outbound_email(email_id: int) -> str:
    return "pending"


def recover_stuck_emails() -> int:
    return 0
