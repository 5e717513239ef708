"""Pickers of organisations show a page at a time: a regional administrator reaches the
45th school, and the pager itself clamps stale pages and hides itself for one page."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton
from sqlalchemy import select

from bot.i18n import build_i18n
from handlers.invitations import InviteRole
from handlers.ui.paging import PAGE_SIZE, page_count, paged
from storage.models.enums import Role
from storage.models.orgs import Invitation, Organization
from tests.conftest import ADMIN_ID
from tests.support.seed import add_person, add_role, region_with_schools
from tests.test_onboarding import english


def test_pages_clamp_and_the_pager_hides_itself_for_one_page():
    i18n = build_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        check_pages()


def check_pages() -> None:
    buttons = [InlineKeyboardButton(text=str(n), callback_data=f"x:{n}") for n in range(45)]

    def turn(page: int) -> InviteRole:
        return InviteRole(role=Role.curator, page=page)

    assert page_count(45) == 3 and page_count(0) == 1 and page_count(PAGE_SIZE) == 1
    first = paged(buttons, 0, turn)
    assert [row[0].text for row in first[:-1]] == [str(n) for n in range(20)]
    assert [b.text for b in first[-1]] == ["1 of 3", "▶"]
    last = paged(buttons, 99, turn)  # a stale page: the nearest
    assert [row[0].text for row in last[:-1]] == [str(n) for n in range(40, 45)]
    assert [b.text for b in last[-1]] == ["◀", "3 of 3"]
    assert last[-1][0].callback_data == turn(1).pack()
    assert paged(buttons[:3], 0, turn) == [[b] for b in buttons[:3]]


async def test_an_administrator_invites_a_curator_into_the_45th_school(harness, clock):
    names = [f"Школа № {n:02d}" for n in range(1, 46)]
    await region_with_schools(harness.app.database, clock.now(), [names])
    admin = harness.client.user(ADMIN_ID)
    await english(admin)
    await admin.send("/invite")
    await admin.click(admin.last, text="Invite a curator")
    screen = admin.last
    assert screen.buttons[:2] == ["Школа № 01", "Школа № 02"]
    assert screen.button_rows[-1] == ["1 of 3", "▶"]
    assert "Школа № 45" not in screen.buttons
    await admin.click(screen, text="▶")
    await admin.click(admin.last, text="▶")
    await admin.click(admin.last, text="3 of 3")  # the page shown again: nothing breaks
    assert admin.last.button_rows[-1] == ["◀", "3 of 3"]
    await admin.click(admin.last, text="Школа № 45")
    await admin.click(admin.last, text="1")
    assert "?start=" in admin.last.text
    async with harness.app.database.reading() as s:
        invitation = (await s.scalars(select(Invitation))).one()
        school = await s.get(Organization, invitation.organization_id)
    assert school.name == "Школа № 45" and invitation.role == Role.curator.value


async def test_a_curator_of_many_schools_pages_to_the_one_to_export(harness, clock):
    [(_district, schools)] = await region_with_schools(
        harness.app.database, clock.now(), [[f"Школа № {n:02d}" for n in range(1, 26)]]
    )
    person = await add_person(
        harness.app.database, 77, "Куратор Многих", Role.curator, schools[0], clock.now()
    )
    async with harness.app.database.transaction() as s:
        for school in schools[1:]:
            await add_role(s, person, Role.curator, school, clock.now())
    curator = harness.client.user(77)
    await english(curator)
    await curator.send("/export")
    assert curator.last.text == "Which organisation?"
    assert curator.last.button_rows[-1] == ["1 of 2", "▶"]
    assert "Школа № 25" not in curator.last.buttons
    await curator.click(curator.last, text="▶")
    assert curator.last.buttons[:5] == [f"Школа № {n}" for n in range(21, 26)]
    await curator.click(curator.last, text="Школа № 25")
    assert curator.last.kind == "document" and curator.last.file_name.endswith(".xlsx")
