"""Who did something, from where: passed to every action that writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from portico.accounts.models import User


def client_ip(request: HttpRequest) -> str | None:
    if settings.BEHIND_PROXY:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        # The last hop is the one our own proxy appended; earlier ones are claims.
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return str(hops[-1])
    remote: str | None = request.META.get("REMOTE_ADDR")
    return remote or None


@dataclass(frozen=True)
class Actor:
    user: User | None
    label: str
    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest, *, label: str | None = None) -> Actor:
        user = request.user if request.user.is_authenticated else None
        return cls(
            user=user,
            label=label or (describe_user(user) if user else "visitor"),
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None, label="system")

    @classmethod
    def for_user(cls, user: User) -> Actor:
        """An actor without a request (management commands, tests, tasks acting for someone)."""
        return cls(user=user, label=describe_user(user))


def describe_user(user: User) -> str:
    if user.kind == "staff":
        membership = getattr(user, "membership", None)
        role = f" ({membership.get_role_display().lower()})" if membership else ""
        return f"{user.full_name or user.username}{role}"
    return f"{user.username} (portal)"
