"""The questionnaires of a monitoring campaign (seed 001 §VII, seed 004): per pair or group for
mentees and mentors, and the curator's questionnaire about the school's conditions.

Satisfaction items (`satisfaction=True`, the satisfaction percentage of seed 004 is computed
over them): the programme's effectiveness, the comfort of communication, expectations met and
overall satisfaction. The usefulness of meetings, the clarity of goals, support and
involvement describe how the programme runs and are reported item by item.
"""

from __future__ import annotations

from storage.surveys.questionnaires.model import (
    Audience,
    Kind,
    Occasion,
    Option,
    Question,
    Questionnaire,
)
from storage.words import lazy as __


def scale(key: str, text: object, *, satisfaction: bool = False, required: bool = True) -> Question:
    return Question(key, Kind.scale, text, required=required, satisfaction=satisfaction)


def yes_no(key: str, text: object) -> Question:
    return Question(key, Kind.yes_no, text)


def open_text(key: str, text: object) -> Question:
    return Question(key, Kind.text, text, required=False, max_length=1000)


MONITORING_MENTEE = Questionnaire(
    key="monitoring_mentee",
    version=1,
    title=__("Monitoring questionnaire for the mentee"),
    audience=Audience.mentee,
    occasion=Occasion.monitoring,
    questions=(
        scale(
            "effectiveness",
            __("How effective is the mentoring programme for you?"),
            satisfaction=True,
        ),
        scale(
            "communication",
            __("How comfortable is it for you to communicate with your mentor?"),
            satisfaction=True,
        ),
        scale(
            "individual_meetings",
            __("How useful are your individual meetings with the mentor?"),
        ),
        scale(
            "group_meetings",
            __(
                "How useful are group meetings and events of the programme? "
                "Skip if there were none."
            ),
            required=False,
        ),
        scale(
            "goals_clear",
            __("How clear are the goals and the plan of your programme?"),
        ),
        scale(
            "expectations_met",
            __("How far does the programme meet your expectations?"),
            satisfaction=True,
        ),
        scale("support", __("How much support do you feel from your mentor?")),
        scale(
            "overall",
            __("Overall, how satisfied are you with taking part in the programme?"),
            satisfaction=True,
        ),
        yes_no("continue", __("Would you like to continue in the mentoring programme?")),
        yes_no("become_mentor", __("Would you like to become a mentor yourself one day?")),
        open_text("valuable", __("What has been the most valuable for you in the programme?")),
        open_text("change", __("What would you change in the programme?")),
    ),
)

MONITORING_MENTOR = Questionnaire(
    key="monitoring_mentor",
    version=1,
    title=__("Monitoring questionnaire for the mentor"),
    audience=Audience.mentor,
    occasion=Occasion.monitoring,
    questions=(
        scale(
            "effectiveness",
            __("How effective is this mentoring programme, in your view?"),
            satisfaction=True,
        ),
        scale(
            "communication",
            __("How comfortable is it for you to communicate with your mentee(s)?"),
            satisfaction=True,
        ),
        scale(
            "individual_meetings",
            __("How useful are your individual meetings with the mentee(s)?"),
        ),
        scale(
            "group_meetings",
            __(
                "How useful are group meetings and events of the programme? "
                "Skip if there were none."
            ),
            required=False,
        ),
        scale(
            "goals_clear",
            __("How clear are the goals and the plan of the programme?"),
        ),
        scale(
            "expectations_met",
            __("How far does the programme meet your expectations as a mentor?"),
            satisfaction=True,
        ),
        scale("involvement", __("How involved is your mentee (or group) in the programme?")),
        scale(
            "overall",
            __("Overall, how satisfied are you with taking part in the programme?"),
            satisfaction=True,
        ),
        yes_no("continue", __("Would you like to continue mentoring in this programme?")),
        yes_no("mentor_again", __("Would you be a mentor again in a new programme?")),
        open_text("valuable", __("What has been the most valuable for you in the programme?")),
        open_text("change", __("What would you change in the programme?")),
    ),
)

ENCOURAGEMENT = (
    Option("bonus", __("Bonus payments")),
    Option("load", __("A reduced teaching load or time in the schedule")),
    Option("thanks", __("Letters of thanks and certificates")),
    Option("attestation", __("Counted in attestation and career steps")),
    Option("events", __("Contests and public recognition")),
    Option("none", __("None yet")),
)

CONDITIONS_CURATOR = Questionnaire(
    key="conditions_curator",
    version=1,
    title=__("Conditions of mentoring at the school (curator)"),
    audience=Audience.curator,
    occasion=Occasion.conditions,
    questions=(
        yes_no(
            "documents",
            __("Has the school approved its regulation on mentoring and its roadmap?"),
        ),
        scale(
            "time",
            __("How well does the schedule give mentors time for mentoring?"),
        ),
        scale(
            "methods",
            __("How well are mentors provided with methodological support (materials, training)?"),
        ),
        scale(
            "premises",
            __("How suitable are the premises and equipment for meetings?"),
        ),
        scale(
            "administration",
            __("How much does the school's administration support the programme?"),
        ),
        scale(
            "psychology",
            __("How available is psychological support for participants?"),
        ),
        Question(
            "encouragement",
            Kind.multiple,
            __("How are mentors encouraged at the school? Choose all that apply."),
            options=ENCOURAGEMENT,
        ),
        open_text("obstacles", __("What hinders mentoring at your school?")),
        open_text("needs", __("What support does the school need from the municipality?")),
    ),
)
