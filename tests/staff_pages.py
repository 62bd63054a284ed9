"""Every staff URL of the practice URLconf, filled with real objects of one practice.

Used by the isolation walk (the outsider must get 404 for all of them) and by the
browser walk (every staff page is opened and photographed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from portico.access.bulk import start_bulk_invite
from portico.access.models import BulkInvite
from portico.access.people import add_contact
from portico.accounts.models import User
from portico.api.keys import create_api_key
from portico.api.models import ApiKey
from portico.audit.actor import Actor
from portico.clients.models import Client, Contact
from portico.imports.actions import save_mapping, upload_client_list
from portico.imports.models import ClientImport
from portico.practices.models import Practice
from portico.webhooks.actions import create_endpoint
from portico.webhooks.events import EventType
from portico.webhooks.models import WebhookEndpoint

# Pages for people who are not signed in yet: they show no practice data.
PUBLIC_STAFF_ROUTES = {
    "accounts:staff_sign_in",
    "accounts:staff_welcome",
    "accounts:staff_welcome_link",
}
# Downloads, not pages: CSV exports, a card photo and shared files.
NOT_PAGES = {
    "audit:export",
    "imports:dry_run_csv",
    "imports:results_csv",
    "staff_profiles:file",
    "staff_documents:file",
    "staff_documents:uploaded_file",
}
# Each portal feature's tests build one object of each kind its staff URLs name:
# build(client, *, staff_member, by) -> {"url parameter": "value"}.
FEATURE_PAGE_VALUES = (
    "tests.intake.staff_page_values",
    "tests.messaging.staff_page_values",
    "tests.profiles.staff_page_values",
    "tests.appointments.staff_page_values",
    "tests.scheduling.staff_page_values",
    "tests.documents.staff_page_values",
    "tests.twofactor.staff_page_values",
)
_CONVERTER = re.compile(r"<(?:(?P<type>\w+):)?(?P<name>\w+)>")


def _routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, route, inner)
        else:
            yield route, f"{namespace}{entry.name or route}"


def staff_routes() -> list[tuple[str, str]]:
    """(route, "namespace:name") of every signed-in staff URL."""
    routes = _routes(get_resolver(settings.PRACTICE_URLCONF).url_patterns)
    return sorted(
        {r for r in routes if r[0].startswith("staff/") and r[1] not in PUBLIC_STAFF_ROUTES}
    )


@dataclass
class Objects:
    """One object of each kind a staff URL can name."""

    client: Client
    contact: Contact
    staff_member: User
    bulk_invite: BulkInvite
    webhook_endpoint: WebhookEndpoint | None = None
    api_key: ApiKey | None = None
    client_import: ClientImport | None = None
    # URL parameters of the portal features' staff pages, from tests/<app>/staff_page_values.py
    feature_values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, client: Client, staff_member: User, by: User) -> Objects:
        contact = add_contact(
            client,
            by=Actor.for_user(by),
            first_name="Pat",
            last_name="Parent",
            relationship="parent",
            email="pat.parent@example.com",
            is_primary=True,
            portal_access_enabled=True,
        )
        bulk_invite = start_bulk_invite(client.practice, by=Actor.for_user(by))
        objects = cls(
            client=client, contact=contact, staff_member=staff_member, bulk_invite=bulk_invite
        )
        objects.webhook_endpoint = create_endpoint(
            client.practice,
            url="https://ehr.example.com/portico-events",
            description="The EHR",
            event_types=[EventType.CLIENT_CREATED, EventType.INVITE_SENT],
            by=Actor.for_user(by),
        )
        objects.api_key = create_api_key(
            client.practice, by=Actor.for_user(by), name="EHR sync", role="read_only"
        ).key
        uploaded = upload_client_list(
            client.practice,
            by=Actor.for_user(by),
            uploaded=SimpleUploadedFile(
                "clients.csv", b"First name,Last name,Date of birth\nAda,Lovelace,12/10/1985\n"
            ),
        )
        objects.client_import = save_mapping(
            uploaded, by=Actor.for_user(by), mapping=uploaded.mapping, keep_typos=False
        )
        for module in FEATURE_PAGE_VALUES:
            values = import_module(module).build(client, staff_member=staff_member, by=by)
            objects.feature_values.update(values)
        return objects

    def value(self, name: str) -> str:
        values = {
            "public_id": str(self.client.public_id),
            "contact_id": str(self.contact.public_id),
            "email_id": str(self.client.emails.values_list("pk", flat=True).first()),
            "user_id": str(self.staff_member.pk),
            "kind": "invite",
            "language": "es",  # the email template editor's Spanish text (not an object)
            "bulk_id": str(self.bulk_invite.public_id),
            "endpoint_id": str(self.webhook_endpoint.public_id if self.webhook_endpoint else ""),
            "key_id": str(self.api_key.public_id if self.api_key else ""),
            "import_id": str(self.client_import.public_id if self.client_import else ""),
            **self.feature_values,
        }
        if name not in values:
            raise KeyError(f"tests/staff_pages.py has no value for the URL parameter {name!r}")
        return values[name]


def fill(route: str, objects: Objects) -> str:
    return "/" + _CONVERTER.sub(lambda m: objects.value(m["name"]), route)


def path_in(practice: Practice, route: str, objects: Objects) -> str:
    return f"/p/{practice.slug}" + fill(route, objects)
