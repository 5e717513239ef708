"""The registration forms: the fields of the official registers (seed 001, appendix 3)."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from handlers.forms.fields import Choice, Field, Form, birth_year, integer, person_name, text
from storage.models.enums import MenteeCategory, MentorCategory, Role

FULL_NAME = Field(
    "full_name",
    __("Full name"),
    __("Please enter your surname, first name and patronymic, e.g. Иванова Мария Петровна."),
    parse=person_name,
)


def _is(key: str, *values: str):
    return lambda answers: answers.get(key) in values


TEACHER_DIFFICULTIES = (
    Choice("lesson_planning", __("Planning lessons")),
    Choice("classroom", __("Discipline and classroom management")),
    Choice("parents", __("Working with parents")),
    Choice("assessment", __("Assessment and marking")),
    Choice("paperwork", __("School documentation")),
    Choice("colleagues", __("Working with colleagues")),
    Choice("special_needs", __("Children with special educational needs")),
    Choice("digital", __("Digital tools in teaching")),
    Choice("exams", __("Preparing pupils for ОГЭ/ЕГЭ")),
)
STUDENT_DIFFICULTIES = (
    Choice("subjects", __("Learning particular subjects")),
    Choice("motivation", __("Motivation to study")),
    Choice("peers", __("Relations with classmates")),
    Choice("career", __("Choosing a profession")),
    Choice("olympiads", __("Olympiads and projects")),
    Choice("adaptation", __("Settling into a new class or school")),
)
FORMS_OF_MENTORING = (
    Choice("teacher_teacher", __("teacher – teacher")),
    Choice("teacher_student", __("teacher – student")),
    Choice("student_student", __("student – student")),
    Choice("partner_teacher", __("employer (social partner) – teacher")),
    Choice("head_teacher", __("head of school – teacher")),
)

STAFF_FORM = Form("registration_staff", (FULL_NAME,))

MENTOR_FORM = Form(
    "registration_mentor",
    (
        FULL_NAME,
        Field(
            "category",
            __("Who you are"),
            __("You will be a mentor as:"),
            choices=(
                Choice(MentorCategory.teacher, __("a teacher")),
                Choice(MentorCategory.student, __("a student (15–18 years old)")),
                Choice(MentorCategory.partner, __("an outside partner (employer, university)")),
            ),
        ),
        Field(
            "grade",
            __("Grade"),
            __("Which grade are you in? (8–11)"),
            parse=integer(8, 11),
            when=_is("category", MentorCategory.student),
        ),
        Field(
            "birth_year",
            __("Year of birth"),
            __("Your year of birth?"),
            parse=birth_year(13, 20),
            when=_is("category", MentorCategory.student),
        ),
        Field(
            "workplace",
            __("Workplace"),
            __("Where do you work? (organisation)"),
            parse=text(2, 300),
            when=_is("category", MentorCategory.teacher, MentorCategory.partner),
        ),
        Field(
            "position",
            __("Position"),
            __("Your position?"),
            parse=text(2, 200),
            when=_is("category", MentorCategory.teacher, MentorCategory.partner),
        ),
        Field(
            "subjects",
            __("Subjects"),
            __("Which subjects do you teach or know best?"),
            parse=text(2, 300),
            optional=True,
        ),
        Field(
            "experience_years",
            __("Teaching experience, years"),
            __("How many years of teaching experience do you have? (0–60)"),
            parse=integer(0, 60),
            when=_is("category", MentorCategory.teacher),
        ),
        Field(
            "competencies",
            __("Main competencies"),
            __("Your main competencies: what can you teach or help with?"),
            parse=text(3, 1000),
        ),
        Field(
            "achievements",
            __("Achievements"),
            __("Achievements that matter for mentoring (awards, contests, methods)."),
            parse=text(3, 1000),
            optional=True,
        ),
        Field(
            "interests",
            __("Interests"),
            __("Your interests and hobbies."),
            parse=text(3, 500),
            optional=True,
        ),
        Field(
            "desired_mentee_age",
            __("Desired age of mentees"),
            __("Which age of mentees would you prefer? For example: 12–14 years, young teachers."),
            parse=text(2, 100),
            optional=True,
        ),
        Field(
            "hours_per_month",
            __("Hours a month"),
            __("How many hours a month can you give to mentoring? (1–100)"),
            parse=integer(1, 100),
        ),
        Field(
            "max_mentees",
            __("Mentees at most"),
            __("How many mentees can you take at most? (1–30)"),
            parse=integer(1, 30),
        ),
    ),
)

MENTEE_FORM = Form(
    "registration_mentee",
    (
        FULL_NAME,
        Field(
            "category",
            __("Category"),
            __("You take part as:"),
            choices=(
                Choice(
                    MenteeCategory.young_teacher, __("a young teacher (0–3 years of experience)")
                ),
                Choice(MenteeCategory.teacher, __("a teacher")),
                Choice(MenteeCategory.student, __("a student")),
            ),
        ),
        Field(
            "grade",
            __("Grade"),
            __("Which grade are you in? (1–11)"),
            parse=integer(1, 11),
            when=_is("category", MenteeCategory.student),
        ),
        Field(
            "birth_year",
            __("Year of birth"),
            __("Your year of birth?"),
            parse=birth_year(6, 19),
            when=_is("category", MenteeCategory.student),
        ),
        Field(
            "birth_year",
            __("Year of birth"),
            __("Your year of birth?"),
            parse=birth_year(18, 80),
            when=_is("category", MenteeCategory.young_teacher, MenteeCategory.teacher),
        ),
        Field(
            "experience_years",
            __("Teaching experience, years"),
            __("How many full years have you been teaching? (0–3)"),
            parse=integer(0, 3),
            when=_is("category", MenteeCategory.young_teacher),
        ),
        Field(
            "experience_years",
            __("Teaching experience, years"),
            __("How many years of teaching experience do you have? (0–60)"),
            parse=integer(0, 60),
            when=_is("category", MenteeCategory.teacher),
        ),
        Field(
            "request",
            __("Main request"),
            __("What do you expect from mentoring? Describe your main request in a few words."),
            parse=text(3, 1000),
        ),
        Field(
            "difficulties",
            __("Difficulties"),
            __("What is difficult for you now? Choose all that apply."),
            choices=TEACHER_DIFFICULTIES,
            multiple=True,
            optional=True,
            when=_is("category", MenteeCategory.young_teacher, MenteeCategory.teacher),
        ),
        Field(
            "difficulties",
            __("Difficulties"),
            __("What is difficult for you now? Choose all that apply."),
            choices=STUDENT_DIFFICULTIES,
            multiple=True,
            optional=True,
            when=_is("category", MenteeCategory.student),
        ),
        Field(
            "difficulties_other",
            __("Other difficulties"),
            __("Anything else that is difficult? Write it, or skip."),
            parse=text(3, 500),
            optional=True,
        ),
        Field(
            "preferred_forms",
            __("Preferred forms of mentoring"),
            __("Which forms of mentoring would suit you? Choose any, or skip."),
            choices=FORMS_OF_MENTORING,
            multiple=True,
            optional=True,
        ),
    ),
)

FORM_BY_ROLE = {
    Role.coordinator: STAFF_FORM,
    Role.curator: STAFF_FORM,
    Role.mentor: MENTOR_FORM,
    Role.mentee: MENTEE_FORM,
}
