"""The audit vocabulary: every action code Portico records, and its sentence for staff.

Writers name an action as ``Action.CLIENT_ADDED``, never as a string, so a typo is a
type error; ``DESCRIPTIONS`` gives each one the sentence staff read in the history
and the export (tests/audit/test_descriptions.py checks that none is missing).
The codes are stored in AuditEvent.action: a code is never renamed, only added.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from portico.audit.models import AuditEvent


class Action(StrEnum):
    INVITE_SENT = "access.invite.sent"
    INVITE_RESENT = "access.invite.resent"
    BULK_INVITE_STARTED = "access.bulk_invite.started"
    BULK_INVITE_FINISHED = "access.bulk_invite.finished"
    LINK_VIEWED = "access.link.viewed"
    DOB_FAILED = "access.dob.failed"
    LINK_REVOKED = "access.link.revoked"
    REGISTERED = "access.registered"
    RESET_SENT = "access.reset.sent"
    RESET_RESENT = "access.reset.resent"
    RESET_REQUESTED = "access.reset.requested"
    RESET_COMPLETED = "access.reset.completed"
    PASSWORD_CHANGED = "access.password.changed"  # noqa: S105 (a code, not a password)
    USERNAME_REQUESTED = "access.username.requested"
    # One event per window and source, with the count: not one per refused request.
    RESET_RATE_LIMITED = "access.reset.rate_limited"
    USERNAME_RATE_LIMITED = "access.username.rate_limited"
    RESET_DONE = "access.reset.done"  # no longer written; older history holds it
    TEMPORARY_PASSWORD_SET = "access.temporary_password.set"  # noqa: S105 (a code)
    ACCESS_ENABLED = "access.enabled"
    ACCESS_DISABLED = "access.disabled"
    UNLOCKED = "access.unlocked"
    SIGN_IN_SUCCEEDED = "signin.succeeded"
    SIGN_IN_FAILED = "signin.failed"
    SIGN_IN_LOCKED = "signin.locked"
    SIGN_IN_RATE_LIMITED = "signin.rate_limited"
    STAFF_SIGNED_OUT = "signout"  # no longer written: staff record SIGNED_OUT; old history has it
    SIGNED_OUT = "signin.signed_out"
    CLIENT_ADDED = "client.added"
    CLIENT_DETAILS_CHANGED = "client.details_changed"
    CLIENT_EMAIL_ADDED = "client.email_added"
    CLIENT_EMAIL_CHANGED = "client.email_changed"
    CLIENT_EMAIL_CONFIRMED = "client.email_confirmed"
    COMING_OF_AGE_REVIEWED = "client.coming_of_age.reviewed"
    CONTACT_ADDED = "contact.added"
    CONTACT_CHANGED = "contact.changed"
    CONTACT_REMOVED = "contact.removed"
    CONSENT_RECORDED = "contact.consent.recorded"
    CONSENT_WITHDRAWN = "contact.consent.withdrawn"
    CONTACT_ACCESS_ENDED = "access.contact.ended"
    MAIL_TEMPLATE_CHANGED = "mail.template.changed"
    MAIL_TEST_SENT = "mail.test.sent"
    MAIL_DELIVERED = "mail.delivered"
    MAIL_DEFERRED = "mail.deferred"
    MAIL_BOUNCED = "mail.bounced"
    MAIL_COMPLAINED = "mail.complained"
    MAIL_FAILED = "mail.failed"
    CLIENT_EMAIL_REMOVED = "client.email_removed"
    CLIENT_DEFAULT_EMAIL_CHANGED = "client.default_email_changed"
    CLIENT_ARCHIVED = "client.archived"
    CLIENT_UNARCHIVED = "client.unarchived"
    PRACTICE_SETTINGS_CHANGED = "practice.settings_changed"
    STAFF_ADDED = "staff.added"
    STAFF_INVITED = "staff.invited"
    STAFF_INVITE_RESENT = "staff.invite_resent"
    STAFF_INVITE_VIEWED = "staff.invite_viewed"
    STAFF_INVITE_ACCEPTED = "staff.invite_accepted"
    STAFF_ROLE_CHANGED = "staff.role_changed"
    STAFF_DEACTIVATED = "staff.deactivated"
    STAFF_REACTIVATED = "staff.reactivated"
    SEND_REFUSED_ADDRESS = "access.send.refused_address"
    RECORD_VIEWED = "client.record.viewed"
    HISTORY_VIEWED = "audit.history.viewed"
    HISTORY_EXPORTED = "audit.history.exported"
    WEBHOOK_ADDED = "webhook.added"
    WEBHOOK_CHANGED = "webhook.changed"
    WEBHOOK_ENABLED = "webhook.enabled"
    WEBHOOK_DISABLED = "webhook.disabled"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"  # noqa: S105 (a code, not a secret)
    WEBHOOK_DELETED = "webhook.deleted"
    WEBHOOK_TEST_SENT = "webhook.test_sent"
    API_KEY_CREATED = "api.key.created"
    API_KEY_REVOKED = "api.key.revoked"
    IMPORT_UPLOADED = "clients.import.uploaded"
    IMPORT_STARTED = "clients.import.started"
    IMPORT_FINISHED = "clients.import.finished"
    IMPORT_FAILED = "clients.import.failed"
    # --- forms (portico.intake) ---
    FORM_CREATED = "forms.form.created"
    FORM_CHANGED = "forms.form.changed"
    FORM_VERSION_PUBLISHED = "forms.version.published"
    FORM_SENT = "forms.sent"
    FORM_SUBMITTED = "forms.submitted"
    FORM_REOPENED = "forms.reopened"
    FORM_ANSWERS_VIEWED = "forms.answers.viewed"
    # --- messages (portico.messaging) ---
    MESSAGE_SENT = "message.sent"
    MESSAGE_READ = "message.read"
    CONVERSATION_ASSIGNED = "message.conversation.assigned"
    CONVERSATION_MARKED_UNREAD = "message.conversation.marked_unread"
    # --- profile, insurance and files (portico.profiles, portico.files) ---
    # --- appointments (portico.appointments) ---
    APPOINTMENT_BOOKED = "appointments.booked"
    APPOINTMENT_CHANGED = "appointments.changed"
    APPOINTMENT_CANCELLED = "appointments.cancelled"
    APPOINTMENT_SETTINGS_CHANGED = "appointments.settings.changed"
    # --- telehealth (portico.appointments telehealth) ---
    TELEHEALTH_JOINED = "telehealth.joined"
    VIDEO_ROOM_SET = "telehealth.room.set"
    TELEHEALTH_RULE_CHANGED = "telehealth.settings.changed"
    CLIENT_CONSENT_RECORDED = "telehealth.client_consent.recorded"
    CLIENT_CONSENT_WITHDRAWN = "telehealth.client_consent.withdrawn"
    # --- self-scheduling (portico.scheduling) ---
    SCHEDULING_AVAILABILITY_CHANGED = "scheduling.availability.changed"
    SCHEDULING_TYPE_CHANGED = "scheduling.type.changed"
    SCHEDULING_SELF_BOOKED = "scheduling.self_booked"
    SCHEDULING_REQUESTED = "scheduling.requested"
    SCHEDULING_APPROVED = "scheduling.approved"
    SCHEDULING_DECLINED = "scheduling.declined"
    SCHEDULING_SETTINGS_CHANGED = "scheduling.settings.changed"
    # --- documents (portico.documents) ---
    DOCUMENT_SHARED = "documents.shared"
    DOCUMENT_OPENED = "documents.opened"
    DOCUMENT_WITHDRAWN = "documents.withdrawn"
    DOCUMENT_REQUESTED = "documents.requested"
    DOCUMENT_REQUEST_CANCELLED = "documents.request.cancelled"
    DOCUMENT_UPLOADED = "documents.uploaded"
    DOCUMENT_DOWNLOADED_BY_STAFF = "documents.staff_downloaded"
    PROFILE_CHANGE_REQUESTED = "profile.change.requested"
    PROFILE_CHANGE_APPLIED = "profile.change.applied"
    PROFILE_CHANGE_ACCEPTED = "profile.change.accepted"
    PROFILE_CHANGE_REJECTED = "profile.change.rejected"
    PROFILE_CONFIRMED = "profile.confirmed"
    INSURANCE_UPDATED = "insurance.updated"
    INSURANCE_CARD_UPLOADED = "insurance.card.uploaded"
    FILE_VIEWED = "files.viewed"
    FILE_DOWNLOADED = "files.downloaded"
    # --- access problems (portico.problems) ---
    EXPIRED_RESEND_STARTED = "problems.expired_resend.started"
    ACCESS_SUMMARY_SENT = "problems.summary.sent"
    # --- languages (client language, email overrides per language) ---
    LANGUAGE_CHANGED = "language.changed"
    # --- the practice's brand (logo, accent colour) ---
    BRAND_LOGO_CHANGED = "practice.brand.logo_changed"
    BRAND_LOGO_REMOVED = "practice.brand.logo_removed"
    BRAND_ACCENT_CHANGED = "practice.brand.accent_changed"
    # --- two-factor sign-in and re-authentication (portico.twofactor) ---
    SECOND_STEP_ASKED = "signin.second_step.asked"
    SECOND_FACTOR_FAILED = "signin.second_factor.failed"
    AUTHENTICATOR_APP_ADDED = "signin.app.added"
    AUTHENTICATOR_APP_REMOVED = "signin.app.removed"
    RECOVERY_CODES_CREATED = "signin.recovery_codes.created"
    TWO_FACTOR_RESET = "signin.two_factor.reset"
    REAUTHENTICATED = "signin.reauthenticated"
    PASSKEY_ADDED = "twofactor.passkey.added"
    PASSKEY_REMOVED = "twofactor.passkey.removed"


def _d(event: AuditEvent, key: str, default: str = "") -> str:
    value = (event.details or {}).get(key, default)
    return str(value) if value not in (None, "") else default


def _to(event: AuditEvent) -> str:
    email = _d(event, "email") or _d(event, "to")
    return f" to {email}" if email else ""


def _field_names(event: AuditEvent) -> str:
    """The "fields" of a profile event, in words (names only: values are never recorded)."""
    from portico.profiles.fields import field_label

    names = (event.details or {}).get("fields") or []
    return ", ".join(field_label(str(name)) for name in names) or "no fields"


def _who(event: AuditEvent) -> str:
    user = event.subject_user
    if user is not None:
        return user.full_name or user.email or user.username
    return _d(event, "email", "a staff member")


def _signin_failed(event: AuditEvent) -> str:
    reasons = {
        "wrong_password": "wrong password",
        "unknown_account": "no account with that email/username",
        "locked": "the account is locked",
        "disabled": "access is turned off",
        "temporary_password_expired": "the temporary password had expired",
    }
    reason = reasons.get(_d(event, "reason"), _d(event, "reason"))
    who = f" for {_who(event)}" if event.subject_user else ""
    return f"Sign-in failed{who}" + (f": {reason}" if reason else "")


def _settings_changed(event: AuditEvent) -> str:
    changes = (event.details or {}).get("changes") or {}
    names = ", ".join(str(name).replace("_", " ") for name in changes)
    return f"Practice settings changed: {names}" if names else "Practice settings saved"


def _role_changed(event: AuditEvent) -> str:
    from portico.practices.models import Role

    def label(value: str) -> str:
        return str(dict(Role.choices).get(value, value)).lower()

    return (
        f"{_who(event)}'s role changed from {label(_d(event, 'old'))} to {label(_d(event, 'new'))}"
    )


def _revoke_reason(event: AuditEvent) -> str:
    from portico.access.models import RevokeReason

    reason = _d(event, "reason")
    return str(dict(RevokeReason.choices).get(reason, reason.replace("_", " ")))


def _contact(event: AuditEvent) -> str:
    return _d(event, "name", "") or _d(event, "contact_name", "a contact")


def _consent(event: AuditEvent) -> str:
    return {"telehealth": "Telehealth", "treatment": "Treatment"}.get(_d(event, "kind"), "A")


def _kind(event: AuditEvent) -> str:
    from portico.mail.models import EmailKind

    return str(dict(EmailKind.choices).get(_d(event, "kind"), _d(event, "kind")))


def _colon_email(event: AuditEvent) -> str:
    email = _d(event, "email") or _d(event, "address")
    return f": {email}" if email else ""


READ_PAGES = {
    "client": "the client's page",
    "personal_information": "Personal information",
    "people": "the People tab",
}


def _history_filters(event: AuditEvent) -> str:
    """The filters a history view or export used, in words: " (sign-ins and locks, from …)"."""
    from portico.audit.queries import ACTION_GROUPS

    filters = (event.details or {}).get("filters") or {}
    parts = []
    if filters.get("action"):
        group = dict(ACTION_GROUPS).get(filters["action"], filters["action"])
        parts.append(str(group).lower())
    if filters.get("since"):
        parts.append(f"from {filters['since']}")
    if filters.get("until"):
        parts.append(f"to {filters['until']}")
    if filters.get("include_views"):
        parts.append("with record views")
    if event.client_id is not None and event.client is not None:
        parts.append(f"about {event.client.full_name}")
    return f" ({', '.join(parts)})" if parts else " (everything)"


DESCRIPTIONS: dict[Action, Callable[[AuditEvent], str]] = {
    Action.SEND_REFUSED_ADDRESS: lambda e: (
        f"Link not sent{_to(e)}: that address is not on file for this person"
    ),
    Action.RECORD_VIEWED: lambda e: f"Viewed {READ_PAGES.get(_d(e, 'page'), 'the client record')}",
    Action.HISTORY_VIEWED: lambda e: f"Viewed the access history{_history_filters(e)}",
    Action.HISTORY_EXPORTED: lambda e: f"Downloaded the access history as CSV{_history_filters(e)}",
    Action.INVITE_SENT: lambda e: f"Portal invitation sent{_to(e)}",
    Action.INVITE_RESENT: lambda e: f"Portal invitation resent{_to(e)}",
    Action.BULK_INVITE_STARTED: lambda e: "Started inviting everyone not yet invited",
    Action.BULK_INVITE_FINISHED: lambda e: (
        f"Finished inviting everyone not yet invited: {e.details.get('sent', 0)} sent"
    ),
    Action.LINK_VIEWED: lambda e: "Emailed link opened",
    Action.DOB_FAILED: lambda e: "Wrong date of birth entered at registration",
    Action.LINK_REVOKED: lambda e: (
        "Emailed link cancelled" + (f": {_revoke_reason(e).lower()}" if _d(e, "reason") else "")
    ),
    Action.REGISTERED: lambda e: (
        "Portal account set up" + (f" (username {_d(e, 'username')})" if _d(e, "username") else "")
    ),
    Action.RESET_SENT: lambda e: f"Password reset sent{_to(e)}",
    Action.RESET_RESENT: lambda e: f"Password reset resent{_to(e)}",
    Action.RESET_REQUESTED: lambda e: (
        "“Forgot password?” used"
        + (f" ({_d(e, 'outcome').replace('_', ' ')})" if _d(e, "outcome") else "")
    ),
    Action.RESET_COMPLETED: lambda e: "Password changed with a reset link",
    Action.PASSWORD_CHANGED: lambda e: "Password changed while signed in",
    Action.USERNAME_REQUESTED: lambda e: (
        "“Forgot username?” used"
        + (f" ({_d(e, 'outcome').replace('_', ' ')})" if _d(e, "outcome") else "")
    ),
    Action.RESET_RATE_LIMITED: lambda e: (
        f"“Forgot password?” asked too often: {_d(e, 'refused', 'some')} requests refused"
        f" in the hour from {_d(e, 'window_start')} ({_d(e, 'over_limit_for')})"
    ),
    Action.USERNAME_RATE_LIMITED: lambda e: (
        f"“Forgot username?” asked too often: {_d(e, 'refused', 'some')} requests refused"
        f" in the hour from {_d(e, 'window_start')} ({_d(e, 'over_limit_for')})"
    ),
    Action.RESET_DONE: lambda e: "Password changed with a reset link",
    Action.TEMPORARY_PASSWORD_SET: lambda e: "Temporary password set by staff",
    Action.ACCESS_ENABLED: lambda e: "Portal access turned on",
    Action.ACCESS_DISABLED: lambda e: "Portal access turned off",
    Action.UNLOCKED: lambda e: "Sign-in lock lifted by staff",
    Action.SIGN_IN_SUCCEEDED: lambda e: f"Signed in: {_who(e)}",
    Action.SIGN_IN_FAILED: _signin_failed,
    Action.SIGN_IN_LOCKED: lambda e: f"Account locked after too many wrong passwords: {_who(e)}",
    Action.SIGN_IN_RATE_LIMITED: lambda e: "Sign-in attempts paused: too many in a short time",
    Action.STAFF_SIGNED_OUT: lambda e: f"Signed out: {_who(e)}",
    Action.SIGNED_OUT: lambda e: f"Signed out: {_who(e)}",
    Action.CLIENT_ADDED: lambda e: "Client added",
    Action.CLIENT_DETAILS_CHANGED: lambda e: "Personal information changed",
    Action.CLIENT_EMAIL_ADDED: lambda e: f"Email address added{_colon_email(e)}",
    Action.CLIENT_EMAIL_CHANGED: lambda e: (
        f"Email address changed from {_d(e, 'old_address')} to {_d(e, 'new_address')}"
        if _d(e, "old_address")
        else "Email address changed"
    ),
    Action.CLIENT_EMAIL_CONFIRMED: lambda e: (
        f"Staff confirmed the address {_d(e, 'address')} is right after a bounce"
    ),
    Action.COMING_OF_AGE_REVIEWED: lambda e: "Coming-of-age review of portal access completed",
    Action.CONTACT_ADDED: lambda e: f"Contact added: {_contact(e)}",
    Action.CONTACT_CHANGED: lambda e: (
        f"Contact changed: {_contact(e)}"
        + (f" (email now {_d(e, 'new_email')})" if _d(e, "new_email") else "")
    ),
    Action.CONTACT_REMOVED: lambda e: f"Contact removed: {_contact(e)}",
    Action.CONSENT_RECORDED: lambda e: f"{_consent(e)} consent recorded for {_contact(e)}",
    Action.CONSENT_WITHDRAWN: lambda e: f"{_consent(e)} consent withdrawn for {_contact(e)}",
    Action.CONTACT_ACCESS_ENDED: lambda e: (
        f"Portal access ended for contact {_d(e, 'contact_name', 'a contact')}"
    ),
    Action.MAIL_TEMPLATE_CHANGED: lambda e: (
        f"Email template changed: {_kind(e)} ({_d(e, 'change')})"
    ),
    Action.MAIL_TEST_SENT: lambda e: f"Test email sent: {_kind(e)}",
    Action.MAIL_DELIVERED: lambda e: f"{_d(e, 'email', 'Email')} delivered to {_d(e, 'to')}",
    Action.MAIL_DEFERRED: lambda e: f"{_d(e, 'email', 'Email')} to {_d(e, 'to')} delayed",
    Action.MAIL_BOUNCED: lambda e: (
        f"{_d(e, 'email', 'Email')} to {_d(e, 'to')} bounced"
        + (f": {_d(e, 'reason')}" if _d(e, "reason") else "")
    ),
    Action.MAIL_COMPLAINED: lambda e: f"{_d(e, 'email', 'Email')} to {_d(e, 'to')} marked as spam",
    Action.MAIL_FAILED: lambda e: (
        f"{_d(e, 'email', 'Email')} to {_d(e, 'to')} could not be delivered"
        + (f": {_d(e, 'reason')}" if _d(e, "reason") else "")
    ),
    Action.CLIENT_EMAIL_REMOVED: lambda e: f"Email address removed{_colon_email(e)}",
    Action.CLIENT_DEFAULT_EMAIL_CHANGED: lambda e: "Default email address changed",
    Action.CLIENT_ARCHIVED: lambda e: "Client archived",
    Action.CLIENT_UNARCHIVED: lambda e: "Client restored from the archive",
    Action.PRACTICE_SETTINGS_CHANGED: _settings_changed,
    Action.STAFF_ADDED: lambda e: f"Staff member added: {_who(e)}",
    Action.STAFF_INVITED: lambda e: f"Staff invitation sent{_to(e)}",
    Action.STAFF_INVITE_RESENT: lambda e: f"Staff invitation resent{_to(e)}",
    Action.STAFF_INVITE_VIEWED: lambda e: f"Staff invitation opened by {_who(e)}",
    Action.STAFF_INVITE_ACCEPTED: lambda e: f"Staff invitation accepted: {_who(e)} set a password",
    Action.STAFF_ROLE_CHANGED: _role_changed,
    Action.STAFF_DEACTIVATED: lambda e: f"Staff account deactivated: {_who(e)}",
    Action.STAFF_REACTIVATED: lambda e: f"Staff account reactivated: {_who(e)}",
    Action.WEBHOOK_ADDED: lambda e: f"Webhook endpoint added: {_d(e, 'url')}",
    Action.WEBHOOK_CHANGED: lambda e: (
        f"Webhook endpoint changed: {_d(e, 'url')}"
        + (f" ({', '.join(e.details.get('changes') or [])})" if e.details.get("changes") else "")
    ),
    Action.WEBHOOK_ENABLED: lambda e: f"Webhook endpoint turned on: {_d(e, 'url')}",
    Action.WEBHOOK_DISABLED: lambda e: f"Webhook endpoint turned off: {_d(e, 'url')}",
    Action.WEBHOOK_SECRET_ROTATED: lambda e: (
        f"Webhook signing secret replaced: {_d(e, 'url')} (the old one no longer signs)"
    ),
    Action.WEBHOOK_DELETED: lambda e: f"Webhook endpoint deleted: {_d(e, 'url')}",
    Action.WEBHOOK_TEST_SENT: lambda e: f"Test event sent to webhook endpoint {_d(e, 'url')}",
    Action.API_KEY_CREATED: lambda e: (
        f"API key created: {_d(e, 'name')} ({_d(e, 'key')}), role {_d(e, 'role')}"
    ),
    Action.API_KEY_REVOKED: lambda e: f"API key revoked: {_d(e, 'name')} ({_d(e, 'key')})",
    Action.IMPORT_UPLOADED: lambda e: (
        f"Client list uploaded for import ({_d(e, 'rows', '0')} rows)"
    ),
    Action.IMPORT_STARTED: lambda e: f"Client import started ({_d(e, 'rows', '0')} rows)",
    Action.IMPORT_FINISHED: lambda e: (
        f"Client import finished: {_d(e, 'created', '0')} added, {_d(e, 'updated', '0')} updated,"
        f" {_d(e, 'unchanged', '0')} unchanged, {_d(e, 'errors', '0')} not imported"
    ),
    Action.IMPORT_FAILED: lambda e: (
        f"Client import stopped by an error after {_d(e, 'done', '0')} rows"
    ),
    # --- forms (portico.intake) ---
    Action.FORM_CREATED: lambda e: f"Form “{_d(e, 'form')}” created",
    Action.FORM_CHANGED: lambda e: (
        f"Form “{_d(e, 'form')}” changed: {_d(e, 'change', 'settings')}"
        + (f" (new draft version {_d(e, 'new_version')})" if _d(e, "new_version") else "")
    ),
    Action.FORM_VERSION_PUBLISHED: lambda e: (
        f"Form “{_d(e, 'form')}” version {_d(e, 'version')} published"
    ),
    Action.FORM_SENT: lambda e: (
        f"Form “{_d(e, 'form')}” "
        + ("given automatically (intake set)" if _d(e, "automatic") == "True" else "sent")
        + (f", email to {_d(e, 'emailed')}" if _d(e, "emailed") else "")
    ),
    Action.FORM_SUBMITTED: lambda e: (
        f"Form “{_d(e, 'form')}” submitted by {_d(e, 'by', 'the client')}"
    ),
    Action.FORM_REOPENED: lambda e: f"Form “{_d(e, 'form')}” reopened for correction",
    Action.FORM_ANSWERS_VIEWED: lambda e: f"Answers to form “{_d(e, 'form')}” viewed",
    # --- messages (portico.messaging) ---
    Action.MESSAGE_SENT: lambda e: (
        f"Secure message sent by {_d(e, 'author', 'someone')}"
        + (" (from the practice)" if _d(e, "side") == "staff" else " (from the portal)")
    ),
    Action.MESSAGE_READ: lambda e: (
        f"{_d(e, 'reader', 'Someone')} read {_d(e, 'count', '0')} secure message"
        + ("" if _d(e, "count") == "1" else "s")
        + (" (marked read in the inbox)" if _d(e, "how") == "marked" else "")
    ),
    Action.CONVERSATION_ASSIGNED: lambda e: (
        f"Secure messages assigned to {_d(e, 'assigned_to')}"
        if _d(e, "assigned_to")
        else "Secure messages no longer assigned to anyone"
    ),
    Action.CONVERSATION_MARKED_UNREAD: lambda e: "Secure messages marked unread for the practice",
    # --- profile, insurance and files (portico.profiles, portico.files) ---
    # --- appointments (portico.appointments) ---
    Action.APPOINTMENT_BOOKED: lambda e: (
        f"Appointment booked: {_d(e, 'when')}, {_d(e, 'kind')}, with {_d(e, 'clinician')}"
    ),
    Action.APPOINTMENT_CHANGED: lambda e: (
        f"Appointment changed: now {_d(e, 'when')}, {_d(e, 'kind')}, with {_d(e, 'clinician')}"
        + (f" (was {_d(e, 'was')})" if _d(e, "was") else "")
    ),
    Action.APPOINTMENT_CANCELLED: lambda e: (
        f"Appointment of {_d(e, 'when')} cancelled by {_d(e, 'side', 'the practice')}"
    ),
    Action.APPOINTMENT_SETTINGS_CHANGED: lambda e: (
        f"Appointment settings changed: cancel until {_d(e, 'notice_hours')} h before, "
        f"reminder {_d(e, 'reminder_hours')} h before"
    ),
    # --- telehealth (portico.appointments telehealth) ---
    Action.TELEHEALTH_JOINED: lambda e: (
        f"{_d(e, 'person', 'Someone')} joined the video appointment of {_d(e, 'when')}"
        + (f" for {_d(e, 'for')}" if _d(e, "for") else "")
    ),
    Action.VIDEO_ROOM_SET: lambda e: (
        f"Video room of {_d(e, 'room_of', 'the practice')} "
        + (f"set to {_d(e, 'host')}" if _d(e, "host") else "removed")
        + (f" (was {_d(e, 'was')})" if _d(e, "was") else "")
    ),
    Action.TELEHEALTH_RULE_CHANGED: lambda e: (
        "Telehealth consent "
        + ("now needed for adults too" if _d(e, "adults") == "yes" else "needed for minors only")
    ),
    Action.CLIENT_CONSENT_RECORDED: lambda e: (
        f"Telehealth consent recorded for {_d(e, 'name', 'the client')} (the client)"
    ),
    Action.CLIENT_CONSENT_WITHDRAWN: lambda e: (
        f"Telehealth consent withdrawn for {_d(e, 'name', 'the client')} (the client)"
    ),
    # --- self-scheduling (portico.scheduling) ---
    Action.SCHEDULING_AVAILABILITY_CHANGED: lambda e: (
        f"Availability of {_d(e, 'clinician')} changed: {_d(e, 'change')}"
    ),
    Action.SCHEDULING_TYPE_CHANGED: lambda e: (
        f"Bookable type of {_d(e, 'clinician')} {_d(e, 'change')}: “{_d(e, 'type')}”"
    ),
    Action.SCHEDULING_SELF_BOOKED: lambda e: (
        f"Appointment booked in the portal: {_d(e, 'when')}, {_d(e, 'kind')}, "
        f"with {_d(e, 'clinician')}"
    ),
    Action.SCHEDULING_REQUESTED: lambda e: (
        f"Appointment requested in the portal: {_d(e, 'when')}, {_d(e, 'kind')}, "
        f"with {_d(e, 'clinician')}"
    ),
    Action.SCHEDULING_APPROVED: lambda e: f"Requested appointment approved: {_d(e, 'when')}",
    Action.SCHEDULING_DECLINED: lambda e: f"Requested appointment declined: {_d(e, 'when')}",
    Action.SCHEDULING_SETTINGS_CHANGED: lambda e: (
        f"Self-scheduling settings changed: {_d(e, 'notice_hours')} h notice, "
        f"{_d(e, 'horizon_days')} days ahead, approval "
        + ("required" if _d(e, "requires_approval") == "yes" else "not required")
    ),
    # --- documents (portico.documents) ---
    Action.DOCUMENT_SHARED: lambda e: f"Document shared: {_d(e, 'category', 'a document')}",
    Action.DOCUMENT_OPENED: lambda e: (
        f"Document opened for the first time: {_d(e, 'category', 'a document')}"
    ),
    Action.DOCUMENT_WITHDRAWN: lambda e: f"Document withdrawn: {_d(e, 'category', 'a document')}",
    Action.DOCUMENT_REQUESTED: lambda e: "Document asked of the client",
    Action.DOCUMENT_REQUEST_CANCELLED: lambda e: "Document request cancelled",
    Action.DOCUMENT_UPLOADED: lambda e: "Requested document uploaded",
    Action.DOCUMENT_DOWNLOADED_BY_STAFF: lambda e: (
        f"Document downloaded by staff: {_d(e, 'category', 'a document')}"
    ),
    Action.PROFILE_CHANGE_REQUESTED: lambda e: (
        f"Profile changes sent for review: {_field_names(e)}"
    ),
    Action.PROFILE_CHANGE_APPLIED: lambda e: f"Profile updated from the portal: {_field_names(e)}",
    Action.PROFILE_CHANGE_ACCEPTED: lambda e: f"Profile change accepted: {_field_names(e)}",
    Action.PROFILE_CHANGE_REJECTED: lambda e: f"Profile change rejected: {_field_names(e)}",
    Action.PROFILE_CONFIRMED: lambda e: "Contact details confirmed as right",
    Action.INSURANCE_UPDATED: lambda e: f"Insurance updated: {_field_names(e)}",
    Action.INSURANCE_CARD_UPLOADED: lambda e: (
        f"Insurance card photo uploaded ({_d(e, 'rank')}, {_d(e, 'side')})"
    ),
    Action.FILE_VIEWED: lambda e: f"File viewed: {_d(e, 'purpose', 'a file').replace('_', ' ')}",
    Action.FILE_DOWNLOADED: lambda e: (
        f"File downloaded: {_d(e, 'purpose', 'a file').replace('_', ' ')}"
    ),
    # --- access problems (portico.problems) ---
    Action.EXPIRED_RESEND_STARTED: lambda e: (
        f"New invitations started for {_d(e, 'clients', 'the')} clients whose invitation "
        "expired (Access problems)"
    ),
    Action.ACCESS_SUMMARY_SENT: lambda e: (
        f"Weekly access summary emailed to {_d(e, 'recipients', 'the')} owners and "
        f"administrators: {_d(e, 'count', 'some')} people could not sign in"
    ),
    # --- languages (client language, email overrides per language) ---
    Action.LANGUAGE_CHANGED: lambda e: (
        f"Language changed from {_d(e, 'previous', '?')} to {_d(e, 'language', '?')}"
        f" for {_d(e, 'person', 'the client')}"
        + (" in the portal" if _d(e, "where") == "portal" else "")
    ),
    # --- the practice's brand (logo, accent colour) ---
    Action.BRAND_LOGO_CHANGED: lambda e: (
        f"Logo {'replaced' if _d(e, 'replaced') == 'True' else 'added'}: "
        f"{_d(e, 'format', 'an image')}, {_d(e, 'size_kb', '?')} KB"
    ),
    Action.BRAND_LOGO_REMOVED: lambda e: "Logo removed",
    Action.BRAND_ACCENT_CHANGED: lambda e: (
        f"Accent colour changed from {_d(e, 'old') or 'Portico’s own'} "
        f"to {_d(e, 'new') or 'Portico’s own'}"
    ),
    # --- two-factor sign-in and re-authentication (portico.twofactor) ---
    Action.SECOND_STEP_ASKED: lambda e: f"Password accepted, second step asked: {_who(e)}",
    Action.SECOND_FACTOR_FAILED: lambda e: (
        f"Sign-in failed for {_who(e)}: wrong {_d(e, 'method', 'code').replace('_', ' ')}"
    ),
    Action.AUTHENTICATOR_APP_ADDED: lambda e: f"Authenticator app set up: {_who(e)}",
    Action.AUTHENTICATOR_APP_REMOVED: lambda e: f"Authenticator app removed: {_who(e)}",
    Action.RECOVERY_CODES_CREATED: lambda e: f"New recovery codes made: {_who(e)}",
    Action.TWO_FACTOR_RESET: lambda e: (
        f"Two-step sign-in reset for {_who(e)}"
        + (
            f" (identity checked: {_d(e, 'verified_by').replace('_', ' ')})"
            if _d(e, "verified_by")
            else ""
        )
    ),
    Action.REAUTHENTICATED: lambda e: f"Confirmed it was them (re-authentication): {_who(e)}",
    Action.PASSKEY_ADDED: lambda e: f"Passkey “{_d(e, 'name', 'unnamed')}” added",
    Action.PASSKEY_REMOVED: lambda e: f"Passkey “{_d(e, 'name', 'unnamed')}” removed",
}
