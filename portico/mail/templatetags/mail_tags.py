from __future__ import annotations

from django import template

from portico.mail.models import OutboundEmail
from portico.mail.queries import DeliveryState
from portico.mail.queries import delivery_state as _delivery_state

register = template.Library()


@register.simple_tag
def delivery_state(email: OutboundEmail) -> DeliveryState:
    """Usage: {% include "mail/_delivery_state.html" with email=email %}."""
    return _delivery_state(email)
