"""The questionnaires at the start and at the end of a programme (seed 001 §7.2: the impact is
measured before entering the programme and after it; seed 002: expectations and a diagnosis
of a young teacher's professional difficulties at the start).

`confidence` is asked in both, so the exit answers can be compared with the entry ones.
The entry's `difficulties` question is not anonymous: its answer goes to the mentee's
profile (see PROFILE_QUESTIONS), where the matching suggestions read it, and never into the
anonymous response.
"""

from __future__ import annotations

from storage.models.enums import MenteeCategory
from storage.surveys.questionnaires.model import (
    Audience,
    Kind,
    Occasion,
    Option,
    Question,
    Questionnaire,
)
from storage.surveys.questionnaires.monitoring import open_text, scale, yes_no
from storage.words import lazy as __

# The same codes (and wording) as the mentee profile's `difficulties` for teachers
# (handlers/registration/forms.py: TEACHER_DIFFICULTIES; a test keeps them equal).
TEACHER_DIFFICULTIES = (
    Option("lesson_planning", __("Planning lessons")),
    Option("classroom", __("Discipline and classroom management")),
    Option("parents", __("Working with parents")),
    Option("assessment", __("Assessment and marking")),
    Option("paperwork", __("School documentation")),
    Option("colleagues", __("Working with colleagues")),
    Option("special_needs", __("Children with special educational needs")),
    Option("digital", __("Digital tools in teaching")),
    Option("exams", __("Preparing pupils for ОГЭ/ЕГЭ")),
)

# Questions whose answers belong to the person's profile, not to the anonymous response.
PROFILE_QUESTIONS = frozenset({"difficulties"})

MENTEE_EXPECTATIONS = (
    Option("skills", __("New knowledge and skills")),
    Option("adaptation", __("Settling in at the school")),
    Option("difficulties", __("Help with my difficulties")),
    Option("support", __("Support and advice in hard situations")),
    Option("results", __("Better results (lessons, exams, contests)")),
    Option("ideas", __("New ideas, contacts and projects")),
)

MENTOR_EXPECTATIONS = (
    Option("share", __("To share my experience")),
    Option("grow", __("To grow professionally myself")),
    Option("help", __("To help a colleague or a pupil succeed")),
    Option("ideas", __("New ideas from my mentee")),
    Option("recognition", __("Recognition of my work")),
)

MENTOR_SUPPORT = (
    Option("materials", __("Methodological materials")),
    Option("training", __("Training for mentors")),
    Option("psychologist", __("Consultations with a psychologist")),
    Option("time", __("Time for mentoring in my schedule")),
    Option("exchange", __("Exchange with other mentors")),
)

CHANGES = (
    Option("skills", __("I have new knowledge and skills")),
    Option("confidence", __("I feel more confident")),
    Option("results", __("My results have improved")),
    Option("adapted", __("I have settled in at the school")),
    Option("motivation", __("I want to keep developing")),
    Option("projects", __("I take part in the school's projects and innovations")),
    Option("nothing", __("Nothing noticeable")),
)

ENTRY_MENTEE = Questionnaire(
    key="entry_mentee",
    version=1,
    title=__("Entry questionnaire for the mentee"),
    audience=Audience.mentee,
    occasion=Occasion.entry,
    questions=(
        Question(
            "expectations",
            Kind.multiple,
            __("What do you expect from the mentoring programme? Choose all that apply."),
            options=MENTEE_EXPECTATIONS,
        ),
        scale(
            "help_expected",
            __("How much do you expect the programme to help you?"),
        ),
        scale(
            "confidence",
            __("How confident do you feel in your work or studies now?"),
        ),
        Question(
            "difficulties",
            Kind.multiple,
            __(
                "Which professional difficulties do you have now? Choose all that apply.\n"
                "This answer is not anonymous: it is saved in your profile, where the curator "
                "sees it to choose a mentor and plan your programme."
            ),
            options=TEACHER_DIFFICULTIES,
            required=False,
            categories=frozenset({MenteeCategory.young_teacher.value}),
        ),
        open_text("goal", __("What would you like to achieve by the end of the programme?")),
    ),
)

ENTRY_MENTOR = Questionnaire(
    key="entry_mentor",
    version=1,
    title=__("Entry questionnaire for the mentor"),
    audience=Audience.mentor,
    occasion=Occasion.entry,
    questions=(
        Question(
            "expectations",
            Kind.multiple,
            __("What do you expect from being a mentor? Choose all that apply."),
            options=MENTOR_EXPECTATIONS,
        ),
        scale("readiness", __("How ready do you feel to be a mentor?")),
        Question(
            "support_needed",
            Kind.multiple,
            __("What support would help you as a mentor? Choose all that apply."),
            options=MENTOR_SUPPORT,
            required=False,
        ),
        open_text("goal", __("What would you like to achieve by the end of the programme?")),
    ),
)

EXIT_MENTEE = Questionnaire(
    key="exit_mentee",
    version=1,
    title=__("Final questionnaire for the mentee"),
    audience=Audience.mentee,
    occasion=Occasion.exit,
    questions=(
        scale("goals_achieved", __("How far have the goals of your programme been achieved?")),
        scale(
            "expectations_met",
            __("How far has the programme met the expectations you had at its start?"),
            satisfaction=True,
        ),
        scale(
            "confidence",
            __("How confident do you feel in your work or studies now?"),
        ),
        Question(
            "changes",
            Kind.multiple,
            __("What has changed for you thanks to the programme? Choose all that apply."),
            options=CHANGES,
        ),
        scale(
            "overall",
            __("Overall, how satisfied are you with the programme?"),
            satisfaction=True,
        ),
        yes_no("become_mentor", __("Would you like to become a mentor yourself one day?")),
        open_text("result", __("Your main result, in a few words.")),
        open_text("advice", __("What would you advise future participants?")),
    ),
)

EXIT_MENTOR = Questionnaire(
    key="exit_mentor",
    version=1,
    title=__("Final questionnaire for the mentor"),
    audience=Audience.mentor,
    occasion=Occasion.exit,
    questions=(
        scale("goals_achieved", __("How far have the goals of the programme been achieved?")),
        scale("mentee_progress", __("How much has your mentee (or group) progressed?")),
        scale("own_growth", __("How much has the programme given you professionally?")),
        scale(
            "expectations_met",
            __("How far has the programme met the expectations you had at its start?"),
            satisfaction=True,
        ),
        scale(
            "overall",
            __("Overall, how satisfied are you with the programme?"),
            satisfaction=True,
        ),
        yes_no("mentor_again", __("Would you be a mentor again in a new programme?")),
        open_text("result", __("The main result of the programme, in a few words.")),
        open_text("advice", __("What would you advise future mentors?")),
    ),
)
