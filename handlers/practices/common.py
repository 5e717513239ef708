"""What the /practices modules share: callback data, the actor's scope in the bank, the card.

Every id that comes back (a school, a municipality, a case) is checked against `BankScope`,
computed afresh from the actor's active roles, so a forged callback with another school's
case is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.programmes.common import show_date
from storage import practices
from storage.catalogue.entries import find_entry
from storage.models.community import Practice
from storage.models.enums import OrgLevel, Role
from storage.models.orgs import Organization
from storage.orgs.scope import descendants
from storage.people.actor import Actor
from storage.programmes.content import member_names

PAGE = 8
SCHOOL_BANK, MUNICIPAL_BANK, MINE, REVIEW, PROMOTE = "s", "m", "mine", "review", "promote"
# The questions a pair works on, as seed 001 (§5.3) lists them.
TOPICS = {
    "subject": __("subject content"),
    "methods": __("teaching methods"),
    "upbringing": __("upbringing"),
    "lessons": __("lessons and activities outside them"),
    "support": __("psychological and pedagogical support"),
    "parents": __("work with parents"),
    "additional": __("additional education"),
    "other": __("other"),
}


class PrMenu(CallbackData, prefix="pr_m"):
    pass


class PrList(CallbackData, prefix="pr_l"):
    bank: str  # s, m, mine, review, promote
    org: int = 0  # the school (s) or the municipality (m)
    form: int = 0
    topic: str = ""
    page: int = 0


class PrFilter(CallbackData, prefix="pr_f"):
    bank: str
    org: int
    what: str  # form | topic
    form: int = 0
    topic: str = ""


class PrOpen(CallbackData, prefix="pr_o"):
    practice_id: int
    bank: str = ""  # where "◀ Back" returns
    org: int = 0


class PrAct(CallbackData, prefix="pr_c"):  # "pr_a" is the pair invitation's
    practice_id: int
    action: str  # files, approve, return, promote, resubmit


class PrExport(CallbackData, prefix="pr_x"):
    bank: str
    org: int
    form: int = 0
    topic: str = ""


def button(label: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=data.pack())


def markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


def short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def topic_title(code: str | None) -> str:
    return str(TOPICS[code]) if code in TOPICS else "—"


def status_title(status: str) -> str:
    return {
        practices.SUBMITTED: _("awaiting the curator"),
        practices.SCHOOL: _("in the school's bank"),
        practices.MUNICIPAL: _("in the municipal bank"),
        practices.RETURNED: _("returned to the author"),
    }[status]


@dataclass(frozen=True)
class BankScope:
    """Where the actor reads and acts in the bank, from their active roles."""

    member_schools: frozenset[int]  # any role in the school
    submit_schools: frozenset[int]  # mentor or curator: may submit a case there
    curated: frozenset[int]
    coordinated_schools: frozenset[int]
    municipalities: frozenset[int]  # municipal banks the actor reads

    def school_banks(self) -> frozenset[int]:
        return self.member_schools | self.coordinated_schools

    def sees(self, practice: Practice, person_id: int, municipality_id: int | None) -> bool:
        if practice.author_id == person_id or practice.school_id in self.curated:
            return True
        if practice.status in practices.APPROVED and practice.school_id in self.school_banks():
            return True
        return practice.status == practices.MUNICIPAL and municipality_id in self.municipalities


async def bank_scope(session: AsyncSession, actor: Actor) -> BankScope:
    member = actor.org_ids(Role.mentor, Role.mentee, Role.curator)
    coordinated = await descendants(session, actor.org_ids(Role.coordinator))
    levels: dict[int, tuple[str, int | None]] = {}
    if member | coordinated:
        rows = await session.execute(
            select(Organization.id, Organization.level, Organization.parent_id).where(
                Organization.id.in_(member | coordinated)
            )
        )
        levels = {org_id: (level, parent) for org_id, level, parent in rows.all()}
    schools_below = {i for i in coordinated if levels.get(i, ("",))[0] == OrgLevel.school}
    municipalities = {i for i in coordinated if levels.get(i, ("",))[0] == OrgLevel.municipality}
    municipalities |= {levels[i][1] for i in member if i in levels and levels[i][1] is not None}
    return BankScope(
        member_schools=frozenset(member),
        submit_schools=frozenset(actor.org_ids(Role.mentor, Role.curator)),
        curated=frozenset(actor.org_ids(Role.curator)),
        coordinated_schools=frozenset(schools_below),
        municipalities=frozenset(municipalities),
    )


async def listing_for(
    session: AsyncSession, scope: BankScope, actor: Actor, data: PrList | PrFilter | PrExport
) -> practices.Listing | None:
    """What a list screen shows, or None when its school or municipality is not the actor's."""
    form = data.form or None
    topic = data.topic or None
    if data.bank == SCHOOL_BANK:
        if data.org not in scope.school_banks():
            return None
        return practices.Listing(frozenset({data.org}), practices.APPROVED, form, topic)
    if data.bank == MUNICIPAL_BANK:
        if data.org not in scope.municipalities:
            return None
        schools = await practices.schools_of(session, {data.org})
        return practices.Listing(frozenset(schools), (practices.MUNICIPAL,), form, topic)
    if data.bank == MINE:
        everywhere = scope.submit_schools | scope.member_schools
        return practices.Listing(
            frozenset(everywhere), practices.STATUSES, form, topic, actor.person_id
        )
    if data.bank == REVIEW:
        return practices.Listing(scope.curated, (practices.SUBMITTED,), form, topic)
    if data.bank == PROMOTE:
        return practices.Listing(scope.coordinated_schools, (practices.SCHOOL,), form, topic)
    return None


async def org_name(session: AsyncSession, org_id: int) -> str:
    org = await session.get(Organization, org_id)
    return org.name if org else "—"


async def form_name(session: AsyncSession, school_id: int, form_id: int | None) -> str:
    if form_id is None:
        return "—"
    municipality_id = await practices.municipality_of(session, school_id)
    entry = await find_entry(session, municipality_id or 0, form_id) if municipality_id else None
    return entry.name if entry else "—"


async def pair_title(session: AsyncSession, programme_id: int | None) -> str | None:
    """Members' names, mentors first; people who erased their data are left out."""
    if programme_id is None:
        return None
    members = (await member_names(session, [programme_id])).get(programme_id, [])
    mentors = [name for role, name in members if role == "mentor" and name]
    mentees = [name for role, name in members if role == "mentee" and name]
    if not mentors and not mentees:
        return None
    return f"{', '.join(mentors) or '—'} — {', '.join(mentees) or '—'}"


async def card_text(session: AsyncSession, practice: Practice) -> str:
    names = await practices.names(session, {practice.author_id} - {None})
    author = names.get(practice.author_id) if practice.author_id else None
    lines = [
        f"<b>{escape(practice.title)}</b>",
        _("School: {school}").format(school=escape(await org_name(session, practice.school_id))),
        _("Form of mentoring: {form}").format(
            form=escape(await form_name(session, practice.school_id, practice.form_id))
        ),
        _("Topic: {topic}").format(topic=topic_title(practice.topic)),
    ]
    pair = await pair_title(session, practice.programme_id)
    if pair:
        lines.append(_("Pair: {pair}").format(pair=escape(pair)))
    lines.append(_("Author: {author}").format(author=escape(author or "—")))
    lines.append(
        _("Status: {status} (submitted {date})").format(
            status=status_title(practice.status), date=show_date(practice.created_at.date())
        )
    )
    lines += ["", escape(practice.description)]
    if practice.links:
        lines += ["", _("Links:"), *(escape(link) for link in practice.links)]
    if practice.files:
        lines += ["", _("Files: {count}").format(count=len(practice.files))]
    if practice.status == practices.RETURNED and practice.review_note:
        lines += ["", _("Curator's note: {note}").format(note=escape(practice.review_note))]
    return "\n".join(lines)
