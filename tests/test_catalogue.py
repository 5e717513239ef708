"""The catalogue: seeded national entries, and a municipality's additions, renames and hides."""

from __future__ import annotations

from storage.catalogue.entries import EntryKind, add_entry, change_entry, entries, find_entry
from tests.support.seed import build_tree


async def test_the_national_catalogue_is_seeded_in_russian(database, clock):
    tree = await build_tree(database, clock.now())
    async with database.reading() as s:
        forms = await entries(s, tree.municipality_id, EntryKind.form)
        models = await entries(
            s, tree.municipality_id, EntryKind.role_model, form_code="student_student"
        )
        kinds = await entries(s, tree.municipality_id, EntryKind.mentoring_kind)
    assert [f.name for f in forms][:3] == [
        "Учитель – учитель",
        "Учитель – ученик",
        "Ученик – ученик",
    ]
    assert len(forms) == 5
    assert [m.name for m in models] == [
        "Успевающий – неуспевающий",
        "Лидер – пассивный",
        "Равный – равному",
    ]
    assert "Реверсивное" in [k.name for k in kinds]


async def test_a_municipality_renames_hides_and_adds_without_touching_others(database, clock):
    tree = await build_tree(database, clock.now())
    now = clock.now()
    async with database.transaction() as s:
        forms = await entries(s, tree.municipality_id, EntryKind.form)
        teacher = forms[0]
        renamed = await change_entry(
            s, tree.municipality_id, teacher.id, now, name="Педагог – педагог"
        )
        hidden = await change_entry(s, tree.municipality_id, forms[4].id, now, hidden=True)
        added = await add_entry(
            s,
            tree.municipality_id,
            EntryKind.role_model,
            "Студент – ученик",
            now,
            form_code="teacher_student",
        )
    assert renamed.id == teacher.id and renamed.name == "Педагог – педагог"
    assert hidden.hidden and added.local

    async with database.reading() as s:
        ours = await entries(s, tree.municipality_id, EntryKind.form)
        theirs = await entries(s, tree.other_municipality_id, EntryKind.form)
        all_ours = await entries(s, tree.municipality_id, EntryKind.form, include_hidden=True)
        their_models = await entries(s, tree.other_municipality_id, EntryKind.role_model)
        assert await find_entry(s, tree.other_municipality_id, added.id) is None
    assert ours[0].name == "Педагог – педагог" and len(ours) == 4 and len(all_ours) == 5
    assert theirs[0].name == "Учитель – учитель" and len(theirs) == 5
    assert "Студент – ученик" not in [m.name for m in their_models]

    async with database.transaction() as s:
        shown = await change_entry(s, tree.municipality_id, forms[4].id, now, hidden=False)
        again = await change_entry(
            s, tree.municipality_id, teacher.id, now, name="Наставник – педагог"
        )
    assert not shown.hidden and again.name == "Наставник – педагог"


async def test_another_municipality_cannot_change_a_local_entry(database, clock):
    tree = await build_tree(database, clock.now())
    async with database.transaction() as s:
        added = await add_entry(
            s, tree.municipality_id, EntryKind.mentoring_kind, "Сетевое", clock.now()
        )
        assert (
            await change_entry(s, tree.other_municipality_id, added.id, clock.now(), hidden=True)
            is None
        )
