"""Moved to portico.lib.localtime; kept only until the access modules import from there."""

from __future__ import annotations

from portico.lib.localtime import clock, day_and_time, short_day_and_time, when_next

__all__ = ["clock", "day_and_time", "short_day_and_time", "when_next"]
