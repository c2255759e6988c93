"""Surveys as their builders and their respondents fill them in."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data

ALL_KINDS = ("recommendation", "scale", "single", "multiple", "text")


def question_data(kind="recommendation", label="Recommanderiez-vous ?", **fields):
    return {
        "kind": kind,
        "label": label,
        "help_text": "",
        "required": "",
        "choices": "",
        "subject": "",
        **fields,
    }


def survey_data(questions, **fields):
    data = {
        "title": "Retour sur la charte",
        "introduction": "Trois questions.",
        "opens_at": "2026-12-01 09:00",
        "closes_at": "2026-12-20 18:00",
        "anonymous": "on",
        "min_group_size": "5",
        "audience": "everyone",
        "audience_department": "",
        "audience_agents": [],
        "questions": inline_formset(questions),
        **fields,
    }
    return nested_form_data(data)


def full_answer(survey):
    questions = {question.kind: question for question in survey.questions.all()}
    return {
        f"q{questions['recommendation'].pk}": "9",
        f"q{questions['scale'].pk}": "4",
        f"q{questions['single'].pk}": "Oui",
        f"q{questions['multiple'].pk}": ["Oui", "Peut-être"],
        f"q{questions['text'].pk}": "Plus de réunions courtes",
    }
