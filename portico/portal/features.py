"""The portal's features, per practice: a feature that is off does not exist for clients.

Every URL of a feature lives in that feature's own urlconf module, included through
``feature_urls``: each of its views is wrapped so that, while the practice has the
feature off, the page answers 404 before anything else runs (no sign-in redirect,
no lookup, no hint that the page exists); while it is on, every POST counts
against the person's ``portal_write`` rate limit. ``PORTAL_NAV`` is the portal menu; an
entry is shown only while its feature is on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from portico.lib.http import too_many_attempts
from portico.lib.ratelimit import consume
from portico.practices.models import PortalFeature, Practice

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# (feature, menu label, URL name of the feature's first page)
PORTAL_NAV: tuple[tuple[PortalFeature, StrOrPromise, str], ...] = (
    (PortalFeature.FORMS, _("Forms"), "portal_forms:list"),
    (PortalFeature.MESSAGES, _("Messages"), "portal_messages:conversation"),
    (PortalFeature.PROFILE, _("Profile"), "portal_profile:profile"),
    (PortalFeature.INSURANCE, _("Insurance"), "portal_insurance:insurance"),
    (PortalFeature.APPOINTMENTS, _("Appointments"), "portal_appointments:list"),
    (PortalFeature.SELF_SCHEDULING, _("Book a time"), "portal_scheduling:book"),
    (PortalFeature.DOCUMENTS, _("Documents"), "portal_documents:list"),
)

# (feature, where the practice's URLconf mounts its portal pages, their urlconf module).
# Telehealth has no menu entry: its Join lives beside each video appointment.
FEATURE_MOUNTS: tuple[tuple[PortalFeature, str, str], ...] = (
    (PortalFeature.FORMS, "forms/", "portico.intake.portal_urls"),
    (PortalFeature.MESSAGES, "messages/", "portico.messaging.portal_urls"),
    (PortalFeature.PROFILE, "profile/", "portico.profiles.portal_urls"),
    (PortalFeature.INSURANCE, "insurance/", "portico.profiles.insurance_urls"),
    (PortalFeature.APPOINTMENTS, "appointments/", "portico.appointments.portal_urls"),
    (PortalFeature.TELEHEALTH, "video/", "portico.appointments.telehealth_urls"),
    (PortalFeature.SELF_SCHEDULING, "book/", "portico.scheduling.portal_urls"),
    (PortalFeature.DOCUMENTS, "documents/", "portico.documents.portal_urls"),
)


def feature_on(practice: Practice, feature: PortalFeature) -> bool:
    return feature.value in (practice.portal_features or [])


def feature_required[View: Callable[..., HttpResponse]](feature: PortalFeature, view: View) -> View:
    """``view`` answers 404 while the request's practice has ``feature`` off."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        practice = getattr(request, "practice", None)
        if practice is None or not feature_on(practice, feature):
            raise Http404
        if request.method == "POST" and request.user.is_authenticated:
            verdict = consume("portal_write", key=f"user:{request.user.pk}")
            if not verdict.allowed:
                return too_many_attempts(request, verdict.retry_after)
        return view(request, *args, **kwargs)

    wrapper.portal_feature = feature  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def feature_urls(feature: PortalFeature, module: str) -> tuple[list[URLPattern | URLResolver], str]:
    """``include()`` argument: every pattern of ``module`` gated by ``feature``.

    The module's ``app_name`` is its namespace. Nested includes are refused so no
    page can slip past the gate.
    """
    urlconf = import_module(module)
    gated: list[URLPattern | URLResolver] = []
    for pattern in urlconf.urlpatterns:
        if not isinstance(pattern, URLPattern):
            raise TypeError(f"{module}: feature URLs must be plain path() entries.")
        gated.append(
            URLPattern(
                pattern.pattern,
                feature_required(feature, pattern.callback),
                pattern.default_args,
                pattern.name,
            )
        )
    return gated, urlconf.app_name


def feature_url_patterns() -> list[URLPattern | URLResolver]:
    """The portal pages of every feature, each mounted and gated as ``FEATURE_MOUNTS`` says."""
    return [
        path(prefix, include(feature_urls(feature, module)))
        for feature, prefix, module in FEATURE_MOUNTS
    ]
