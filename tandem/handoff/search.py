"""Leads in the search box (``core.search``): by their contact's name, e-mail or phone,
read through the contact's search indexes (``crm.querysets.contact_shapes``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tandem.core.search import Hit, SearchSource
from tandem.crm.querysets import contact_shapes, ranked_prefixes
from tandem.handoff.models import Lead
from tandem.people.models import User


def lead_hits(user: Any, text: str, limit: int) -> list[Hit]:
    fields, shapes = contact_shapes(text, path="contact__")
    # The rep's name in a query of its own: a join to people in each shape's query cost
    # PostgreSQL more time planning than a read of the few reps found.
    leads = Lead.objects.visible_to(user).select_related("contact")
    found = ranked_prefixes(leads, fields, shapes, limit)
    reps = User.objects.in_bulk({lead.rep_id for lead in found if lead.rep_id})
    return [
        Hit(
            str(lead.contact),
            reverse("handoff:lead", args=[lead.pk]),
            " · ".join(
                p
                for p in (
                    lead.get_stage_display(),
                    f"score {lead.score}",
                    f"with {reps[lead.rep_id]}" if lead.rep_id in reps else "not assigned",
                )
                if p
            ),
        )
        for lead in found
    ]


LEADS = SearchSource("leads", "Leads", 40, lead_hits)
