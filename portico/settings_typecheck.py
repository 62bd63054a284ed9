"""The settings mypy's Django plugin loads: development mode, whatever the shell says.

Loading portico.settings without debug and without a way to send email refuses to
start (see the docstring there); that must not stop the type checker, which only
needs the names and types of the settings.
"""

from __future__ import annotations

import os

os.environ["PORTICO_DEBUG"] = "true"

from portico.settings import *  # noqa: E402, F403
