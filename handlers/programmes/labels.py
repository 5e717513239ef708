"""Names of the programme's stages, fields and plan item statuses as people read them."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

ITEM_MARKS = {"done": "✅", "planned": "⏳", "cancelled": "✖"}


def stage_title(stage: str) -> str:
    return {
        "preparatory": _("preparatory"),
        "design": _("design"),
        "implementation": _("implementation"),
        "reflective": _("reflective-analytical"),
        "results": _("results"),
    }.get(stage, stage)


def response_title(response: str) -> str:
    return {"pending": _("has not answered yet"), "declined": _("declined")}.get(response, "")


def field_title(field: str) -> str:
    return {
        "goals": _("Goals"),
        "tasks": _("Tasks"),
        "intermediate_results": _("Intermediate results"),
        "planned_results": _("Planned results"),
    }[field]


def item_status_title(status: str) -> str:
    return {"planned": _("planned"), "done": _("done"), "cancelled": _("cancelled")}[status]
