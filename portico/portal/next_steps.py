"""What the practice is waiting for from a client, most urgent first.

Each feature that can wait on a client (forms, profile, messages) has a provider,
``steps_for(client, *, reader)``, returning its ``NextStep`` items; this module asks
the providers of the features that are on and sorts what they say. ``reader`` is
the portal access of the person looking (a client, or a contact acting for them):
some steps depend on who reads (unread messages). ``reader=None`` is the staff view
of the same client, where a provider may also say what waits on the practice
(changes to review, messages not read yet) with ``waiting_on="practice"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Literal, Protocol

from portico.portal.features import feature_on
from portico.practices.models import PortalFeature

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.clients.models import Client


@dataclass(frozen=True)
class NextStep:
    feature: PortalFeature
    rank: int  # lower comes first: 10 forms, 20 profile, 30 messages
    count: int
    portal_text: str  # for the person in the portal: "Complete 2 forms"
    staff_text: str  # for staff on the client's page: "2 forms not submitted yet"
    # The page that deals with it (reverse() inside the practice's request): a portal
    # page for what waits on the client, a staff page for what waits on the practice.
    url: str
    # Who has to act: the client's side, or (only in the staff view) the practice.
    waiting_on: Literal["client", "practice"] = "client"


class Provider(Protocol):
    def __call__(self, client: Client, *, reader: PortalAccess | None) -> list[NextStep]: ...


PROVIDERS: tuple[tuple[PortalFeature, str], ...] = (
    (PortalFeature.FORMS, "portico.intake.next_steps"),
    (PortalFeature.PROFILE, "portico.profiles.next_steps"),
    (PortalFeature.MESSAGES, "portico.messaging.next_steps"),
    (PortalFeature.DOCUMENTS, "portico.documents.next_steps"),
)


def next_steps(client: Client, *, reader: PortalAccess | None) -> list[NextStep]:
    """Everything the practice is waiting for from ``client``, most urgent first."""
    practice = client.practice
    steps: list[NextStep] = []
    for feature, module in PROVIDERS:
        if feature_on(practice, feature):
            provider: Provider = import_module(module).steps_for
            steps.extend(provider(client, reader=reader))
    return sorted(steps, key=lambda step: step.rank)
