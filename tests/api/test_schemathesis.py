"""Schemathesis generates requests from the OpenAPI document and runs them in-process
(Django's WSGI handler, the test database): no server errors, and every answer
matches the schema and content type the document gives for it.

A bounded number of examples per operation keeps it well under a minute.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import Family

EXAMPLES = 6


def test_every_operation_answers_without_a_server_error_and_as_documented(
    maple: Practice, casey: Client, family: Family, owner_key: str
) -> None:
    headers = {"Authorization": f"Bearer {owner_key}"}
    checks = [
        not_a_server_error,
        response_schema_conformance,
        content_type_conformance,
        status_code_conformance,
    ]
    seen: set[int] = set()
    # As Django's test client does: the WSGI handler would otherwise close the test's
    # database connection after each request (PostgreSQL keeps the test in a transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        # Each operation's strategy is driven by hypothesis directly: schemathesis's pytest
        # plugin (from_fixture) does not run under pytest 9.
        api_schema = schemathesis.openapi.from_wsgi(
            f"/p/{maple.slug}/api/v1/openapi.json", get_wsgi_application()
        )
        _walk(api_schema, headers, checks, seen)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    # The walk reached real answers, not only refusals of what it made up.
    assert {200, 404, 422} <= seen, seen


def _walk(api_schema: Any, headers: dict[str, str], checks: list[Any], seen: set[int]) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case[Any]) -> None:
            response = case.call_and_validate(headers=headers, checks=checks)
            seen.add(response.status_code)

        run()
