"""``{% access_problem_count as stuck %}``: the staff top bar's count (``problems.counts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from portico.problems.counts import top_bar_count, top_bar_label

register = template.Library()


@dataclass(frozen=True)
class TopBarCount:
    count: int

    @property
    def label(self) -> str:
        return top_bar_label(self.count)


@register.simple_tag(takes_context=True)
def access_problem_count(context: dict[str, Any]) -> TopBarCount:
    """The practice's count, or 0 on a page without a practice."""
    practice = context.get("practice")
    return TopBarCount(top_bar_count(practice) if practice is not None else 0)


@register.inclusion_tag("problems/_clinician.html", takes_context=True)
def clinician_form(context: dict[str, Any]) -> dict[str, Any]:
    """The Personal information page's "Clinician" card (``problems.clinicians``)."""
    from portico.problems.clinicians import ClinicianForm

    client = context["client"]
    form = ClinicianForm(
        practice=context["practice"],
        initial={"clinician": client.clinician_id},
        auto_id="id_clinician_%s",
    )
    return {"client": client, "form": form, "csrf_token": context.get("csrf_token")}
