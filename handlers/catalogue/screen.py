"""The texts and keyboards of /catalogue: the whole catalogue, one section, one entry."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.catalogue.common import (
    CHOOSE,
    CatAdd,
    CatCross,
    CatEntry,
    CatList,
    CatOpen,
    button,
    kind_title,
    markup,
    short,
)
from handlers.ui.paging import paged
from storage.catalogue.entries import Entry, EntryKind, entries
from storage.models.orgs import Organization
from storage.pairing.cross_school import cross_school_allowed

TEXT_LIMIT = 4000  # Telegram refuses messages over 4096 characters


def _line(entry: Entry, indent: str = "") -> str:
    marks = []
    if entry.hidden:
        marks.append(_("hidden"))
    if entry.local:
        marks.append(_("added by the municipality"))
    suffix = f" <i>({', '.join(marks)})</i>" if marks else ""
    return f"{indent}• {escape(entry.name)}{suffix}"


async def catalogue_screen(
    session: AsyncSession, municipality: Organization, several: bool
) -> tuple[str, InlineKeyboardMarkup]:
    m_id = municipality.id
    forms = await entries(session, m_id, EntryKind.form, include_hidden=True)
    models = await entries(session, m_id, EntryKind.role_model, include_hidden=True)
    kinds = await entries(session, m_id, EntryKind.mentoring_kind, include_hidden=True)
    lines = [
        _("<b>Catalogue of mentoring: {municipality}</b>").format(
            municipality=escape(municipality.name)
        ),
        "",
        _("<b>Forms</b>"),
        *(_line(f) for f in forms),
        "",
        _("<b>Role models</b>"),
    ]
    form_names = {f.code: f.name for f in forms}
    for code in dict.fromkeys(
        [f.code for f in forms] + [m.form_code for m in models if m.form_code]
    ):
        under = [m for m in models if m.form_code == code]
        if under:
            lines.append(f"<i>{escape(form_names.get(code, code))}</i>")
            lines.extend(_line(m, "  ") for m in under)
    lines += ["", _("<b>Kinds of mentoring</b>"), *(_line(k) for k in kinds), ""]
    allowed = await cross_school_allowed(session, m_id)
    lines.append(
        _("Teacher–teacher pairs across schools of the municipality are allowed.")
        if allowed
        else _("Teacher–teacher pairs are formed inside one school.")
    )
    text = "\n".join(lines)
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT] + "…"
    rows = [
        [
            button(_("+ Form"), CatAdd(municipality_id=m_id, kind=EntryKind.form)),
            button(_("+ Role model"), CatAdd(municipality_id=m_id, kind=EntryKind.role_model)),
            button(_("+ Kind"), CatAdd(municipality_id=m_id, kind=EntryKind.mentoring_kind)),
        ],
        [
            button(_("✎ Forms"), CatList(municipality_id=m_id, kind=EntryKind.form)),
            button(_("✎ Role models"), CatList(municipality_id=m_id, kind=EntryKind.role_model)),
            button(_("✎ Kinds"), CatList(municipality_id=m_id, kind=EntryKind.mentoring_kind)),
        ],
        [
            button(
                _("✅ Pairs across schools: on") if allowed else _("▫️ Pairs across schools: off"),
                CatCross(municipality_id=m_id, allowed=not allowed),
            )
        ],
    ]
    if several:
        rows.append([button(_("◀ Other municipalities"), CatOpen(municipality_id=CHOOSE))])
    return text, markup(rows)


def choice_screen(found: list[Organization], page: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    rows = paged(
        [button(m.name, CatOpen(municipality_id=m.id)) for m in found],
        page,
        lambda p: CatOpen(municipality_id=CHOOSE, page=p),
    )
    return _("Which municipality's catalogue do you want to see?"), markup(rows)


async def section_screen(
    session: AsyncSession, municipality_id: int, kind: EntryKind
) -> tuple[str, InlineKeyboardMarkup]:
    found = await entries(session, municipality_id, kind, include_hidden=True)
    if kind == EntryKind.role_model:
        # Keep each form's models together, in the order the forms are listed.
        forms = await entries(session, municipality_id, EntryKind.form, include_hidden=True)
        order = {f.code: n for n, f in enumerate(forms)}
        found.sort(key=lambda e: order.get(e.form_code or "", len(order)))
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                ("🙈 " if e.hidden else "") + short(e.name),
                CatEntry(municipality_id=municipality_id, entry_id=e.id),
            )
        ]
        for e in found
    ]
    rows.append([button(_("◀ Back"), CatOpen(municipality_id=municipality_id))])
    prompt = {
        EntryKind.form: _("Which form do you want to change?"),
        EntryKind.role_model: _("Which role model do you want to change?"),
        EntryKind.mentoring_kind: _("Which kind of mentoring do you want to change?"),
    }[kind]
    return prompt, markup(rows)


def entry_screen(municipality_id: int, entry: Entry) -> tuple[str, InlineKeyboardMarkup]:
    ids = {"municipality_id": municipality_id, "entry_id": entry.id}
    status = (
        _("Hidden: not offered for new pairs; programmes that use it keep it.")
        if entry.hidden
        else _("Shown in the lists.")
    )
    text = f"<b>{escape(entry.name)}</b>\n{kind_title(entry.kind)}\n\n{status}"
    toggle = (
        button(_("Show"), CatEntry(**ids, action="show"))
        if entry.hidden
        else button(_("Hide"), CatEntry(**ids, action="hide"))
    )
    rows = [
        [button(_("Rename"), CatEntry(**ids, action="rename")), toggle],
        [button(_("◀ Back"), CatList(municipality_id=municipality_id, kind=entry.kind))],
    ]
    return text, markup(rows)


def forms_for_model(municipality_id: int, forms: list[Entry]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [
            button(
                short(f.name),
                CatAdd(municipality_id=municipality_id, kind=EntryKind.role_model, form_id=f.id),
            )
        ]
        for f in forms
    ]
    rows.append([button(_("◀ Back"), CatOpen(municipality_id=municipality_id))])
    return _("Which form does the new role model belong to?"), markup(rows)
