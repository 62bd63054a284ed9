"""The portal menu and the staff tabs of the portal features on a client's page.

Both are built from the practice already loaded for the request: no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy

from portico.portal.features import PORTAL_NAV, feature_on
from portico.practices.models import PortalFeature, Practice
from portico.practices.roles import Can

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# (feature, tab label, URL name of the feature's page about one client, capability needed)
# Staff text: marked with the context "staff" (the portal menu above is the clients').
CLIENT_FEATURE_TABS: tuple[tuple[PortalFeature, StrOrPromise, str, Can], ...] = (
    (
        PortalFeature.FORMS,
        pgettext_lazy("staff", "Forms"),
        "staff_forms:client_forms",
        Can.SEND_FORMS,
    ),
    (
        PortalFeature.MESSAGES,
        pgettext_lazy("staff", "Messages"),
        "staff_messages:conversation",
        Can.MESSAGE_CLIENTS,
    ),
    (
        PortalFeature.PROFILE,
        pgettext_lazy("staff", "Profile changes"),
        "staff_profiles:client_changes",
        Can.REVIEW_PROFILE_CHANGES,
    ),
    (
        PortalFeature.APPOINTMENTS,
        pgettext_lazy("staff", "Appointments"),
        "staff_appointments:client",
        Can.VIEW_CLIENTS,
    ),
    (
        PortalFeature.DOCUMENTS,
        pgettext_lazy("staff", "Documents"),
        "staff_documents:client",
        Can.SEND_FORMS,
    ),
)


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    current: bool
    off_in_portal: bool = False  # staff tabs only: the feature is off for clients


def _is_current(path: str, url: str, *, exact: bool) -> bool:
    return path == url if exact else path == url or path.startswith(url.rstrip("/") + "/")


def portal_menu(practice: Practice, path: str) -> list[MenuEntry]:
    """Home, then each feature that is on, in ``PORTAL_NAV`` order."""
    home = reverse("portal:home")
    entries = [MenuEntry(gettext("Home"), home, current=path == home)]
    for feature, label, name in PORTAL_NAV:
        if not feature_on(practice, feature):
            continue
        url = reverse(name)
        # A feature's pages share its prefix (forms/, messages/...): any of them marks the entry.
        section = url[: url.index("/", len(home)) + 1] if "/" in url[len(home) :] else url
        entries.append(MenuEntry(str(label), url, current=_is_current(path, section, exact=False)))
    return entries


def client_feature_tabs(
    practice: Practice, client_public_id: object, path: str, capabilities: dict[str, bool]
) -> list[MenuEntry]:
    """The feature pages about one client that this staff member may open.

    Shown whether or not the feature is on (staff prepare things before turning it on),
    marked when clients cannot see it.
    """
    tabs = []
    for feature, label, name, capability in CLIENT_FEATURE_TABS:
        if not capabilities.get(capability.value):
            continue
        url = reverse(name, args=[client_public_id])
        tabs.append(
            MenuEntry(
                str(label),
                url,
                current=_is_current(path, url, exact=False),
                off_in_portal=not feature_on(practice, feature),
            )
        )
    return tabs
