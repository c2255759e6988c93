"""Survey results as CSV and XLSX: one row per response, one column per question."""

from django.utils import timezone
from django.utils.translation import gettext as _


def export_rows(survey):
    """Header then one row per response; anonymous surveys carry no identity nor department.

    An anonymous survey's rows are sorted by their content: in any other order (the storage
    order, the ids) they would follow the order of arrival, which the access logs and the
    invitations could tie to agents.
    """
    questions = list(survey.questions.all())
    header = [] if survey.anonymous else [_("Agent"), _("E-mail"), _("Direction"), _("Date")]
    header += [question.label for question in questions]
    responses = survey.responses.prefetch_related("answers")
    if not survey.anonymous:
        responses = responses.select_related("agent", "department").order_by("submitted_at")
    rows = [header]
    for response in responses:
        by_question = {}
        for answer in response.answers.all():
            value = answer.value if answer.value is not None else answer.choice or answer.text
            by_question.setdefault(answer.question_id, []).append(value)
        row = []
        if not survey.anonymous:
            row += [
                response.agent.get_full_name() if response.agent else "",
                response.agent.email if response.agent else "",
                response.department.name if response.department else "",
                timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M")
                if response.submitted_at
                else "",
            ]
        for question in questions:
            values = by_question.get(question.pk, [])
            row.append(values[0] if len(values) == 1 else " ; ".join(map(str, values)) or "")
        rows.append(row)
    if survey.anonymous:
        rows[1:] = sorted(rows[1:], key=lambda row: [content_key(cell) for cell in row])
    return rows


def content_key(cell):
    """Numbers before texts, each in their own order: rows compare on what they say."""
    if isinstance(cell, int):
        return (0, cell, "")
    return (1, 0, str(cell).casefold())
