"""Every string a person reads is in both catalogues, translated, with its placeholders intact."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, build_i18n, compile_catalogues

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\(?\w*\)?[sd]")
TAG = re.compile(r"</?[a-z]+>")


def load(locale: str):
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def makefile_keywords() -> list[str]:
    """The `-k` options of `make locales`, so this test extracts exactly what it does."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    command = next(line for line in makefile.splitlines() if "pybabel extract" in line)
    return [arg for keyword in re.findall(r"-k\s+(\S+)", command) for arg in ("-k", keyword)]


def extract(tmp_path: Path):
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            *makefile_keywords(),
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def extracted_ids(tmp_path: Path) -> set[str]:
    return {m.id for m in extract(tmp_path) if m.id}


def test_catalogues_hold_every_string_in_the_code(tmp_path: Path):
    in_code = extracted_ids(tmp_path)
    assert in_code, "extraction found no strings at all"
    for locale in ("ru", "en"):
        in_catalogue = {m.id for m in load(locale) if m.id}
        missing = sorted(in_code - in_catalogue)
        assert not missing, f"run `make locales` and translate; missing in {locale}: {missing}"


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_no_entry_is_fuzzy_or_obsolete(locale: str):
    catalogue = load(locale)
    assert not [m.id for m in catalogue if m.id and m.fuzzy]
    assert not list(catalogue.obsolete)


def test_every_russian_entry_is_translated_with_the_same_placeholders_and_tags():
    problems = []
    for message in load("ru"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        for translated in strings:
            for pattern in (PLACEHOLDER, TAG):
                if sorted(pattern.findall(ids[0])) != sorted(pattern.findall(translated)):
                    problems.append(f"{pattern.pattern} differ: {ids[0]!r} -> {translated!r}")
    assert not problems, "\n".join(problems)


def test_english_entries_either_fall_back_to_the_source_or_keep_placeholders():
    for message in load("en"):
        if not message.id:
            continue
        # Plural entries carry a tuple of forms on both sides.
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for translated in filter(None, strings):
            assert sorted(PLACEHOLDER.findall(ids[0])) == sorted(PLACEHOLDER.findall(translated)), (
                ids[0]
            )


def test_compiled_catalogues_translate(tmp_path: Path):
    i18n = build_i18n("ru")
    assert compile_catalogues() == [], "a second compile of unchanged catalogues writes nothing"
    assert i18n.gettext("✖ Cancel", locale="ru") == "✖ Отмена"
    assert i18n.gettext("✖ Cancel", locale="en") == "✖ Cancel"


def test_a_half_written_catalogue_is_never_loaded(tmp_path: Path):
    po_dir = tmp_path / "ru" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "messages.po").write_bytes((LOCALES_DIR / "ru/LC_MESSAGES/messages.po").read_bytes())
    assert compile_catalogues(tmp_path) == [po_dir / "messages.mo"]
    assert not list(po_dir.glob("*.tmp")), "temporary files are renamed into place"
    with (po_dir / "messages.mo").open("rb") as handle:
        assert handle.read(4) in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")


def test_no_translated_call_hides_inside_an_f_string():
    """Babel's extractor skips f-strings, so `f"{_('x')}"` silently stays English."""
    offenders = []
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"""\bf["'].*\{_{1,2}\(""", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, offenders
