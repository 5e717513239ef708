"""How an import reads: why a file or a row is refused, the notes, and the dry run.

Rendered in the reader's language (the command line uses English); everything comes from
storage/registers as codes with parameters.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.registration.forms import MENTEE_FORM, MENTOR_FORM
from handlers.ui.labels import role_title
from storage.models.enums import Role
from storage.registers.plan import ImportPlan, Note, PlannedPair, PlannedPerson
from storage.registers.reading import MAX_BYTES, MAX_ROWS, FileProblem
from storage.registers.rows import Refusal, RowRef

TEXT_LIMIT = 3900  # Telegram refuses messages over 4096 characters
SHOWN = 8  # names shown of each list


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def file_problem(problem: FileProblem) -> str:
    p = problem.params
    texts = {
        "wrong_type": lambda: _(
            "This is not a register file ({suffix}): send the workbook as .xlsx or .csv."
        ).format(suffix=escape(str(p.get("suffix", "")))),
        "too_big": lambda: _(
            "The file is too large ({size} MB; at most {limit} MB). A school's registers take "
            "far less: save only the two registers and send them again."
        ).format(size=_megabytes(p["size"]), limit=_megabytes(p["limit"])),
        "old_excel": lambda: _(
            "This is an old .xls workbook or a password-protected one. Open it in Excel and "
            "save it as «Excel Workbook (.xlsx)» without a password."
        ),
        "not_xlsx": lambda: _(
            "The file cannot be read as an .xlsx workbook: it is damaged or of another kind."
        ),
        "not_csv": lambda: _(
            "The file cannot be read as CSV text: save it as «CSV UTF-8» or «CSV (разделители "
            "— точки с запятой)»."
        ),
        "bomb": lambda: _(
            "The workbook unpacks to far more than its size suggests; it is refused as unsafe."
        ),
        "macros": lambda: _(
            "The workbook contains macros; they are not accepted. Save it as an ordinary "
            "«Excel Workbook (.xlsx)»."
        ),
        "hostile": lambda: _("The workbook contains unsafe declarations; it is refused."),
        "formulas": lambda: _(
            "The register contains formulas. Copy the sheet and paste it as values only "
            "(Paste Special → Values), then send the file again."
        ),
        "too_many_rows": lambda: _(
            "The registers have too many rows ({rows}; at most {limit}). Send one school's "
            "registers at a time."
        ).format(rows=p["rows"], limit=p["limit"]),
        "not_downloaded": lambda: _(
            "Telegram did not hand the file over to the bot. Send it again, at most {limit} MB."
        ).format(limit=_megabytes(MAX_BYTES)),
        "no_register": lambda: _(
            "No register was found in the file. The header needs at least the name column "
            "(«ФИО наставника» or «ФИО наставляемого», or «Фамилия», «Имя», «Отчество») and "
            "the columns of the form, e.g. «Основные компетенции наставника» or «Год рождения "
            "наставляемого»."
        ),
    }
    return texts[problem.code]()


def limits_line() -> str:
    return _("At most {rows} rows and {size} MB.").format(rows=MAX_ROWS, size=_megabytes(MAX_BYTES))


def register_title(role: Role) -> str:
    return _("mentor register") if role == Role.mentor else _("mentee register")


def where(ref: RowRef) -> str:
    if ref.sheet:
        return _("«{sheet}», row {row}").format(sheet=escape(ref.sheet), row=ref.row)
    return _("row {row}").format(row=ref.row)


def refusal_text(refusal: Refusal) -> str:
    p: dict[str, Any] = refusal.params
    column = escape(str(p.get("column", "")))
    texts = {
        "no_name": lambda: _("no name"),
        "bad_name": lambda: _("«{value}» is not a name").format(value=escape(p["value"])),
        "bad_year": lambda: _(
            "the year of birth {value} does not fit (age {low}–{high} expected)"
        ).format(value=escape(str(p["value"])), low=p.get("low", 6), high=p.get("high", 80)),
        "bad_date": lambda: _("«{column}»: «{value}» is not a date").format(
            column=column, value=escape(str(p["value"]))
        ),
        "bad_number": lambda: _(
            "«{column}»: «{value}» is not a number from {low} to {high}"
        ).format(column=column, value=escape(str(p["value"])), low=p["low"], high=p["high"]),
        "bad_length": lambda: _("«{column}»: {length} characters, {low} to {high} expected").format(
            column=column, length=p["length"], low=p["low"], high=p["high"]
        ),
        "bad_category": lambda: _(
            "«{column}»: unknown category «{value}»; expected: {expected}"
        ).format(column=column, value=escape(str(p["value"])), expected=escape(p["expected"])),
        "young_experience": lambda: _(
            "a young teacher has at most 3 years of experience, not {value}"
        ).format(value=p["value"]),
        "dates_order": lambda: _("the programme ends before it starts"),
        "ambiguous": lambda: ngettext(
            "the school has {count} person with this name and nothing to tell them apart: add "
            "the year of birth or the workplace",
            "the school has {count} people with this name and nothing to tell them apart: add "
            "the year of birth or the workplace",
            p["count"],
        ).format(count=p["count"]),
        "same_person": lambda: _(
            "the same person as row {row}, with a different year of birth or workplace"
        ).format(row=p["row"]),
    }
    return texts[refusal.code]()


def note_text(note: Note) -> str:
    p = note.params
    names = escape(", ".join(p.get("names", [])))
    texts = {
        "differs": lambda: _(
            "repeats the person of row {row} with another «{field}»; row {row} is kept"
        ).format(row=p["row"], field=escape(p["field"])),
        "link_unknown": lambda: _(
            "«{name}» is in neither register nor the school: no pair is planned"
        ).format(name=escape(p["name"])),
        "link_ambiguous": lambda: _(
            "«{name}» may be several people: no pair is planned; give the full name or the "
            "workplace"
        ).format(name=escape(p["name"])),
        "pair_over": lambda: _("the programme of {names} is over: not formed again").format(
            names=names
        ),
        "form_unknown": lambda: _(
            "the form «{form}» of {names} is not in the catalogue: form the pair with /pair"
        ).format(form=escape(p["form"]), names=names),
    }
    text = texts[note.code]()
    return f"{where(note.ref)}: {text}" if note.ref else text


def field_label(key: str) -> str:
    """A register field as the registration forms name it, in the reader's language."""
    for form in (MENTOR_FORM, MENTEE_FORM):
        for field in form.fields:
            if field.key == key:
                return str(field.label)
    return key


def _person_line(person: PlannedPerson) -> str:
    first = person.first
    second = first.birth_year or first.fields.get("workplace") or first.fields.get("class_label")
    line = f"• {escape(person.full_name)}"
    if second:
        line += f", {escape(str(second))}"
    return f"{line} — {role_title(person.role)}"


def _matched_line(person: PlannedPerson) -> str:
    known = person.match
    assert known is not None
    if known.entry_id is None:
        state = _("registered")
    elif known.pending:
        state = _("imported earlier, not joined yet")
    else:
        state = _("joined")
    line = f"{_person_line(person)} ({state})"
    if person.changes:
        fields = ", ".join(field_label(key) for key in sorted(person.changes))
        line += ": " + _("changes {fields}").format(fields=escape(fields))
    return line


def _pair_line(pair: PlannedPair) -> str:
    mentors = ", ".join(p.full_name for p in pair.mentors)
    mentees = ", ".join(p.full_name for p in pair.mentees)
    kind = _("group") if pair.is_group else _("pair")
    return f"• {escape(mentors)} → {escape(mentees)} ({kind}, {escape(pair.form_name)})"


def _more(count: int) -> str:
    return _("… and {n} more").format(n=count)


def _section(lines: list[str], items: list[str], limit: int = SHOWN) -> None:
    lines.extend(items[:limit])
    if len(items) > limit:
        lines.append(_more(len(items) - limit))


def dry_run_text(plan: ImportPlan, file_name: str, school: str) -> str:
    lines = [
        "<b>"
        + _("Dry run: «{file}» into «{school}»").format(
            file=escape(file_name), school=escape(school)
        )
        + "</b>"
    ]
    for sheet, role, rows in plan.registers:
        read = ngettext("{rows} row", "{rows} rows", rows).format(rows=rows)
        lines.append(f"{escape(sheet) or '—'}: {register_title(role)}, {read}")
    new = plan.new
    lines += [
        "",
        "<b>" + _("New people: {n}").format(n=len(new)) + "</b>",
    ]
    _section(lines, [_person_line(p) for p in new])
    matched = plan.matched
    lines += [
        "",
        "<b>"
        + _("Already in the school: {n}, changed {changed}").format(
            n=len(matched), changed=len(plan.changed)
        )
        + "</b>",
    ]
    _section(lines, [_matched_line(p) for p in sorted(matched, key=lambda p: not p.changes)])
    fresh = plan.new_pairs
    lines += [
        "",
        "<b>"
        + _("Pairs and groups found: {n}, new {new}").format(n=len(plan.pairs), new=len(fresh))
        + "</b>",
    ]
    _section(lines, [_pair_line(p) for p in fresh], 5)
    if fresh:
        lines.append(
            _("Each is proposed once its members have joined; it starts when they accept.")
        )
    refused = plan.refused
    if refused:
        lines += [
            "",
            "<b>" + _("Rows refused: {n}").format(n=plan.refused_rows) + "</b>",
        ]
        _section(lines, [f"• {where(r.ref)}: {refusal_text(r)}" for r in refused], 15)
    if plan.notes:
        lines += ["", "<b>" + _("Notes") + "</b>"]
        _section(lines, [f"• {note_text(n)}" for n in plan.notes], 5)
    lines.append("")
    if plan.changes_anything:
        lines.append(_("Nothing is saved yet. Apply the import?"))
    else:
        lines.append(_("Nothing to change: the school already has everything the file holds."))
    return fit(lines)


def fit(lines: list[str]) -> str:
    """The lines, shortened from the middle of the longest lists to stay under the limit."""
    text = "\n".join(lines)
    while len(text) > TEXT_LIMIT and len(lines) > 2:
        longest = max(range(1, len(lines) - 1), key=lambda i: len(lines[i]))
        lines = [*lines[:longest], *lines[longest + 1 :]]
        text = "\n".join(lines)
    return text


def applied_text(plan: ImportPlan, school: str) -> str:
    new, changed, pairs = len(plan.new), len(plan.changed), len(plan.new_pairs)
    return "\n".join(
        [
            _("Imported into «{school}».").format(school=escape(school)),
            ngettext(
                "{n} new person, each with a personal invitation valid for 30 days.",
                "{n} new people, each with a personal invitation valid for 30 days.",
                new,
            ).format(n=new),
            ngettext("{n} person updated.", "{n} people updated.", changed).format(n=changed),
            _("Pairs and groups planned: {n}.").format(n=pairs),
        ]
    )
