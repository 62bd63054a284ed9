"""A logging filter that keeps link tokens out of logs.

Request lines from the web server include paths such as ``/p/x/welcome/<token>/``.
Every long URL-safe run that could be a token is replaced before the record is
written. Dates of birth never reach a log call in the first place.
"""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}")


def scrub(text: str) -> str:
    return _TOKEN.sub("[redacted]", text)


class ScrubSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = scrub(str(record.msg))
        return True
