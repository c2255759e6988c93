"""Survey results as CSV and XLSX: one row per response, one column per question."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from intranet.spreadsheets import neutralised


def export_rows(survey):
    """Header then one row per response; anonymous surveys carry no identity nor department."""
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
                response.submitted_at.isoformat(timespec="minutes")
                if response.submitted_at
                else "",
            ]
        for question in questions:
            values = by_question.get(question.pk, [])
            row.append(values[0] if len(values) == 1 else " ; ".join(map(str, values)) or "")
        rows.append(row)
    return rows


def to_csv(rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 correctly only with a BOM
    csv.writer(buffer, delimiter=";").writerows(neutralised(rows))
    return buffer.getvalue().encode("utf-8")


def to_xlsx(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Responses"))
    for row in neutralised(rows):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
