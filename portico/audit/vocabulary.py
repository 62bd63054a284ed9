"""The audit vocabulary: every action code Portico records, and its sentence for staff.

Writers name an action as ``Action.CLIENT_ADDED``, never as a string, so a typo is a
type error; ``DESCRIPTIONS`` gives each one the sentence staff read in the history
and the export (tests/audit/test_descriptions.py checks that none is missing).
The codes are stored in AuditEvent.action: a code is never renamed, only added.

The sentences are staff text, marked with the context "staff" (``pgettext``) and read
in the language active when the page is shown; the stored details fill their named
placeholders as they are. The CSV export holds the codes and details, never sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.utils.translation import npgettext, pgettext

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


# --- Reading the details ------------------------------------------------------------
# Each sentence is one whole catalogue entry with named placeholders (context "staff"),
# so a translator sees the sentence, never pieces glued together; a detail that may be
# missing gives two entries (with and without it).


def _d(event: AuditEvent, key: str, default: str = "") -> str:
    value = (event.details or {}).get(key, default)
    return str(value) if value not in (None, "") else default


def _count(event: AuditEvent, key: str) -> int:
    """A number in the details, for choosing "1 row" or "2 rows" (0 when it is not one)."""
    value = _d(event, key, "0")
    return int(value) if value.isdigit() else 0


def _recipient(event: AuditEvent) -> str:
    return _d(event, "email") or _d(event, "to")


def _with_recipient(event: AuditEvent, with_address: str, without: str) -> str:
    """``with_address`` (a "%(email)s" sentence) when the event names an address."""
    email = _recipient(event)
    return with_address % {"email": email} if email else without


def _field_names(event: AuditEvent) -> str:
    """The "fields" of a profile event, in words (names only: values are never recorded)."""
    from portico.profiles.fields import field_label

    names = (event.details or {}).get("fields") or []
    return ", ".join(field_label(str(name)) for name in names) or pgettext("staff", "no fields")


def _fields_sentence(event: AuditEvent, sentence: str) -> str:
    return sentence % {"fields": _field_names(event)}


def _who(event: AuditEvent) -> str:
    user = event.subject_user
    if user is not None:
        return user.full_name or user.email or user.username
    return _d(event, "email") or pgettext("staff", "a staff member")


def _about_who(event: AuditEvent, sentence: str) -> str:
    return sentence % {"who": _who(event)}


def _signin_failed(event: AuditEvent) -> str:
    reasons = {
        "wrong_password": pgettext("staff", "wrong password"),
        "unknown_account": pgettext("staff", "no account with that email/username"),
        "locked": pgettext("staff", "the account is locked"),
        "disabled": pgettext("staff", "access is turned off"),
        "temporary_password_expired": pgettext("staff", "the temporary password had expired"),
    }
    reason = reasons.get(_d(event, "reason"), _d(event, "reason"))
    values = {"who": _who(event), "reason": reason}
    if event.subject_user:
        if reason:
            return pgettext("staff", "Sign-in failed for %(who)s: %(reason)s") % values
        return pgettext("staff", "Sign-in failed for %(who)s") % values
    if reason:
        return pgettext("staff", "Sign-in failed: %(reason)s") % values
    return pgettext("staff", "Sign-in failed")


def _settings_changed(event: AuditEvent) -> str:
    changes = (event.details or {}).get("changes") or {}
    names = ", ".join(str(name).replace("_", " ") for name in changes)
    if names:
        return pgettext("staff", "Practice settings changed: %(settings)s") % {"settings": names}
    return pgettext("staff", "Practice settings saved")


def _role_changed(event: AuditEvent) -> str:
    from portico.practices.models import Role

    def label(value: str) -> str:
        return str(dict(Role.choices).get(value, value)).lower()

    return pgettext("staff", "%(who)s's role changed from %(old)s to %(new)s") % {
        "who": _who(event),
        "old": label(_d(event, "old")),
        "new": label(_d(event, "new")),
    }


def _revoke_reason(event: AuditEvent) -> str:
    from portico.access.models import RevokeReason

    reason = _d(event, "reason")
    return str(dict(RevokeReason.choices).get(reason, reason.replace("_", " ")))


def _link_revoked(event: AuditEvent) -> str:
    if _d(event, "reason"):
        return pgettext("staff", "Emailed link cancelled: %(reason)s") % {
            "reason": _revoke_reason(event).lower()
        }
    return pgettext("staff", "Emailed link cancelled")


def _contact(event: AuditEvent) -> str:
    return _d(event, "name", "") or _d(event, "contact_name") or pgettext("staff", "a contact")


def _about_contact(event: AuditEvent, sentence: str) -> str:
    return sentence % {"contact": _contact(event)}


def _consent_recorded(event: AuditEvent) -> str:
    values = {"contact": _contact(event)}
    kind = _d(event, "kind")
    if kind == "telehealth":
        return pgettext("staff", "Telehealth consent recorded for %(contact)s") % values
    if kind == "treatment":
        return pgettext("staff", "Treatment consent recorded for %(contact)s") % values
    return pgettext("staff", "A consent recorded for %(contact)s") % values


def _consent_withdrawn(event: AuditEvent) -> str:
    values = {"contact": _contact(event)}
    kind = _d(event, "kind")
    if kind == "telehealth":
        return pgettext("staff", "Telehealth consent withdrawn for %(contact)s") % values
    if kind == "treatment":
        return pgettext("staff", "Treatment consent withdrawn for %(contact)s") % values
    return pgettext("staff", "A consent withdrawn for %(contact)s") % values


def _contact_changed(event: AuditEvent) -> str:
    values = {"contact": _contact(event), "email": _d(event, "new_email")}
    if values["email"]:
        return pgettext("staff", "Contact changed: %(contact)s (email now %(email)s)") % values
    return pgettext("staff", "Contact changed: %(contact)s") % values


def _kind(event: AuditEvent) -> str:
    from portico.mail.models import EmailKind

    return str(dict(EmailKind.choices).get(_d(event, "kind"), _d(event, "kind")))


def _with_address(event: AuditEvent, with_address: str, without: str) -> str:
    """``with_address`` (a "%(email)s" sentence) when the event names the address."""
    email = _d(event, "email") or _d(event, "address")
    return with_address % {"email": email} if email else without


def _email_changed(event: AuditEvent) -> str:
    if _d(event, "old_address"):
        return pgettext("staff", "Email address changed from %(old)s to %(new)s") % {
            "old": _d(event, "old_address"),
            "new": _d(event, "new_address"),
        }
    return pgettext("staff", "Email address changed")


def _mail(event: AuditEvent, sentence: str) -> str:
    """A delivery sentence: "%(email)s" is the email's name, "%(to)s" its address."""
    return sentence % {
        "email": _d(event, "email") or pgettext("staff", "Email"),
        "to": _d(event, "to"),
        "reason": _d(event, "reason"),
    }


def _mail_bounced(event: AuditEvent) -> str:
    if _d(event, "reason"):
        return _mail(event, pgettext("staff", "%(email)s to %(to)s bounced: %(reason)s"))
    return _mail(event, pgettext("staff", "%(email)s to %(to)s bounced"))


def _mail_failed(event: AuditEvent) -> str:
    if _d(event, "reason"):
        return _mail(
            event, pgettext("staff", "%(email)s to %(to)s could not be delivered: %(reason)s")
        )
    return _mail(event, pgettext("staff", "%(email)s to %(to)s could not be delivered"))


def _record_viewed(event: AuditEvent) -> str:
    page = _d(event, "page")
    if page == "client":
        return pgettext("staff", "Viewed the client's page")
    if page == "personal_information":
        return pgettext("staff", "Viewed Personal information")
    if page == "people":
        return pgettext("staff", "Viewed the People tab")
    return pgettext("staff", "Viewed the client record")


def _history_filters(event: AuditEvent) -> str:
    """The filters a history view or export used, in words: "sign-ins and locks, from …"."""
    from portico.audit.queries import ACTION_GROUPS

    filters = (event.details or {}).get("filters") or {}
    parts = []
    if filters.get("action"):
        group = dict(ACTION_GROUPS).get(filters["action"], filters["action"])
        parts.append(str(group).lower())
    if filters.get("since"):
        parts.append(pgettext("staff", "from %(date)s") % {"date": filters["since"]})
    if filters.get("until"):
        parts.append(pgettext("staff", "to %(date)s") % {"date": filters["until"]})
    if filters.get("include_views"):
        parts.append(pgettext("staff", "with record views"))
    if event.client_id is not None and event.client is not None:
        parts.append(pgettext("staff", "about %(client)s") % {"client": event.client.full_name})
    return ", ".join(parts)


def _history_viewed(event: AuditEvent) -> str:
    filters = _history_filters(event)
    if filters:
        return pgettext("staff", "Viewed the access history (%(filters)s)") % {"filters": filters}
    return pgettext("staff", "Viewed the access history (everything)")


def _history_exported(event: AuditEvent) -> str:
    filters = _history_filters(event)
    if filters:
        return pgettext("staff", "Downloaded the access history as CSV (%(filters)s)") % {
            "filters": filters
        }
    return pgettext("staff", "Downloaded the access history as CSV (everything)")


def _registered(event: AuditEvent) -> str:
    if _d(event, "username"):
        return pgettext("staff", "Portal account set up (username %(username)s)") % {
            "username": _d(event, "username")
        }
    return pgettext("staff", "Portal account set up")


def _outcome(event: AuditEvent, with_outcome: str, without: str) -> str:
    """``with_outcome`` (a "%(outcome)s" sentence) when the event names how it ended."""
    code = _d(event, "outcome")
    if not code:
        return without
    outcomes = {  # portico.portal.actions.RequestOutcome
        "sent": pgettext("staff", "sent"),
        "unknown_account": pgettext("staff", "unknown account"),
        "disabled": pgettext("staff", "disabled"),
        "rate_limited": pgettext("staff", "rate limited"),
        "self_service_limit": pgettext("staff", "self service limit"),
        "not_sent": pgettext("staff", "not sent"),
    }
    return with_outcome % {"outcome": outcomes.get(code, code.replace("_", " "))}


def _rate_limited(event: AuditEvent, sentence: str) -> str:
    # Recorded in English words (portico.portal.actions): read in the page's language.
    sources = {
        "the same IP address": pgettext("staff", "the same IP address"),
        "the same username or email typed": pgettext("staff", "the same username or email typed"),
    }
    source = _d(event, "over_limit_for")
    return sentence % {
        "refused": _d(event, "refused") or pgettext("staff", "some"),
        "start": _d(event, "window_start"),
        "over_limit_for": sources.get(source, source),
    }


def _webhook(event: AuditEvent, sentence: str) -> str:
    return sentence % {"url": _d(event, "url")}


def _webhook_changed(event: AuditEvent) -> str:
    values = {"url": _d(event, "url")}
    if event.details.get("changes"):
        values["changes"] = ", ".join(event.details.get("changes") or [])
        return pgettext("staff", "Webhook endpoint changed: %(url)s (%(changes)s)") % values
    return pgettext("staff", "Webhook endpoint changed: %(url)s") % values


def _api_key(event: AuditEvent, sentence: str) -> str:
    return sentence % {
        "name": _d(event, "name"),
        "key": _d(event, "key"),
        "role": _d(event, "role"),
    }


def _import_finished(event: AuditEvent) -> str:
    return pgettext(
        "staff",
        "Client import finished: %(created)s added, %(updated)s updated,"
        " %(unchanged)s unchanged, %(errors)s not imported",
    ) % {
        "created": _d(event, "created", "0"),
        "updated": _d(event, "updated", "0"),
        "unchanged": _d(event, "unchanged", "0"),
        "errors": _d(event, "errors", "0"),
    }


def _form(event: AuditEvent, sentence: str) -> str:
    return sentence % {"form": _d(event, "form"), "version": _d(event, "version")}


def _form_changed(event: AuditEvent) -> str:
    values = {
        "form": _d(event, "form"),
        "change": _d(event, "change") or pgettext("staff", "settings"),
        "version": _d(event, "new_version"),
    }
    if values["version"]:
        return (
            pgettext("staff", "Form “%(form)s” changed: %(change)s (new draft version %(version)s)")
            % values
        )
    return pgettext("staff", "Form “%(form)s” changed: %(change)s") % values


def _form_sent(event: AuditEvent) -> str:
    values = {"form": _d(event, "form"), "emailed": _d(event, "emailed")}
    if _d(event, "automatic") == "True":
        if values["emailed"]:
            return (
                pgettext(
                    "staff",
                    "Form “%(form)s” given automatically (intake set), email to %(emailed)s",
                )
                % values
            )
        return pgettext("staff", "Form “%(form)s” given automatically (intake set)") % values
    if values["emailed"]:
        return pgettext("staff", "Form “%(form)s” sent, email to %(emailed)s") % values
    return pgettext("staff", "Form “%(form)s” sent") % values


def _form_submitted(event: AuditEvent) -> str:
    return pgettext("staff", "Form “%(form)s” submitted by %(by)s") % {
        "form": _d(event, "form"),
        "by": _d(event, "by") or pgettext("staff", "the client"),
    }


def _message_sent(event: AuditEvent) -> str:
    values = {"author": _d(event, "author") or pgettext("staff", "someone")}
    if _d(event, "side") == "staff":
        return pgettext("staff", "Secure message sent by %(author)s (from the practice)") % values
    return pgettext("staff", "Secure message sent by %(author)s (from the portal)") % values


def _message_read(event: AuditEvent) -> str:
    count = _d(event, "count", "0")
    values = {"reader": _d(event, "reader") or pgettext("staff", "Someone"), "count": count}
    number = int(count) if count.isdigit() else 0
    if _d(event, "how") == "marked":
        return (
            npgettext(
                "staff",
                "%(reader)s read %(count)s secure message (marked read in the inbox)",
                "%(reader)s read %(count)s secure messages (marked read in the inbox)",
                number,
            )
            % values
        )
    return (
        npgettext(
            "staff",
            "%(reader)s read %(count)s secure message",
            "%(reader)s read %(count)s secure messages",
            number,
        )
        % values
    )


def _conversation_assigned(event: AuditEvent) -> str:
    if _d(event, "assigned_to"):
        return pgettext("staff", "Secure messages assigned to %(person)s") % {
            "person": _d(event, "assigned_to")
        }
    return pgettext("staff", "Secure messages no longer assigned to anyone")


def _appointment(event: AuditEvent, sentence: str) -> str:
    """An appointment sentence: "%(when)s", "%(kind)s", "%(clinician)s", "%(was)s"."""
    return sentence % {
        "when": _d(event, "when"),
        "kind": _d(event, "kind"),
        "clinician": _d(event, "clinician"),
        "was": _d(event, "was"),
    }


def _appointment_changed(event: AuditEvent) -> str:
    if _d(event, "was"):
        return _appointment(
            event,
            pgettext(
                "staff",
                "Appointment changed: now %(when)s, %(kind)s, with %(clinician)s (was %(was)s)",
            ),
        )
    return _appointment(
        event, pgettext("staff", "Appointment changed: now %(when)s, %(kind)s, with %(clinician)s")
    )


def _appointment_cancelled(event: AuditEvent) -> str:
    return pgettext("staff", "Appointment of %(when)s cancelled by %(side)s") % {
        "when": _d(event, "when"),
        "side": _d(event, "side") or pgettext("staff", "the practice"),
    }


def _appointment_settings_changed(event: AuditEvent) -> str:
    return pgettext(
        "staff",
        "Appointment settings changed: cancel until %(notice)s h before, "
        "reminder %(reminder)s h before",
    ) % {"notice": _d(event, "notice_hours"), "reminder": _d(event, "reminder_hours")}


def _telehealth_joined(event: AuditEvent) -> str:
    values = {
        "person": _d(event, "person") or pgettext("staff", "Someone"),
        "when": _d(event, "when"),
        "for": _d(event, "for"),
    }
    if values["for"]:
        return (
            pgettext("staff", "%(person)s joined the video appointment of %(when)s for %(for)s")
            % values
        )
    return pgettext("staff", "%(person)s joined the video appointment of %(when)s") % values


def _video_room_set(event: AuditEvent) -> str:
    values = {
        "room_of": _d(event, "room_of") or pgettext("staff", "the practice"),
        "host": _d(event, "host"),
        "was": _d(event, "was"),
    }
    if values["host"] and values["was"]:
        return pgettext("staff", "Video room of %(room_of)s set to %(host)s (was %(was)s)") % values
    if values["host"]:
        return pgettext("staff", "Video room of %(room_of)s set to %(host)s") % values
    if values["was"]:
        return pgettext("staff", "Video room of %(room_of)s removed (was %(was)s)") % values
    return pgettext("staff", "Video room of %(room_of)s removed") % values


def _telehealth_rule_changed(event: AuditEvent) -> str:
    if _d(event, "adults") == "yes":
        return pgettext("staff", "Telehealth consent now needed for adults too")
    return pgettext("staff", "Telehealth consent needed for minors only")


def _client_consent(event: AuditEvent, sentence: str) -> str:
    return sentence % {"name": _d(event, "name") or pgettext("staff", "the client")}


def _clinician_change(event: AuditEvent, sentence: str) -> str:
    return sentence % {
        "clinician": _d(event, "clinician"),
        "change": _d(event, "change"),
        "type": _d(event, "type"),
    }


def _scheduling_settings_changed(event: AuditEvent) -> str:
    values = {"notice": _d(event, "notice_hours"), "horizon": _d(event, "horizon_days")}
    if _d(event, "requires_approval") == "yes":
        return (
            pgettext(
                "staff",
                "Self-scheduling settings changed: %(notice)s h notice, "
                "%(horizon)s days ahead, approval required",
            )
            % values
        )
    return (
        pgettext(
            "staff",
            "Self-scheduling settings changed: %(notice)s h notice, "
            "%(horizon)s days ahead, approval not required",
        )
        % values
    )


def _document(event: AuditEvent, sentence: str) -> str:
    return sentence % {"category": _d(event, "category") or pgettext("staff", "a document")}


def _file(event: AuditEvent, sentence: str) -> str:
    purpose = _d(event, "purpose") or pgettext("staff", "a file")
    return sentence % {"purpose": purpose.replace("_", " ")}


def _expired_resend_started(event: AuditEvent) -> str:
    if _d(event, "clients"):
        return pgettext(
            "staff",
            "New invitations started for %(count)s clients whose invitation "
            "expired (Access problems)",
        ) % {"count": _d(event, "clients")}
    return pgettext(
        "staff",
        "New invitations started for the clients whose invitation expired (Access problems)",
    )


def _access_summary_sent(event: AuditEvent) -> str:
    values = {
        "recipients": _d(event, "recipients"),
        "count": _d(event, "count") or pgettext("staff", "some"),
    }
    if values["recipients"]:
        return (
            pgettext(
                "staff",
                "Weekly access summary emailed to %(recipients)s owners and "
                "administrators: %(count)s people could not sign in",
            )
            % values
        )
    return (
        pgettext(
            "staff",
            "Weekly access summary emailed to the owners and "
            "administrators: %(count)s people could not sign in",
        )
        % values
    )


def _language_changed(event: AuditEvent) -> str:
    values = {
        "previous": _d(event, "previous", "?"),
        "language": _d(event, "language", "?"),
        "person": _d(event, "person") or pgettext("staff", "the client"),
    }
    if _d(event, "where") == "portal":
        return (
            pgettext(
                "staff",
                "Language changed from %(previous)s to %(language)s for %(person)s in the portal",
            )
            % values
        )
    return (
        pgettext("staff", "Language changed from %(previous)s to %(language)s for %(person)s")
        % values
    )


def _logo_changed(event: AuditEvent) -> str:
    values = {
        "format": _d(event, "format") or pgettext("staff", "an image"),
        "size": _d(event, "size_kb", "?"),
    }
    if _d(event, "replaced") == "True":
        return pgettext("staff", "Logo replaced: %(format)s, %(size)s KB") % values
    return pgettext("staff", "Logo added: %(format)s, %(size)s KB") % values


def _accent_changed(event: AuditEvent) -> str:
    own = pgettext("staff", "Portico’s own")
    return pgettext("staff", "Accent colour changed from %(old)s to %(new)s") % {
        "old": _d(event, "old") or own,
        "new": _d(event, "new") or own,
    }


def _second_factor_failed(event: AuditEvent) -> str:
    method = _d(event, "method") or pgettext("staff", "code")
    return pgettext("staff", "Sign-in failed for %(who)s: wrong %(method)s") % {
        "who": _who(event),
        "method": method.replace("_", " "),
    }


def _two_factor_reset(event: AuditEvent) -> str:
    values = {"who": _who(event), "verified_by": _d(event, "verified_by").replace("_", " ")}
    if values["verified_by"]:
        return (
            pgettext(
                "staff", "Two-step sign-in reset for %(who)s (identity checked: %(verified_by)s)"
            )
            % values
        )
    return pgettext("staff", "Two-step sign-in reset for %(who)s") % values


def _passkey(event: AuditEvent, sentence: str) -> str:
    return sentence % {"name": _d(event, "name") or pgettext("staff", "unnamed")}


DESCRIPTIONS: dict[Action, Callable[[AuditEvent], str]] = {
    Action.SEND_REFUSED_ADDRESS: lambda e: _with_recipient(
        e,
        pgettext(
            "staff", "Link not sent to %(email)s: that address is not on file for this person"
        ),
        pgettext("staff", "Link not sent: that address is not on file for this person"),
    ),
    Action.RECORD_VIEWED: _record_viewed,
    Action.HISTORY_VIEWED: _history_viewed,
    Action.HISTORY_EXPORTED: _history_exported,
    Action.INVITE_SENT: lambda e: _with_recipient(
        e,
        pgettext("staff", "Portal invitation sent to %(email)s"),
        pgettext("staff", "Portal invitation sent"),
    ),
    Action.INVITE_RESENT: lambda e: _with_recipient(
        e,
        pgettext("staff", "Portal invitation resent to %(email)s"),
        pgettext("staff", "Portal invitation resent"),
    ),
    Action.BULK_INVITE_STARTED: lambda e: pgettext(
        "staff", "Started inviting everyone not yet invited"
    ),
    Action.BULK_INVITE_FINISHED: lambda e: (
        pgettext("staff", "Finished inviting everyone not yet invited: %(sent)s sent")
        % {"sent": e.details.get("sent", 0)}
    ),
    Action.LINK_VIEWED: lambda e: pgettext("staff", "Emailed link opened"),
    Action.DOB_FAILED: lambda e: pgettext("staff", "Wrong date of birth entered at registration"),
    Action.LINK_REVOKED: _link_revoked,
    Action.REGISTERED: _registered,
    Action.RESET_SENT: lambda e: _with_recipient(
        e,
        pgettext("staff", "Password reset sent to %(email)s"),
        pgettext("staff", "Password reset sent"),
    ),
    Action.RESET_RESENT: lambda e: _with_recipient(
        e,
        pgettext("staff", "Password reset resent to %(email)s"),
        pgettext("staff", "Password reset resent"),
    ),
    Action.RESET_REQUESTED: lambda e: _outcome(
        e,
        pgettext("staff", "“Forgot password?” used (%(outcome)s)"),
        pgettext("staff", "“Forgot password?” used"),
    ),
    Action.RESET_COMPLETED: lambda e: pgettext("staff", "Password changed with a reset link"),
    Action.PASSWORD_CHANGED: lambda e: pgettext("staff", "Password changed while signed in"),
    Action.USERNAME_REQUESTED: lambda e: _outcome(
        e,
        pgettext("staff", "“Forgot username?” used (%(outcome)s)"),
        pgettext("staff", "“Forgot username?” used"),
    ),
    Action.RESET_RATE_LIMITED: lambda e: _rate_limited(
        e,
        pgettext(
            "staff",
            "“Forgot password?” asked too often: %(refused)s requests refused"
            " in the hour from %(start)s (%(over_limit_for)s)",
        ),
    ),
    Action.USERNAME_RATE_LIMITED: lambda e: _rate_limited(
        e,
        pgettext(
            "staff",
            "“Forgot username?” asked too often: %(refused)s requests refused"
            " in the hour from %(start)s (%(over_limit_for)s)",
        ),
    ),
    Action.RESET_DONE: lambda e: pgettext("staff", "Password changed with a reset link"),
    Action.TEMPORARY_PASSWORD_SET: lambda e: pgettext("staff", "Temporary password set by staff"),
    Action.ACCESS_ENABLED: lambda e: pgettext("staff", "Portal access turned on"),
    Action.ACCESS_DISABLED: lambda e: pgettext("staff", "Portal access turned off"),
    Action.UNLOCKED: lambda e: pgettext("staff", "Sign-in lock lifted by staff"),
    Action.SIGN_IN_SUCCEEDED: lambda e: _about_who(e, pgettext("staff", "Signed in: %(who)s")),
    Action.SIGN_IN_FAILED: _signin_failed,
    Action.SIGN_IN_LOCKED: lambda e: _about_who(
        e, pgettext("staff", "Account locked after too many wrong passwords: %(who)s")
    ),
    Action.SIGN_IN_RATE_LIMITED: lambda e: pgettext(
        "staff", "Sign-in attempts paused: too many in a short time"
    ),
    Action.STAFF_SIGNED_OUT: lambda e: _about_who(e, pgettext("staff", "Signed out: %(who)s")),
    Action.SIGNED_OUT: lambda e: _about_who(e, pgettext("staff", "Signed out: %(who)s")),
    Action.CLIENT_ADDED: lambda e: pgettext("staff", "Client added"),
    Action.CLIENT_DETAILS_CHANGED: lambda e: pgettext("staff", "Personal information changed"),
    Action.CLIENT_EMAIL_ADDED: lambda e: _with_address(
        e,
        pgettext("staff", "Email address added: %(email)s"),
        pgettext("staff", "Email address added"),
    ),
    Action.CLIENT_EMAIL_CHANGED: _email_changed,
    Action.CLIENT_EMAIL_CONFIRMED: lambda e: (
        pgettext("staff", "Staff confirmed the address %(address)s is right after a bounce")
        % {"address": _d(e, "address")}
    ),
    Action.COMING_OF_AGE_REVIEWED: lambda e: pgettext(
        "staff", "Coming-of-age review of portal access completed"
    ),
    Action.CONTACT_ADDED: lambda e: _about_contact(
        e, pgettext("staff", "Contact added: %(contact)s")
    ),
    Action.CONTACT_CHANGED: _contact_changed,
    Action.CONTACT_REMOVED: lambda e: _about_contact(
        e, pgettext("staff", "Contact removed: %(contact)s")
    ),
    Action.CONSENT_RECORDED: _consent_recorded,
    Action.CONSENT_WITHDRAWN: _consent_withdrawn,
    Action.CONTACT_ACCESS_ENDED: lambda e: (
        pgettext("staff", "Portal access ended for contact %(contact)s")
        % {"contact": _d(e, "contact_name") or pgettext("staff", "a contact")}
    ),
    Action.MAIL_TEMPLATE_CHANGED: lambda e: (
        pgettext("staff", "Email template changed: %(kind)s (%(change)s)")
        % {"kind": _kind(e), "change": _d(e, "change")}
    ),
    Action.MAIL_TEST_SENT: lambda e: (
        pgettext("staff", "Test email sent: %(kind)s") % {"kind": _kind(e)}
    ),
    Action.MAIL_DELIVERED: lambda e: _mail(e, pgettext("staff", "%(email)s delivered to %(to)s")),
    Action.MAIL_DEFERRED: lambda e: _mail(e, pgettext("staff", "%(email)s to %(to)s delayed")),
    Action.MAIL_BOUNCED: _mail_bounced,
    Action.MAIL_COMPLAINED: lambda e: _mail(
        e, pgettext("staff", "%(email)s to %(to)s marked as spam")
    ),
    Action.MAIL_FAILED: _mail_failed,
    Action.CLIENT_EMAIL_REMOVED: lambda e: _with_address(
        e,
        pgettext("staff", "Email address removed: %(email)s"),
        pgettext("staff", "Email address removed"),
    ),
    Action.CLIENT_DEFAULT_EMAIL_CHANGED: lambda e: pgettext(
        "staff", "Default email address changed"
    ),
    Action.CLIENT_ARCHIVED: lambda e: pgettext("staff", "Client archived"),
    Action.CLIENT_UNARCHIVED: lambda e: pgettext("staff", "Client restored from the archive"),
    Action.PRACTICE_SETTINGS_CHANGED: _settings_changed,
    Action.STAFF_ADDED: lambda e: _about_who(e, pgettext("staff", "Staff member added: %(who)s")),
    Action.STAFF_INVITED: lambda e: _with_recipient(
        e,
        pgettext("staff", "Staff invitation sent to %(email)s"),
        pgettext("staff", "Staff invitation sent"),
    ),
    Action.STAFF_INVITE_RESENT: lambda e: _with_recipient(
        e,
        pgettext("staff", "Staff invitation resent to %(email)s"),
        pgettext("staff", "Staff invitation resent"),
    ),
    Action.STAFF_INVITE_VIEWED: lambda e: _about_who(
        e, pgettext("staff", "Staff invitation opened by %(who)s")
    ),
    Action.STAFF_INVITE_ACCEPTED: lambda e: _about_who(
        e, pgettext("staff", "Staff invitation accepted: %(who)s set a password")
    ),
    Action.STAFF_ROLE_CHANGED: _role_changed,
    Action.STAFF_DEACTIVATED: lambda e: _about_who(
        e, pgettext("staff", "Staff account deactivated: %(who)s")
    ),
    Action.STAFF_REACTIVATED: lambda e: _about_who(
        e, pgettext("staff", "Staff account reactivated: %(who)s")
    ),
    Action.WEBHOOK_ADDED: lambda e: _webhook(
        e, pgettext("staff", "Webhook endpoint added: %(url)s")
    ),
    Action.WEBHOOK_CHANGED: _webhook_changed,
    Action.WEBHOOK_ENABLED: lambda e: _webhook(
        e, pgettext("staff", "Webhook endpoint turned on: %(url)s")
    ),
    Action.WEBHOOK_DISABLED: lambda e: _webhook(
        e, pgettext("staff", "Webhook endpoint turned off: %(url)s")
    ),
    Action.WEBHOOK_SECRET_ROTATED: lambda e: _webhook(
        e,
        pgettext("staff", "Webhook signing secret replaced: %(url)s (the old one no longer signs)"),
    ),
    Action.WEBHOOK_DELETED: lambda e: _webhook(
        e, pgettext("staff", "Webhook endpoint deleted: %(url)s")
    ),
    Action.WEBHOOK_TEST_SENT: lambda e: _webhook(
        e, pgettext("staff", "Test event sent to webhook endpoint %(url)s")
    ),
    Action.API_KEY_CREATED: lambda e: _api_key(
        e, pgettext("staff", "API key created: %(name)s (%(key)s), role %(role)s")
    ),
    Action.API_KEY_REVOKED: lambda e: _api_key(
        e, pgettext("staff", "API key revoked: %(name)s (%(key)s)")
    ),
    Action.IMPORT_UPLOADED: lambda e: (
        npgettext(
            "staff",
            "Client list uploaded for import (%(rows)s row)",
            "Client list uploaded for import (%(rows)s rows)",
            _count(e, "rows"),
        )
        % {"rows": _d(e, "rows", "0")}
    ),
    Action.IMPORT_STARTED: lambda e: (
        npgettext(
            "staff",
            "Client import started (%(rows)s row)",
            "Client import started (%(rows)s rows)",
            _count(e, "rows"),
        )
        % {"rows": _d(e, "rows", "0")}
    ),
    Action.IMPORT_FINISHED: _import_finished,
    Action.IMPORT_FAILED: lambda e: (
        npgettext(
            "staff",
            "Client import stopped by an error after %(rows)s row",
            "Client import stopped by an error after %(rows)s rows",
            _count(e, "done"),
        )
        % {"rows": _d(e, "done", "0")}
    ),
    # --- forms (portico.intake) ---
    Action.FORM_CREATED: lambda e: _form(e, pgettext("staff", "Form “%(form)s” created")),
    Action.FORM_CHANGED: _form_changed,
    Action.FORM_VERSION_PUBLISHED: lambda e: _form(
        e, pgettext("staff", "Form “%(form)s” version %(version)s published")
    ),
    Action.FORM_SENT: _form_sent,
    Action.FORM_SUBMITTED: _form_submitted,
    Action.FORM_REOPENED: lambda e: _form(
        e, pgettext("staff", "Form “%(form)s” reopened for correction")
    ),
    Action.FORM_ANSWERS_VIEWED: lambda e: _form(
        e, pgettext("staff", "Answers to form “%(form)s” viewed")
    ),
    # --- messages (portico.messaging) ---
    Action.MESSAGE_SENT: _message_sent,
    Action.MESSAGE_READ: _message_read,
    Action.CONVERSATION_ASSIGNED: _conversation_assigned,
    Action.CONVERSATION_MARKED_UNREAD: lambda e: pgettext(
        "staff", "Secure messages marked unread for the practice"
    ),
    # --- profile, insurance and files (portico.profiles, portico.files) ---
    # --- appointments (portico.appointments) ---
    Action.APPOINTMENT_BOOKED: lambda e: _appointment(
        e, pgettext("staff", "Appointment booked: %(when)s, %(kind)s, with %(clinician)s")
    ),
    Action.APPOINTMENT_CHANGED: _appointment_changed,
    Action.APPOINTMENT_CANCELLED: _appointment_cancelled,
    Action.APPOINTMENT_SETTINGS_CHANGED: _appointment_settings_changed,
    # --- telehealth (portico.appointments telehealth) ---
    Action.TELEHEALTH_JOINED: _telehealth_joined,
    Action.VIDEO_ROOM_SET: _video_room_set,
    Action.TELEHEALTH_RULE_CHANGED: _telehealth_rule_changed,
    Action.CLIENT_CONSENT_RECORDED: lambda e: _client_consent(
        e, pgettext("staff", "Telehealth consent recorded for %(name)s (the client)")
    ),
    Action.CLIENT_CONSENT_WITHDRAWN: lambda e: _client_consent(
        e, pgettext("staff", "Telehealth consent withdrawn for %(name)s (the client)")
    ),
    # --- self-scheduling (portico.scheduling) ---
    Action.SCHEDULING_AVAILABILITY_CHANGED: lambda e: _clinician_change(
        e, pgettext("staff", "Availability of %(clinician)s changed: %(change)s")
    ),
    Action.SCHEDULING_TYPE_CHANGED: lambda e: _clinician_change(
        e, pgettext("staff", "Bookable type of %(clinician)s %(change)s: “%(type)s”")
    ),
    Action.SCHEDULING_SELF_BOOKED: lambda e: _appointment(
        e,
        pgettext(
            "staff", "Appointment booked in the portal: %(when)s, %(kind)s, with %(clinician)s"
        ),
    ),
    Action.SCHEDULING_REQUESTED: lambda e: _appointment(
        e,
        pgettext(
            "staff", "Appointment requested in the portal: %(when)s, %(kind)s, with %(clinician)s"
        ),
    ),
    Action.SCHEDULING_APPROVED: lambda e: _appointment(
        e, pgettext("staff", "Requested appointment approved: %(when)s")
    ),
    Action.SCHEDULING_DECLINED: lambda e: _appointment(
        e, pgettext("staff", "Requested appointment declined: %(when)s")
    ),
    Action.SCHEDULING_SETTINGS_CHANGED: _scheduling_settings_changed,
    # --- documents (portico.documents) ---
    Action.DOCUMENT_SHARED: lambda e: _document(
        e, pgettext("staff", "Document shared: %(category)s")
    ),
    Action.DOCUMENT_OPENED: lambda e: _document(
        e, pgettext("staff", "Document opened for the first time: %(category)s")
    ),
    Action.DOCUMENT_WITHDRAWN: lambda e: _document(
        e, pgettext("staff", "Document withdrawn: %(category)s")
    ),
    Action.DOCUMENT_REQUESTED: lambda e: pgettext("staff", "Document asked of the client"),
    Action.DOCUMENT_REQUEST_CANCELLED: lambda e: pgettext("staff", "Document request cancelled"),
    Action.DOCUMENT_UPLOADED: lambda e: pgettext("staff", "Requested document uploaded"),
    Action.DOCUMENT_DOWNLOADED_BY_STAFF: lambda e: _document(
        e, pgettext("staff", "Document downloaded by staff: %(category)s")
    ),
    Action.PROFILE_CHANGE_REQUESTED: lambda e: _fields_sentence(
        e, pgettext("staff", "Profile changes sent for review: %(fields)s")
    ),
    Action.PROFILE_CHANGE_APPLIED: lambda e: _fields_sentence(
        e, pgettext("staff", "Profile updated from the portal: %(fields)s")
    ),
    Action.PROFILE_CHANGE_ACCEPTED: lambda e: _fields_sentence(
        e, pgettext("staff", "Profile change accepted: %(fields)s")
    ),
    Action.PROFILE_CHANGE_REJECTED: lambda e: _fields_sentence(
        e, pgettext("staff", "Profile change rejected: %(fields)s")
    ),
    Action.PROFILE_CONFIRMED: lambda e: pgettext("staff", "Contact details confirmed as right"),
    Action.INSURANCE_UPDATED: lambda e: _fields_sentence(
        e, pgettext("staff", "Insurance updated: %(fields)s")
    ),
    Action.INSURANCE_CARD_UPLOADED: lambda e: (
        pgettext("staff", "Insurance card photo uploaded (%(rank)s, %(side)s)")
        % {"rank": _d(e, "rank"), "side": _d(e, "side")}
    ),
    Action.FILE_VIEWED: lambda e: _file(e, pgettext("staff", "File viewed: %(purpose)s")),
    Action.FILE_DOWNLOADED: lambda e: _file(e, pgettext("staff", "File downloaded: %(purpose)s")),
    # --- access problems (portico.problems) ---
    Action.EXPIRED_RESEND_STARTED: _expired_resend_started,
    Action.ACCESS_SUMMARY_SENT: _access_summary_sent,
    # --- languages (client language, email overrides per language) ---
    Action.LANGUAGE_CHANGED: _language_changed,
    # --- the practice's brand (logo, accent colour) ---
    Action.BRAND_LOGO_CHANGED: _logo_changed,
    Action.BRAND_LOGO_REMOVED: lambda e: pgettext("staff", "Logo removed"),
    Action.BRAND_ACCENT_CHANGED: _accent_changed,
    # --- two-factor sign-in and re-authentication (portico.twofactor) ---
    Action.SECOND_STEP_ASKED: lambda e: _about_who(
        e, pgettext("staff", "Password accepted, second step asked: %(who)s")
    ),
    Action.SECOND_FACTOR_FAILED: _second_factor_failed,
    Action.AUTHENTICATOR_APP_ADDED: lambda e: _about_who(
        e, pgettext("staff", "Authenticator app set up: %(who)s")
    ),
    Action.AUTHENTICATOR_APP_REMOVED: lambda e: _about_who(
        e, pgettext("staff", "Authenticator app removed: %(who)s")
    ),
    Action.RECOVERY_CODES_CREATED: lambda e: _about_who(
        e, pgettext("staff", "New recovery codes made: %(who)s")
    ),
    Action.TWO_FACTOR_RESET: _two_factor_reset,
    Action.REAUTHENTICATED: lambda e: _about_who(
        e, pgettext("staff", "Confirmed it was them (re-authentication): %(who)s")
    ),
    Action.PASSKEY_ADDED: lambda e: _passkey(e, pgettext("staff", "Passkey “%(name)s” added")),
    Action.PASSKEY_REMOVED: lambda e: _passkey(e, pgettext("staff", "Passkey “%(name)s” removed")),
}
