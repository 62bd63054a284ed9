"""Appointments: staff book, move and cancel; clients see theirs in the portal."""
