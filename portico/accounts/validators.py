from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


class MaximumLengthValidator:
    """Refuses passwords longer than ``max_length`` (hashing cost stays bounded)."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                gettext("This password is too long. It can have at most %(max_length)d characters.")
                % {"max_length": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return gettext("Your password can have up to %(max_length)d characters.") % {
            "max_length": self.max_length
        }
