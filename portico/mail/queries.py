"""What staff see about emails: the latest one for a link, a client's, and their state in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import npgettext, pgettext

from portico.lib.keyset import KeysetPage, keyset_page
from portico.lib.localtime import short_day_and_time
from portico.mail.delivery import MAX_ATTEMPTS
from portico.mail.models import (
    EmailStatus,
    EmailTemplateOverride,
    LocalMailboxMessage,
    OutboundEmail,
)

if TYPE_CHECKING:
    from portico.access.models import AccessLink
    from portico.clients.models import Client
    from portico.practices.models import Practice

BADGE = {
    EmailStatus.QUEUED: "badge-info",
    EmailStatus.SENDING: "badge-info",
    EmailStatus.SENT: "badge-ok",
    EmailStatus.DELIVERED: "badge-ok",
    EmailStatus.DEFERRED: "badge-warn",
    EmailStatus.BOUNCED: "badge-bad",
    EmailStatus.COMPLAINED: "badge-bad",
    EmailStatus.FAILED: "badge-bad",
}


@dataclass(frozen=True)
class DeliveryState:
    label: str  # "Bounced"
    badge: str  # CSS class
    sentence: str  # what happened and what to do, in plain words
    # The sentence without its leading state, to follow a badge that already says it.
    detail: str = ""


def _after_label(label: str, sentence: str) -> str:
    """'Bounced: the mailbox …' → 'The mailbox …'; 'Sent to a@b on …' → 'to a@b on …'.

    A translation whose sentence does not start with its label is shown whole.
    """
    for separator in (": ", " — "):
        if sentence.startswith(label + separator):
            rest = sentence[len(label + separator) :]
            return rest[:1].upper() + rest[1:]
    if sentence.startswith(label + " "):
        return sentence[len(label) + 1 :]
    return sentence


def latest_email_for_link(link: AccessLink) -> OutboundEmail | None:
    return OutboundEmail.objects.filter(link=link).order_by("-created_at", "-id").first()


def emails_for_client(client: Client, limit: int = 10) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(client=client).order_by("-created_at", "-id")[:limit])


def emails_for_practice(
    practice: Practice, *, status: str = "", kind: str = ""
) -> QuerySet[OutboundEmail]:
    emails = OutboundEmail.objects.filter(practice=practice).defer("text_body", "html_body")
    if status:
        emails = emails.filter(status=status)
    if kind:
        emails = emails.filter(kind=kind)
    return emails.order_by("-created_at", "-id")


ACTIVITY_PAGE_SIZE = 50
ACTIVITY_ORDER = ("-created_at", "-id")


def activity_page(
    practice: Practice,
    *,
    status: str = "",
    kind: str = "",
    cursor: str = "",
    size: int = ACTIVITY_PAGE_SIZE,
) -> KeysetPage[OutboundEmail]:
    """A page of the practice's emails, newest first, keyset-paginated on (created_at, id).

    No COUNT and no OFFSET: one bulk invitation of a large practice writes 100 000
    rows, and a page must still be one range scan of index ``email_practice_recent``
    (``size + 1`` rows). One query, with the client's name joined.
    """
    emails = emails_for_practice(practice, status=status, kind=kind).select_related(
        "practice", "client"
    )
    return keyset_page(
        emails, ACTIVITY_ORDER, cursor=cursor, size=size, salt="portico.mail.activity"
    )


def _when(moment: datetime | None, practice: Practice) -> str:
    if moment is None:
        return ""
    return short_day_and_time(practice, moment)


def describe_delivery(email: OutboundEmail) -> str:
    """The email's state in one plain sentence, with what to do when it went wrong."""
    return delivery_state(email).sentence


def delivery_state(email: OutboundEmail) -> DeliveryState:
    practice = email.practice
    status = EmailStatus(email.status)
    to = email.to_address
    if status == EmailStatus.QUEUED:
        sentence = pgettext("staff", "Queued — will be sent within a minute.")
    elif status == EmailStatus.SENDING:
        sentence = pgettext("staff", "Being sent to %(to)s now.") % {"to": to}
    elif status == EmailStatus.SENT:
        sentence = pgettext("staff", "Sent to %(to)s on %(when)s.") % {
            "to": to,
            "when": _when(email.sent_at, practice),
        }
    elif status == EmailStatus.DELIVERED:
        sentence = pgettext("staff", "Delivered to %(to)s on %(when)s.") % {
            "to": to,
            "when": _when(email.delivered_at or email.sent_at, practice),
        }
    elif status == EmailStatus.DEFERRED:
        if email.next_attempt_at is not None:
            why = email.last_error or pgettext("staff", "the mail server could not take it.")
            sentence = pgettext(
                "staff",
                "Delayed: %(why)s. We will retry on %(when)s (attempt %(attempt)s of %(most)s).",
            ) % {
                "why": why.rstrip("."),
                "when": _when(email.next_attempt_at, practice),
                "attempt": email.attempts,
                "most": MAX_ATTEMPTS,
            }
        else:
            sentence = pgettext(
                "staff",
                "Delayed: the receiving server asked us to try later. "
                "The email service keeps retrying.",
            )
    elif status == EmailStatus.BOUNCED:
        reason = email.status_detail or pgettext(
            "staff", "the receiving server refused it. Check the address."
        )
        sentence = pgettext("staff", "Bounced: %(reason)s") % {"reason": reason}
    elif status == EmailStatus.COMPLAINED:
        sentence = pgettext(
            "staff",
            "Marked as spam by the recipient at %(to)s. Ask the client to mark it "
            "as not spam, or to use another address.",
        ) % {"to": to}
    else:
        reason = email.last_error or email.status_detail or pgettext("staff", "unknown reason")
        sentence = npgettext(
            "staff",
            "Failed after %(count)d attempt: %(reason)s",
            "Failed after %(count)d attempts: %(reason)s",
            email.attempts,
        ) % {"count": email.attempts, "reason": reason}
    label = str(status.label)
    return DeliveryState(
        label=label,
        badge=BADGE[status],
        sentence=sentence,
        detail=_after_label(label, sentence),
    )


def _mailbox(practice: Practice | None) -> QuerySet[LocalMailboxMessage]:
    """Every message, or only those of ``practice``'s outbox rows (matched by Message-ID)."""
    messages = LocalMailboxMessage.objects.all()
    if practice is not None:
        ids = OutboundEmail.objects.filter(practice=practice).values("message_id")
        messages = messages.filter(message_id__in=ids)
    return messages


def mailbox_messages(
    *, to: str = "", practice: Practice | None = None
) -> QuerySet[LocalMailboxMessage]:
    """The local mailbox, newest first, each with the kind of its outbox row (if still there)."""
    kind = OutboundEmail.objects.filter(message_id=OuterRef("message_id")).values("kind")[:1]
    messages = (
        _mailbox(practice).defer("text_body", "html_body", "headers").annotate(kind=Subquery(kind))
    )
    if to:
        messages = messages.filter(to_addresses__icontains=to)
    return messages.order_by("-received_at", "-id")


def get_mailbox_message(
    message_id: int, *, practice: Practice | None = None
) -> LocalMailboxMessage:
    try:
        return _mailbox(practice).get(pk=message_id)
    except LocalMailboxMessage.DoesNotExist:
        raise Http404("No such message in the local mailbox.") from None


def template_overrides_for_practice(
    practice: Practice, language: str = "en"
) -> dict[str, EmailTemplateOverride]:
    """The practice's own templates in ``language`` by kind (kinds it has not customised
    in that language are absent)."""
    return {
        o.kind: o
        for o in EmailTemplateOverride.objects.filter(practice=practice, language=language)
    }


def template_overrides_by_language(
    practice: Practice,
) -> dict[str, dict[str, EmailTemplateOverride]]:
    """The practice's own templates: kind → language → override."""
    found: dict[str, dict[str, EmailTemplateOverride]] = {}
    for override in EmailTemplateOverride.objects.filter(practice=practice).select_related(
        "updated_by"
    ):
        found.setdefault(override.kind, {})[override.language] = override
    return found
