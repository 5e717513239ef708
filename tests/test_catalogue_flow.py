"""/catalogue: a coordinator renames, hides and adds entries and opens pairs across schools;
other municipalities stay untouched, forged callbacks are refused, other roles are turned away."""

from __future__ import annotations

from handlers.catalogue.common import CatAdd, CatCross, CatEntry, CatList
from storage.catalogue.entries import EntryKind, add_entry, entries
from storage.models.enums import Role
from storage.pairing.cross_school import cross_school_allowed, schools_for_pairs
from tests.support.seed import add_person, build_tree

COORDINATOR = 7001
REGIONAL = 7002
CURATOR = 7003
NOT_IN_SCOPE = "This municipality is not in your scope."
NOT_IN_CATALOGUE = "This entry is not in the municipality's catalogue."


async def english(user) -> None:
    await user.send("/language")
    await user.click(user.last, text="English")


def alert(harness) -> str:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]


async def coordinator_of_salsk(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, COORDINATOR, "Петрова Ирина", Role.coordinator, tree.municipality_id, now)
    user = harness.client.user(COORDINATOR)
    await english(user)
    return tree, user


async def snapshot(database, municipality_id: int) -> list:
    async with database.reading() as s:
        return [
            await entries(s, municipality_id, kind, include_hidden=True) for kind in EntryKind
        ] + [await cross_school_allowed(s, municipality_id)]


async def test_a_municipal_coordinator_keeps_the_catalogue(harness, clock):
    tree, user = await coordinator_of_salsk(harness, clock)
    db = harness.app.database
    theirs_before = await snapshot(db, tree.other_municipality_id)

    await user.send("/catalogue")
    screen = user.last
    assert screen.text.startswith("Catalogue of mentoring: Сальский район")
    assert "Учитель – учитель" in screen.text and "Реверсивное" in screen.text
    assert screen.buttons[:6] == [
        "+ Form",
        "+ Role model",
        "+ Kind",
        "✎ Forms",
        "✎ Role models",
        "✎ Kinds",
    ]
    assert "◀ Other municipalities" not in screen.buttons

    # Rename a national form; a too short name is refused first.
    await user.click(screen, text="✎ Forms")
    await user.click(user.last, text="Учитель – учитель")
    await user.click(user.last, text="Rename")
    assert user.last.text.startswith("New name for «Учитель – учитель»?")
    await user.send("П")
    assert user.last.text.startswith("Expected 2 to 200 characters; this has 1.")
    await user.send("Учитель – ученик")
    assert user.last.text.startswith("There is already an entry with this name")
    await user.send("  Педагог –   педагог ")
    assert user.messages[-2].text == "Saved."
    assert "• Педагог – педагог" in user.last.text

    # Hide a kind.
    await user.click(user.last, text="✎ Kinds")
    await user.click(user.last, text="Реверсивное")
    await user.click(user.last, text="Hide")
    assert alert(harness) == "Hidden."
    assert "Hidden: not offered for new pairs" in user.last.text
    assert "Show" in user.last.buttons

    # Add a role model under «Ученик – ученик».
    await user.click(user.last, text="◀ Back")
    await user.click(user.last, text="◀ Back")
    assert "• Реверсивное (hidden)" in user.last.text
    await user.click(user.last, text="+ Role model")
    assert user.last.text == "Which form does the new role model belong to?"
    await user.click(user.last, text="Ученик – ученик")
    assert user.last.text.startswith("Name of the new role model for «Ученик – ученик»?")
    await user.send("Старшеклассник – пятиклассник")
    screen = user.last
    assert "• Старшеклассник – пятиклассник (added by the municipality)" in screen.text
    students = screen.text.index("\nУченик – ученик\n")
    assert screen.text.index("Старшеклассник") > students

    # Pairs across schools: on, then off again.
    await user.click(screen, text="▫️ Pairs across schools: off")
    assert "across schools of the municipality are allowed" in user.last.text
    async with db.reading() as s:
        assert await cross_school_allowed(s, tree.municipality_id)
        assert await schools_for_pairs(s, tree.school_id) == {tree.school_id, tree.other_school_id}
        assert await schools_for_pairs(s, tree.foreign_school_id) == {tree.foreign_school_id}
    await user.click(user.last, text="✅ Pairs across schools: on")
    async with db.reading() as s:
        assert not await cross_school_allowed(s, tree.municipality_id)
        assert await schools_for_pairs(s, tree.school_id) == {tree.school_id}

    forms, models, kinds, cross = await snapshot(db, tree.municipality_id)
    assert forms[0].name == "Педагог – педагог" and not forms[0].local
    assert [k.name for k in kinds if k.hidden] == ["Реверсивное"]
    added = [m for m in models if m.local]
    assert [(m.name, m.form_code) for m in added] == [
        ("Старшеклассник – пятиклассник", "student_student")
    ]
    assert cross is False
    assert await snapshot(db, tree.other_municipality_id) == theirs_before


async def test_forged_callbacks_of_another_municipality_change_nothing(harness, clock):
    tree, user = await coordinator_of_salsk(harness, clock)
    db = harness.app.database
    async with db.transaction() as s:
        azov_form = await add_entry(
            s, tree.other_municipality_id, EntryKind.form, "Студент – школьник", clock.now()
        )
        national = (await entries(s, tree.municipality_id, EntryKind.form))[0]
    ours_before = await snapshot(db, tree.municipality_id)
    theirs_before = await snapshot(db, tree.other_municipality_id)
    await user.send("/catalogue")
    screen = user.last
    salsk, azov = tree.municipality_id, tree.other_municipality_id

    forged = [
        (CatEntry(municipality_id=salsk, entry_id=azov_form.id, action="hide"), NOT_IN_CATALOGUE),
        (CatEntry(municipality_id=salsk, entry_id=azov_form.id, action="rename"), NOT_IN_CATALOGUE),
        (CatEntry(municipality_id=azov, entry_id=azov_form.id, action="hide"), NOT_IN_SCOPE),
        (CatEntry(municipality_id=azov, entry_id=national.id, action="hide"), NOT_IN_SCOPE),
        (CatAdd(municipality_id=azov, kind=EntryKind.form), NOT_IN_SCOPE),
        (
            CatAdd(municipality_id=salsk, kind=EntryKind.role_model, form_id=azov_form.id),
            NOT_IN_CATALOGUE,
        ),
        (CatCross(municipality_id=azov, allowed=True), NOT_IN_SCOPE),
        (CatList(municipality_id=azov, kind=EntryKind.form), NOT_IN_SCOPE),
    ]
    for data, refusal in forged:
        await user.press(screen, data=data.pack())
        assert alert(harness) == refusal, data
    # No name is awaited after a refused rename: free text is not taken as a name.
    await user.send("Новое имя")
    assert user.last.text == "I did not understand. Send /help to see what I can do."

    assert await snapshot(db, salsk) == ours_before
    assert await snapshot(db, azov) == theirs_before


async def test_a_curator_is_turned_away(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, CURATOR, "Абрамова Ольга", Role.curator, tree.school_id, now)
    curator = harness.client.user(CURATOR)
    await english(curator)
    before = await snapshot(db, tree.municipality_id)
    await curator.send("/catalogue")
    assert (
        curator.last.text == "This command is not available for your role. Send /help to see yours."
    )
    await curator.press(
        curator.last, data=CatCross(municipality_id=tree.municipality_id, allowed=True).pack()
    )
    assert alert(harness) == "This button is no longer active. Send /help to start again."
    assert await snapshot(db, tree.municipality_id) == before


async def test_a_regional_coordinator_chooses_the_municipality(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, REGIONAL, "Смирнов Олег", Role.coordinator, tree.region_id, now)
    user = harness.client.user(REGIONAL)
    await english(user)
    await user.send("/catalogue")
    assert user.last.text == "Which municipality's catalogue do you want to see?"
    assert user.last.buttons == ["Азовский район", "Сальский район"]
    await user.click(user.last, text="Азовский район")
    assert user.last.text.startswith("Catalogue of mentoring: Азовский район")
    await user.click(user.last, text="▫️ Pairs across schools: off")
    async with db.reading() as s:
        assert await cross_school_allowed(s, tree.other_municipality_id)
        assert not await cross_school_allowed(s, tree.municipality_id)
    await user.click(user.last, text="◀ Other municipalities")
    assert user.last.buttons == ["Азовский район", "Сальский район"]
