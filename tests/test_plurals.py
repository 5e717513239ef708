"""Russian plurals. Every plural message of the catalogues renders, for 1, 2, 5, 11, 21, 22,
25 and 111, the form the Russian rule asks for (and the English one), its placeholders
intact; the forms are the words of one paradigm in the right order; no singular Russian
entry puts a noun after a number; and the documents' own rule (report_text_ru) agrees."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from bot.i18n import build_i18n
from handlers.reports.documents.text_ru import count_ru, plural_ru
from tests.test_catalogues import extract, load

NUMBERS = (1, 2, 5, 11, 21, 22, 25, 111)
# The Russian rule written out rather than computed: 1 and 21 take form 0 (балл),
# 2 and 22 form 1 (балла), 5, 11, 25 and 111 form 2 (баллов).
RUSSIAN_FORM = {1: 0, 21: 0, 2: 1, 22: 1, 5: 2, 11: 2, 25: 2, 111: 2}
RU_PLURAL_FORMS = (
    "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"
)
# The words that change with the number, as (form 0, form 1, form 2): the nominative after
# the number, or the case its preposition asks for («до 21 символа», «по 3 ответившим»).
PARADIGMS = {
    ("балл", "балла", "баллов"),
    ("день", "дня", "дней"),
    ("год", "года", "лет"),
    ("месяц", "месяца", "месяцев"),
    ("остался", "осталось", "осталось"),
    ("символа", "символов", "символов"),
    ("файла", "файлов", "файлов"),
    ("ссылки", "ссылок", "ссылок"),
    ("фотографии", "фотографий", "фотографий"),
    ("ответа", "ответов", "ответов"),
    ("ответившему", "ответившим", "ответившим"),
    ("муниципалитета", "муниципалитетов", "муниципалитетов"),
    ("ожидаемого", "ожидаемых", "ожидаемых"),
    ("внёсшей", "внёсших", "внёсших"),
    ("наставник", "наставника", "наставников"),
    ("человек", "человека", "человек"),
    ("ответит", "ответят", "ответят"),
    ("час", "часа", "часов"),
    ("организацию", "организации", "организаций"),
    ("напоминание", "напоминания", "напоминаний"),
    ("объявление", "объявления", "объявлений"),
    ("строка", "строки", "строк"),
    ("человека", "человек", "человек"),  # the genitive: «данные 2 человек»
    ("открывшему", "открывшим", "открывшим"),
    # Adjectives and participles beside the noun: with 2–4 a masculine or neuter one takes
    # the genitive plural, a feminine one the nominative; a verb agrees in number.
    ("подведомственную", "подведомственные", "подведомственных"),
    ("ожидающее", "ожидающих", "ожидающих"),
    ("ожидающее", "ожидающие", "ожидающих"),
    ("запланированное", "запланированных", "запланированных"),
    ("отправится", "отправятся", "отправятся"),
    ("сохраняет", "сохраняют", "сохраняют"),
    ("сдвигается", "сдвигаются", "сдвигаются"),
    ("отправляется", "отправляются", "отправляются"),
    ("новый", "новых", "новых"),
    ("получил", "получили", "получили"),
    ("личное", "личные", "личные"),
    ("приглашение", "приглашения", "приглашения"),
}
NAME = re.compile(r"\{(\w+)(?::[^}]*)?\}")
# Placeholders that carry a number, and the words that may follow one without agreeing.
NUMERIC = {
    "answered", "count", "days", "expected", "files", "k", "links", "max", "min", "minutes",
    "n", "score", "shown", "total", "units", "uses",
}  # fmt: skip
NOT_A_NOUN = {"из", "по", "до", "и", "при", "мин"}


def plurals(locale: str) -> list:
    return [m for m in load(locale) if m.id and isinstance(m.id, tuple)]


def test_the_headers_give_three_russian_forms_and_two_english():
    ru, en = load("ru"), load("en")
    assert ru.num_plurals == 3 and ru.plural_expr == RU_PLURAL_FORMS
    assert en.num_plurals == 2 and en.plural_expr == "(n != 1)"


def test_the_code_asks_for_plurals_and_the_catalogues_hold_them(tmp_path: Path):
    in_code = {m.id for m in extract(tmp_path) if isinstance(m.id, tuple)}
    assert len(in_code) >= 30, "number + noun goes through ngettext"
    for locale in ("ru", "en"):
        assert {m.id for m in plurals(locale)} == in_code, locale


@pytest.mark.parametrize("n", NUMBERS)
def test_every_plural_message_renders_the_right_form_in_both_languages(n: int):
    i18n = build_i18n("ru")
    for message in plurals("ru"):
        singular, plural = message.id
        rendered = i18n.gettext(singular, plural, n, locale="ru")
        assert rendered == message.string[RUSSIAN_FORM[n]], (n, singular)
        english = i18n.gettext(singular, plural, n, locale="en")
        assert english == (singular if n == 1 else plural), (n, singular)
        for text in (rendered, english):
            assert sorted(NAME.findall(text)) == sorted(NAME.findall(singular)), text
            filled = text.format(**{name: n for name in NAME.findall(text)})
            assert "{" not in filled and str(n) in filled


def test_the_russian_forms_are_one_paradigm_in_its_order():
    problems = []
    for message in plurals("ru"):
        forms = [re.findall(r"[\w{}]+", form) for form in message.string]
        if len({len(words) for words in forms}) != 1:
            problems.append(f"forms differ in length: {message.string}")
            continue
        changed = [words for words in zip(*forms, strict=True) if len(set(words)) > 1]
        if not changed:
            problems.append(f"the same words in every form: {message.id[0]!r}")
        problems += [f"{words} in {message.id[0]!r}" for words in changed if words not in PARADIGMS]
    assert not problems, "\n".join(problems)


def test_no_singular_russian_entry_puts_a_noun_after_a_number():
    number_then_word = re.compile(r"\{(\w+)\}(?:</?\w+>)*\s+([а-яё]+)")
    offenders = [
        message.string
        for message in load("ru")
        if message.id and not isinstance(message.id, tuple)
        for name, word in number_then_word.findall(message.string)
        if name in NUMERIC and word not in NOT_A_NOUN
    ]
    assert not offenders, "use ngettext:\n" + "\n".join(offenders)


def test_the_documents_follow_the_same_rule():
    forms = ("балл", "балла", "баллов")
    for n in NUMBERS:
        assert plural_ru(n, *forms) == forms[RUSSIAN_FORM[n]], n
    assert count_ru(0, *forms) == "0 баллов"
    assert count_ru(1_021, *forms) == "1\u00a0021 балл"
    assert count_ru(Decimal("2.5"), "встреча", "встречи", "встреч") == "2,5 встречи"
