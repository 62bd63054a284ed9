"""Every API error as RFC 9457 problem details (``application/problem+json``).

``{"type", "title", "status", "detail"}``, and ``errors: [{field, message}]`` for
input that was refused. Validation messages are the HTML forms' own: the API
validates through the same form classes and actions.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from portico.access.sending import AccessRefused, SendLimitReached

CONTENT_TYPE = "application/problem+json"
NON_FIELD = "__all__"

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    422: "Invalid input",
    429: "Too many requests",
}


class FieldError(Schema):
    field: str
    message: str
    code: str = ""


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


# Every operation documents these answers (all problem details).
ERRORS: dict[int, type[Problem]] = dict.fromkeys((400, 401, 403, 404, 409, 413, 422, 429), Problem)


def problem_type(slug: str) -> str:
    return f"urn:portico:problem:{slug}"


class ApiProblem(Exception):
    """Raised by an operation to answer with a problem; the handler renders it."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str = "",
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str = "",
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": problem_type(slug) if slug else "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def form_errors(form_errors: Any) -> list[dict[str, str]]:
    """A Django form's errors (``form.errors.as_data()``) as ``[{field, message, code}]``."""
    out = []
    for field, errors in form_errors.items():
        for error in errors:
            for message in error.messages:
                out.append(
                    {
                        "field": "" if field == NON_FIELD else field,
                        "message": message,
                        "code": error.code or "",
                    }
                )
    return out


def invalid(errors: list[dict[str, str]]) -> ApiProblem:
    first = errors[0]["message"] if errors else "The input was refused."
    return ApiProblem(422, first, slug="validation", errors=errors)


def django_validation_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return form_errors(exc.error_dict)
    return [{"field": "", "message": message, "code": exc.code or ""} for message in exc.messages]


def _location(loc: Any) -> str:
    # ninja's locations start with where the value came from ("body", "payload", …).
    parts = [str(part) for part in loc]
    while parts and parts[0] in ("body", "query", "path", "header", "payload"):
        parts = parts[1:]
    return ".".join(parts)


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "This field is not part of this operation."
    if kind == "missing":
        return "This field is required."
    return str(error.get("msg", "Invalid value."))


def install(api: NinjaAPI) -> None:
    """Replace ninja's default error answers with problem details."""

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": _location(e.get("loc", ())),
                "message": _pydantic_message(e),
                "code": str(e.get("type", "")),
            }
            for e in exc.errors
        ]
        unknown = any(e.get("type") == "extra_forbidden" for e in exc.errors)
        detail = "Unknown fields were sent." if unknown else errors[0]["message"] if errors else ""
        return problem_response(
            422, detail or "The input was refused.", slug="validation", errors=errors
        )

    @api.exception_handler(ApiProblem)
    def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem_response(
            exc.status, exc.detail, slug=exc.slug, errors=exc.errors, headers=exc.headers
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            401,
            "Send a valid API key: Authorization: Bearer <key>.",
            slug="unauthenticated",
            headers={"WWW-Authenticate": 'Bearer realm="portico"'},
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON."
        return problem_response(exc.status_code, detail, slug="http")

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(404, "Nothing was found at this address.", slug="not-found")

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return too_large()

    @api.exception_handler(SendLimitReached)
    def _send_limit(request: HttpRequest, exc: SendLimitReached) -> HttpResponse:
        return send_limit_response(exc)

    @api.exception_handler(AccessRefused)
    def _refused(request: HttpRequest, exc: AccessRefused) -> HttpResponse:
        return problem_response(409, exc.message, slug="access-refused")

    @api.exception_handler(DjangoValidationError)
    def _django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        problem = invalid(django_validation_errors(exc))
        return problem_response(422, problem.detail, slug="validation", errors=problem.errors)


def too_large() -> HttpResponse:
    from portico.api.auth import MAX_BODY_BYTES

    return problem_response(
        413, f"The request body is larger than {MAX_BODY_BYTES // 1024} KB.", slug="too-large"
    )


def send_limit_response(exc: SendLimitReached) -> HttpResponse:
    """The staff sentence, with when the next send is possible as Retry-After."""
    from django.utils import timezone

    headers = {}
    next_at = exc.allowance.next_available_at
    if next_at is not None:
        wait = max(1, int((next_at - timezone.now()).total_seconds()) + 1)
        headers["Retry-After"] = str(wait)
    return problem_response(429, exc.message, slug="send-limit", headers=headers)
