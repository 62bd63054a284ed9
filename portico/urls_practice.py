"""The URLs of one practice: at the root of its host, or under /p/<slug>/.

See portico.practices.middleware for how a request gets here.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from portico.api.main import api as api_v1
from portico.portal.features import feature_url_patterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("portico.portal.urls")),
    path("", include("portico.access.urls")),
    path("", include("portico.twofactor.portal_urls")),
    path("brand/", include("portico.practices.brand_urls")),  # the logo and accent: public
    path("", include("portico.passkeys.urls")),
    # The portal's features: every page of one answers 404 while the practice has it off.
    *feature_url_patterns(),
    path("staff/", include("portico.accounts.urls")),
    path("staff/", include("portico.twofactor.staff_urls")),
    path("staff/clients/import/", include("portico.imports.urls")),
    path("staff/clients/", include("portico.clients.urls")),
    path("staff/practice/", include("portico.practices.urls")),
    path("staff/audit/", include("portico.audit.urls")),
    path("staff/forms/", include("portico.intake.staff_urls")),
    path("staff/messages/", include("portico.messaging.staff_urls")),
    path("staff/profiles/", include("portico.profiles.staff_urls")),
    path("staff/appointments/", include("portico.appointments.staff_urls")),
    path("staff/scheduling/", include("portico.scheduling.staff_urls")),
    path("staff/documents/", include("portico.documents.staff_urls")),
    path("staff/email/", include("portico.mail.urls")),
    path("staff/access-problems/", include("portico.problems.urls")),
    path("staff/practice/webhooks/", include("portico.webhooks.urls")),
    path("staff/practice/api-keys/", include("portico.api.urls")),
    path("api/v1/", api_v1.urls),
]

if settings.LOCAL_MAILBOX:
    # The practice's own emails, for its signed-in staff (see portico.mail.views_mailbox).
    urlpatterns.append(path("mailbox/", include("portico.mail.urls_mailbox")))
