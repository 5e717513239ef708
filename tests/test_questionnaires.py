"""The questionnaire registry, the validation of answers, scope keys and links."""

from __future__ import annotations

import pytest

from handlers.registration.forms import TEACHER_DIFFICULTIES as PROFILE_CHOICES
from storage.settings import Settings
from storage.surveys.answers import (
    AnswerError,
    check_value,
    clean_answers,
    response_link,
    scope_key,
)
from storage.surveys.questionnaires.builtin import (
    PUBLISHED,
    REGISTRY,
    find,
    key_for,
    latest,
    versions,
)
from storage.surveys.questionnaires.model import Audience, Kind, Occasion
from storage.surveys.questionnaires.programme import TEACHER_DIFFICULTIES


def test_every_questionnaire_is_registered_by_key_and_version() -> None:
    assert sorted(REGISTRY) == [
        "conditions_curator",
        "entry_mentee",
        "entry_mentor",
        "exit_mentee",
        "exit_mentor",
        "monitoring_mentee",
        "monitoring_mentor",
    ]
    for questionnaire in PUBLISHED:
        assert key_for(questionnaire.occasion, questionnaire.audience) == questionnaire.key
        assert find(questionnaire.key, questionnaire.version) is questionnaire
        assert latest(questionnaire.key) is versions(questionnaire.key)[-1]
        keys = [q.key for q in questionnaire.questions]
        assert len(keys) == len(set(keys)), questionnaire.key
        for question in questionnaire.questions:
            assert question.satisfaction is False or question.kind == Kind.scale
            assert bool(question.options) == (question.kind in (Kind.single, Kind.multiple))
    assert find("monitoring_mentee", 99) is None
    with pytest.raises(KeyError):
        latest("nothing")


def test_monitoring_has_the_items_of_the_methodology() -> None:
    for key, own in (("monitoring_mentee", "support"), ("monitoring_mentor", "involvement")):
        questionnaire = latest(key)
        assert len(questionnaire.questions) == 12
        assert questionnaire.occasion == Occasion.monitoring
        assert own in [q.key for q in questionnaire.questions]
        satisfaction = [q.key for q in questionnaire.questions if q.satisfaction]
        assert satisfaction == ["effectiveness", "communication", "expectations_met", "overall"]
        kinds = [q.kind for q in questionnaire.questions]
        assert kinds.count(Kind.scale) == 8 and kinds.count(Kind.yes_no) == 2
        assert [q.required for q in questionnaire.questions if q.kind == Kind.text] == [
            False,
            False,
        ]


def test_the_entry_diagnosis_uses_the_profiles_difficulties_for_young_teachers_only() -> None:
    assert [o.value for o in TEACHER_DIFFICULTIES] == [c.value for c in PROFILE_CHOICES]
    assert [o.label._args for o in TEACHER_DIFFICULTIES] == [c.label._args for c in PROFILE_CHOICES]
    entry = latest("entry_mentee")
    assert entry.audience == Audience.mentee
    assert "difficulties" in [q.key for q in entry.for_category("young_teacher")]
    assert "difficulties" not in [q.key for q in entry.for_category("student")]
    assert "difficulties" not in [q.key for q in entry.for_category(None)]


def test_values_are_checked_by_kind() -> None:
    monitoring = latest("monitoring_mentee")
    scale = monitoring.question("overall")
    assert check_value(scale, 10) == 10
    for bad in (0, 11, "7", True, 7.5):
        with pytest.raises(AnswerError):
            check_value(scale, bad)
    yes_no = monitoring.question("continue")
    assert check_value(yes_no, False) is False
    with pytest.raises(AnswerError):
        check_value(yes_no, "yes")
    text = monitoring.question("valuable")
    assert check_value(text, "  рост  ") == "рост"
    for bad in ("   ", "x" * 1001, 5):
        with pytest.raises(AnswerError):
            check_value(text, bad)
    multiple = latest("entry_mentee").question("expectations")
    assert check_value(multiple, ["support", "skills", "skills"]) == ["skills", "support"]
    with pytest.raises(AnswerError):
        check_value(multiple, ["forged"])


def test_clean_answers_needs_every_required_answer_and_drops_the_rest() -> None:
    entry = latest("entry_mentee")
    answers = {"expectations": ["skills"], "help_expected": 5, "confidence": 6, "stray": 1}
    assert clean_answers(entry, "student", answers) == {
        "expectations": ["skills"],
        "help_expected": 5,
        "confidence": 6,
    }
    with pytest.raises(AnswerError):
        clean_answers(entry, "student", {**answers, "expectations": []})
    with pytest.raises(AnswerError):
        clean_answers(entry, "student", {"expectations": ["skills"], "help_expected": 5})
    # An optional multiple choice left empty is an answer ("none of these").
    cleaned = clean_answers(entry, "young_teacher", {**answers, "difficulties": []})
    assert cleaned["difficulties"] == []


def test_scope_keys_and_links() -> None:
    assert scope_key("monitoring_mentee", 4, 17, 9) == "monitoring_mentee:4:17:9"
    assert scope_key("entry_mentor", None, 17, 9) == "entry_mentor:-:17:9"
    assert scope_key("conditions_curator", 4, 17, None, 3) == "conditions_curator:4:17:s3"
    link = response_link(b"k", "monitoring_mentee:4:17:9")
    assert len(link) == 64 and link == response_link(b"k", "monitoring_mentee:4:17:9")
    assert link != response_link(b"other", "monitoring_mentee:4:17:9")
    assert link != response_link(b"k", "monitoring_mentee:4:18:9")


def test_the_link_key_comes_from_survey_secret_or_is_derived_from_the_token() -> None:
    plain = Settings(_env_file=None, bot_token="1:abc")
    assert plain.survey_key == Settings(_env_file=None, bot_token="1:abc").survey_key
    assert plain.survey_key != Settings(_env_file=None, bot_token="1:xyz").survey_key
    assert b"abc" not in plain.survey_key
    fixed = Settings(_env_file=None, bot_token="1:abc", survey_secret="s3cret")
    assert fixed.survey_key == b"s3cret"
    assert Settings(_env_file=None, bot_token="2:new", survey_secret="s3cret").survey_key == (
        fixed.survey_key
    ), "SURVEY_SECRET keeps the links valid across a token change"
    assert "s3cret" not in repr(fixed)
