"""The practice's JSON API, version 1, mounted at ``api/v1/`` of each practice.

Built with django-ninja: the OpenAPI 3.1 document (``openapi.json``) and the
reference page (``docs``, Swagger UI served from our own static files, so the
site's Content-Security-Policy holds) are generated from the typed schemas.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI, Swagger

from portico.api import access, clients, practice, problems
from portico.api.auth import ApiKeyAuth
from portico.api.problems import CONTENT_TYPE, problem_response

DESCRIPTION = """\
The staff app's actions and reads for one practice, for the practice's other systems.

**Authentication**: an API key from Practice settings → API keys, sent as
`Authorization: Bearer pk_live_…`. A key acts with its role (read only, front desk,
clinician, administrator, owner); every write is recorded in the access history
with the key as the actor.

**Errors** are RFC 9457 problem details (`application/problem+json`): `type`, `title`,
`status`, `detail`, and `errors: [{field, message, code}]` for refused input, with the
staff forms' own messages. The resend limit answers 429 with `Retry-After`.

**Retries**: send an `Idempotency-Key` header with every POST; a retry with the same
key and body gets the first answer (kept 24 hours), never a second client or email.
"""


class PorticoApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(code) >= 400 and "application/json" in content:
                        response["content"] = {CONTENT_TYPE: content["application/json"]}
        return schema

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_for_not_allowed(pattern.callback)
        # Anything else under api/v1/: a problem, not the site's HTML 404 page.
        urls.append(re_path(r"^.*$", _not_found))
        return urls


def _problem_for_not_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            return problem_response(
                405,
                f"This address answers {allowed} only.",
                slug="method-not-allowed",
                headers={"Allow": allowed},
            )
        return response

    return wrapper


def _not_found(request: HttpRequest) -> HttpResponse:
    return problem_response(404, "Nothing was found at this address.", slug="not-found")


_not_found.csrf_exempt = True  # type: ignore[attr-defined]

api = PorticoApi(
    title="Portico API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    auth=ApiKeyAuth(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
problems.install(api)
api.add_router("", clients.router)
api.add_router("", access.router)
api.add_router("", practice.router)
