"""Who may open a staff page.

``@staff_required()`` for any staff member of the practice, ``@staff_required(Can.X)``
for practice-wide screens that need a capability:

- nobody signed in (a session of another practice counts as nobody): to the
  staff sign-in page, coming back afterwards;
- a portal user of this practice: 404 (nothing here for them);
- staff without the capability: the plain "not allowed" page (403).

Objects inside a screen are still reached through scoped lookups that answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from portico.practices.roles import Can, staff_can

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def staff_required(capability: Can | None = None) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            practice = getattr(request, "practice", None)
            if practice is None:
                raise Http404
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("accounts:staff_sign_in"))
            if user.kind != "staff" or user.practice_id != practice.pk:
                raise Http404
            if capability is not None and not staff_can(user, practice, capability):
                return render(request, "403.html", status=403)
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator
