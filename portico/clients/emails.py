"""Email address checks for clients and contacts: syntax, normalization, typo hints."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from email_validator import EmailNotValidError, validate_email


def normalize_email(address: str) -> str:
    """The address as we store it, or ValidationError with a plain reason.

    Syntax only: no DNS lookups (they are slow, and a practice may add a client
    whose mail server is briefly down).
    """
    try:
        result = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(f"This email address is not valid: {exc}", code="invalid") from None
    local, _, domain = result.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"
