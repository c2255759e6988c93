"""One format for a recommendation score wherever it is read: "+43", "0", "−12" on pages;
a number a spreadsheet computes with, shown "+43", in exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from intranet.core.scores import MINUS, format_score, spreadsheet_score
from intranet.core.spreadsheets import Sheet, to_csv, to_xlsx


@pytest.mark.parametrize(
    "score, shown",
    [(43, "+43"), (100, "+100"), (0, "0"), (-12, f"{MINUS}12"), (-100, f"{MINUS}100"), (None, "")],
)
def test_a_score_is_written_signed_with_a_typographic_minus(score, shown):
    assert format_score(score) == shown


def test_a_score_in_a_spreadsheet_is_a_number_shown_signed():
    rows = [
        ["Pratique", "Score"],
        ["Visio", spreadsheet_score(43)],
        ["Mail", spreadsheet_score(-12)],
    ]
    rows.append(["Chat", spreadsheet_score(0)])
    rows.append(["Aucune", spreadsheet_score(None)])
    sheets = [Sheet("Scores", rows)]

    cells = list(load_workbook(io.BytesIO(to_xlsx(sheets))).active.iter_rows(min_row=2))
    assert [row[1].value for row in cells] == [43, -12, 0, None]
    assert all(isinstance(row[1].value, int) for row in cells[:3])
    assert cells[0][1].number_format == "+0;-0;0"

    text = to_csv(sheets).decode("utf-8-sig")
    assert [row[1] for row in csv.reader(io.StringIO(text), delimiter=";")][1:] == [
        "+43",
        "-12",
        "0",
        "",
    ]


def test_a_text_that_looks_like_a_signed_number_is_still_neutralised():
    text = to_csv([Sheet("x", [["+43"], ["=1+1"]])]).decode("utf-8-sig")
    assert text.splitlines() == ["'+43", "'=1+1"]


def retrospective_table(results):
    from bs4 import BeautifulSoup
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("fr"):
        html = render_to_string(
            "experiments/retrospective_results.html", {"results": results, "free_answers": True}
        )
    soup = BeautifulSoup(html, "html.parser")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in soup.table.find_all("tr")
    ]
    return rows, soup


def test_the_retrospective_shows_scores_and_means_in_their_own_columns_and_every_question():
    from surveys.models import Question
    from surveys.results import QuestionResult, SurveyResults
    from surveys.scoring import Recommendation

    questions = [
        Question(pk=1, kind="recommendation", label="Recommanderiez-vous la visio ?"),
        Question(pk=2, kind="recommendation", label="Recommanderiez-vous le mail ?"),
        Question(pk=3, kind="scale", label="Le son est bon."),
        Question(pk=4, kind="scale", label="L’image est bonne."),
        Question(pk=5, kind="text", label="Une remarque ?"),
        Question(pk=6, kind="text", label="Une idée ?"),
    ]
    results = SurveyResults(
        survey=None,
        invited=20,
        responses=9,
        enough=True,
        questions=[
            QuestionResult(1, questions[0], 9, True, recommendation=Recommendation(5, 2, 2)),
            QuestionResult(2, questions[1], 9, True, recommendation=Recommendation(1, 2, 6)),
            QuestionResult(3, questions[2], 8, True, mean=3.75),
            QuestionResult(4, questions[3], 3, False),
            QuestionResult(5, questions[4], 6, True, texts=["Très bien"]),
            QuestionResult(6, questions[5], 2, False),
        ],
        directions=[],
        recommendation_questions=questions[:2],
    )

    rows, soup = retrospective_table(results)

    assert rows == [
        ["Question", "Réponses", "Score de recommandation", "Moyenne (sur 5)"],
        ["Recommanderiez-vous la visio ?", "9", "+33", "– sans objet"],
        ["Recommanderiez-vous le mail ?", "9", f"{MINUS}56", "– sans objet"],
        ["Le son est bon.", "8", "– sans objet", "3,8"],
        # under k, not even the number of answers
        ["L’image est bonne.", "pas assez de réponses"],
    ]
    headings = [heading.get_text(strip=True) for heading in soup.find_all("h3")]
    assert headings == ["Une remarque ?", "Une idée ?"]
    assert "Pas assez de réponses pour les afficher." in soup.get_text()
