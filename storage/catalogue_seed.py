"""The national catalogue as the methodology names it (seed 001 §4, DOMAIN.md).

Only the role models the seeds name are listed; coordinators add their own per municipality.
"""

from __future__ import annotations

FORMS = (
    ("teacher_teacher", "Учитель – учитель"),
    ("teacher_student", "Учитель – ученик"),
    ("student_student", "Ученик – ученик"),
    ("partner_teacher", "Работодатель (социальный партнёр) – педагог"),
    ("head_teacher", "Руководитель образовательной организации – педагог"),
)

ROLE_MODELS = (
    ("experienced_young", "teacher_teacher", "Опытный педагог – молодой специалист"),
    (
        "leader_communication",
        "teacher_teacher",
        "Лидер педагогического сообщества – педагог с затруднениями в коммуникации",
    ),
    ("innovator_conservative", "teacher_teacher", "Педагог-новатор – консервативный педагог"),
    ("subject_expert_novice", "teacher_teacher", "Опытный предметник – неопытный предметник"),
    ("achiever_struggling", "student_student", "Успевающий – неуспевающий"),
    ("leader_passive", "student_student", "Лидер – пассивный"),
    ("peer_peer", "student_student", "Равный – равному"),
)

MENTORING_KINDS = (
    ("traditional", "Традиционное (один на один)"),
    ("group", "Групповое"),
    ("virtual", "Виртуальное (дистанционное)"),
    ("short_term", "Краткосрочное или целеполагающее"),
    ("reverse", "Реверсивное"),
    ("situational", "Ситуационное"),
    ("speed", "Скоростное (однократная встреча)"),
)


def seed_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    rows += [{"kind": "form", "code": c, "name": n, "form_code": None} for c, n in FORMS]
    rows += [
        {"kind": "role_model", "code": c, "name": n, "form_code": f} for c, f, n in ROLE_MODELS
    ]
    rows += [
        {"kind": "mentoring_kind", "code": c, "name": n, "form_code": None}
        for c, n in MENTORING_KINDS
    ]
    return rows
