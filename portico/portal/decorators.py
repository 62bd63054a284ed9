"""Who may open a portal page.

``@portal_user_required`` lets through only a signed-in portal user of this
practice. Everyone else goes to the practice's sign-in page (a session from
another practice never counts: the session middleware already ignores it).

A user who must change their password (after a staff-set temporary one) is sent
to the change-password page from every other portal page until they have.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


def is_portal_user_here(request: HttpRequest) -> bool:
    user = request.user
    practice = getattr(request, "practice", None)
    return (
        practice is not None
        and user.is_authenticated
        and user.kind == "portal"
        and user.practice_id == practice.pk
    )


def _guard[View: Callable[..., HttpResponse]](view: View, *, forced_change_page: bool) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_portal_user_here(request):
            sign_in = reverse("portal:sign_in")
            if request.method == "GET" and request.path != reverse("portal:home"):
                sign_in += "?" + urlencode({"next": request.get_full_path()})
            return redirect(sign_in)
        if request.user.must_change_password and not forced_change_page:  # type: ignore[union-attr]
            return redirect("portal:change_password")
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def portal_user_required[View: Callable[..., HttpResponse]](view: View) -> View:
    return _guard(view, forced_change_page=False)


def portal_user_required_even_before_password_change[View: Callable[..., HttpResponse]](
    view: View,
) -> View:
    """For the change-password page itself (and sign-out): reachable during a forced change."""
    return _guard(view, forced_change_page=True)


def acting_for_required[View: Callable[..., HttpResponse]](view: View) -> View:
    """A portal page about one client: the user must act for one, through a grant that works.

    Sets ``request.acting`` (``portal.acting.Acting``). With several grants and none
    chosen, or the chosen one just revoked, the user goes to the chooser; with none
    left, to a page saying so.
    """
    from django.contrib import messages
    from django.shortcuts import render

    from portico.clients.models import Client
    from portico.portal.acting import SESSION_KEY, acting_for

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_portal_user_here(request):
            return _guard(view, forced_change_page=False)(request, *args, **kwargs)
        previous = request.session.get(SESSION_KEY)
        acting = acting_for(request)
        request.acting = acting  # type: ignore[attr-defined]
        if acting.grant is not None:
            return _guard(view, forced_change_page=False)(request, *args, **kwargs)
        if acting.lost:
            lost = Client.objects.filter(
                pk=previous if isinstance(previous, int) else 0,
                practice_id=request.user.practice_id,  # type: ignore[union-attr]
            ).first()
            from django.utils.translation import gettext

            if lost:
                words = gettext("You no longer have access to %(name)s's portal.") % {
                    "name": lost.greeting_name
                }
            else:
                words = gettext("You no longer have access to that portal.")
            messages.warning(request, words)
        if not acting.grants:
            return render(request, "portal/no_access.html", status=403)
        return redirect("portal:choose")

    return cast(View, wrapper)
