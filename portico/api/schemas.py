"""The API's request and response shapes (the OpenAPI document is generated from these).

Requests refuse unknown fields (``extra="forbid"``). Field values are checked by
the staff forms (``portico.clients.forms``), not here: the types below only say
what JSON type a field is, so the messages are the forms' own.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field

from portico.access.status import STATES

PortalState = Literal[
    "not_invited",
    "invited",
    "invite_expired",
    "invite_revoked",
    "active",
    "disabled",
    "locked",
    "ended",
    "access_off",
]
assert set(PortalState.__args__) == set(STATES)  # type: ignore[attr-defined]  # noqa: S101


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


# --- portal access ------------------------------------------------------------------------


class StatusAction(Schema):
    key: str = Field(description="send_invite, resend_invite, send_password_reset, …")
    label: str
    disabled: bool = Field(description="True when no sends are left for now")


class LinkOut(Schema):
    purpose: str
    email: str
    sent_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str
    delivery: str = Field(description="The email's delivery state, in words for staff")
    delivery_state: str = Field(description="queued, sent, delivered, deferred, bounced, …")


class SelfServiceOut(Schema):
    last_hour: int
    last_day: int
    left_today: int


class AccessStatusOut(Schema):
    """A person's portal status: the shape ``access.status.derive_status`` produces."""

    person: Literal["client", "contact"]
    contact_id: UUID | None
    state: PortalState
    headline: str
    explanation: str
    enabled: bool
    username: str | None
    last_sign_in_at: datetime | None
    has_email: bool
    actions: list[StatusAction]
    sends_left: int
    next_send_at: datetime | None
    sends_text: str
    link: LinkOut | None
    self_service: SelfServiceOut | None
    consent_note: str


class SendOut(Schema):
    message: str = Field(description="What staff read after the same send")
    kind: Literal["invite", "reset"]
    sent_to: str
    expires_at: datetime
    sends_left: int
    status: AccessStatusOut


class ActionOut(Schema):
    message: str
    status: AccessStatusOut


class InviteIn(Input):
    email: str | None = Field(
        default=None, description="One of the client's addresses on file; default: the default"
    )


# --- clients ------------------------------------------------------------------------------


class EmailOut(Schema):
    id: int
    address: str
    is_default: bool
    bounced_at: datetime | None
    bounce_reason: str


class ClientSummary(Schema):
    id: UUID
    first_name: str
    last_name: str
    preferred_name: str
    external_id: str
    default_email: str | None
    archived: bool
    updated_at: datetime
    portal: AccessStatusOut


class ClientOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    phone: str
    language: str = Field(description="The language of the client's portal and emails: en or es")
    external_id: str
    email_notifications_enabled: bool
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    emails: list[EmailOut]
    portal: AccessStatusOut


class ClientPage(Schema):
    items: list[ClientSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null: the end")


class ClientIn(Input):
    first_name: str
    last_name: str
    date_of_birth: str = Field(description="MM/DD/YYYY or YYYY-MM-DD", examples=["07/04/1985"])
    preferred_name: str = ""
    phone: str = ""
    language: str = Field(
        default="", description="en or es: the portal and emails, the invitation too (default en)"
    )
    email: str = Field(default="", description="The portal invitation goes here")
    external_id: str = Field(default="", max_length=100)
    portal_access_enabled: bool = Field(
        default=True, description="true: the practice's rule (off for a minor); false: off"
    )
    email_notifications_enabled: bool = True
    keep_email_as_typed: bool = Field(
        default=False, description="true: keep an address that looks like a typo (gmial.com)"
    )


class ClientPatch(Input):
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: str | None = None
    preferred_name: str | None = None
    phone: str | None = None
    language: str | None = Field(default=None, description="en or es")
    external_id: str | None = Field(default=None, max_length=100)
    portal_access_enabled: bool | None = None
    email_notifications_enabled: bool | None = None


class EmailIn(Input):
    email: str
    keep_email_as_typed: bool = False


# --- contacts -----------------------------------------------------------------------------


class ContactOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    relationship: str
    relationship_note: str
    email: str
    phone: str
    language: str = Field(description="The language of this person's portal and emails")
    is_primary: bool
    email_notifications_enabled: bool
    portal: AccessStatusOut


class ContactIn(Input):
    first_name: str
    last_name: str
    relationship: str = Field(description="parent, guardian, partner or other")
    relationship_note: str = ""
    email: str = ""
    phone: str = ""
    language: str = Field(default="", description="en or es (default en)")
    is_primary: bool = False
    portal_access_enabled: bool = False
    email_notifications_enabled: bool = True
    keep_email_as_typed: bool = False


# --- bulk invitation, history, email activity ---------------------------------------------


class BulkPlanOut(Schema):
    eligible: int
    skipped: dict[str, int]


class BulkInviteOut(Schema):
    id: UUID
    status: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    total: int
    sent: int
    skipped: int
    not_eligible: dict[str, int]


class EventOut(Schema):
    id: int
    at: datetime
    action: str
    sentence: str
    actor: str
    client_id: UUID | None
    details: dict[str, object]


class EventFeed(Schema):
    items: list[EventOut]
    next_since_id: int = Field(description="Pass as ?since_id= to read on; the same when idle")


class EmailActivityOut(Schema):
    id: int
    kind: str
    to: str
    subject: str
    status: str
    delivery: str
    client_id: UUID | None
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None


class EmailActivityPage(Schema):
    items: list[EmailActivityOut]
    next_cursor: str | None
