import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from intranet.accounts.models import Department
from surveys.models import Invitation
from surveys.services import close, submit_response

from .queries import visit_queries


@pytest.fixture
def owner(make_agent):
    return make_agent("Propriétaire")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def answer(survey, agents, values_by_kind):
    """values_by_kind: {kind: [value per agent]}."""
    questions = {question.kind: question for question in survey.questions.all()}
    for index, agent in enumerate(agents):
        invitation = Invitation.objects.create(survey=survey, agent=agent)
        submit_response(
            invitation,
            {questions[kind]: values[index] for kind, values in values_by_kind.items()},
        )


def directions(*sizes):
    """A direction per size, each with that many agents (in a service below it)."""
    groups = []
    for size in sizes:
        number = Department.objects.filter(parent=None).count()
        direction = Department.objects.create(name=f"Direction {number}")
        service = Department.objects.create(name=f"Service {number}", parent=direction)
        groups.append((direction, size, service))
    return groups


def agents_in(make_agent, groups):
    agents = []
    for _direction, size, service in groups:
        agents += [make_agent(department=service) for _ in range(size)]
    return agents


def test_results_show_every_figure_from_k_answers(owner_client, owner, make_survey, make_agent):
    survey = make_survey(
        kinds=("recommendation", "scale", "single", "multiple", "text"), owner=owner
    )
    agents = [make_agent() for _ in range(5)]
    answer(
        survey,
        agents,
        {
            "recommendation": [10, 9, 8, 3, 10],
            "scale": [5, 4, 4, 2, 3],
            "single": ["Oui", "Oui", "Non", None, "Oui"],
            "multiple": [["Oui", "Non"], ["Oui"], None, None, None],
            "text": ["<script>alert(1)</script>", "a", "b", "c", "d"],
        },
    )
    close(survey)  # an anonymous survey's answers are published once it is closed
    response = owner_client.get(reverse("surveys:results", args=[survey.pk]))
    content = response.content.decode()
    assert "5 réponses pour 5 agents invités" in content
    assert "Score de recommandation : <strong>+40</strong>" in content
    assert '<th scope="row">Promoteurs (9–10)</th><td>3</td>' in content
    assert "Moyenne : <strong>3,6</strong> / 5" in content
    # the free text is escaped, never executed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)" not in content
    # questions answered by fewer than k agents are withheld
    results = response.context["results"]
    by_kind = {result.question.kind: result for result in results.questions}
    assert by_kind["scale"].enough is True
    assert by_kind["multiple"].enough is False
    assert by_kind["single"].enough is False
    assert by_kind["recommendation"].enough is True
    assert [bar.count for bar in by_kind["recommendation"].bars] == [
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        1,
        1,
        2,
    ]


def test_under_k_answers_the_survey_shows_no_figure(owner_client, owner, make_survey, make_agent):
    survey = make_survey(owner=owner)
    answer(survey, [make_agent() for _ in range(4)], {"recommendation": [10, 10, 10, 0]})
    close(survey)
    content = owner_client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "Pas encore assez de réponses" in content
    assert "Score de recommandation" not in content
    assert "+50" not in content
    assert "Exporter" not in content


def question_sections(content):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(content, "html.parser")
    return {
        section.h2.get_text(strip=True): section.get_text(" ", strip=True)
        for section in soup.select("section.result")
    }


def test_a_question_under_k_stays_listed_and_says_so_without_its_count(
    owner_client, owner, make_survey, make_agent
):
    survey = make_survey(kinds=("recommendation", "single"), owner=owner)
    labels = [question.label for question in survey.questions.all()]
    answer(
        survey,
        [make_agent() for _ in range(5)],
        {"recommendation": [10, 9, 8, 3, 10], "single": ["Oui", "Non", None, None, None]},
    )
    close(survey)
    content = owner_client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    sections = question_sections(content)
    assert list(sections) == [f"1. {labels[0]}", f"2. {labels[1]}"]
    assert "5 réponses" in sections[f"1. {labels[0]}"]
    hidden = sections[f"2. {labels[1]}"]
    assert "Pas assez de réponses pour afficher les résultats." in hidden
    assert "2 réponses" not in hidden
    assert "Oui" not in hidden


def test_under_k_answers_every_question_is_listed_without_figures(
    owner_client, owner, make_survey, make_agent
):
    survey = make_survey(kinds=("recommendation", "scale"), owner=owner)
    labels = [question.label for question in survey.questions.all()]
    answer(
        survey,
        [make_agent() for _ in range(3)],
        {"recommendation": [10, 10, 0], "scale": [5, 4, 1]},
    )
    close(survey)
    content = owner_client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    sections = question_sections(content)
    assert list(sections) == [f"1. {labels[0]}", f"2. {labels[1]}"]
    for text in sections.values():
        assert "Pas assez de réponses pour afficher les résultats." in text
        assert "3 réponses" not in text
    assert "Répartition par direction" not in content


def test_direction_breakdown_hides_small_groups_and_their_complement(
    owner_client, owner, make_survey, make_agent
):
    survey = make_survey(owner=owner)
    groups = directions(6, 2, 7)
    agents = agents_in(make_agent, groups)
    answer(survey, agents, {"recommendation": [10] * 6 + [0] * 2 + [9] * 7})
    close(survey)
    response = owner_client.get(reverse("surveys:results", args=[survey.pk]))
    rows = {row.name: row for row in response.context["results"].directions}
    assert rows["Direction 2"].hidden
    # the smallest other group goes too, or Direction 2 = total − the others
    assert rows["Direction 1"].hidden
    assert not rows["Direction 3"].hidden
    assert rows["Direction 3"].recommendations[survey.questions.get().pk].visible_score == 100
    content = response.content.decode()
    assert content.count("pas assez de réponses") == 2
    assert ">2<" not in content.split("Répartition par direction")[1]


def test_results_cost_the_same_queries_whatever_the_answers(
    owner_client, owner, make_survey, make_agent
):
    # Named: its results are computed at each visit (a closed survey's come from the cache).
    survey = make_survey(
        kinds=("recommendation", "scale", "single", "multiple", "text"),
        owner=owner,
        anonymous=False,
    )
    url = reverse("surveys:results", args=[survey.pk])

    def add(count):
        agents = agents_in(make_agent, directions(count))
        answer(
            survey,
            agents,
            {
                "recommendation": [index % 11 for index in range(count)],
                "scale": [1 + index % 5 for index in range(count)],
                "single": ["Oui"] * count,
                "multiple": [["Oui", "Non"]] * count,
                "text": ["idée"] * count,
            },
        )

    add(6)
    small, _response = visit_queries(owner_client, url)
    add(60)
    assert visit_queries(owner_client, url)[0] == small
    assert small[0] <= 20


@pytest.mark.parametrize("who", ["agent", "other_agent", "participant"])
def test_results_are_refused_to_agents_who_do_not_own_the_survey(
    client, owner, make_survey, make_agent, who
):
    survey = make_survey(owner=owner)
    visitor = make_agent()
    if who == "participant":
        Invitation.objects.create(survey=survey, agent=visitor)
    client.force_login(visitor)
    for name in ("results", "export_csv", "export_xlsx"):
        assert client.get(reverse(f"surveys:{name}", args=[survey.pk])).status_code == 403
    assert client.post(reverse("surveys:close", args=[survey.pk])).status_code == 403
    survey.refresh_from_db()
    assert survey.closed_at is None


def test_closing_from_the_results_asks_for_confirmation(owner_client, owner, make_survey):
    survey = make_survey(owner=owner)
    url = reverse("surveys:close", args=[survey.pk])
    assert "Clore « Questionnaire » maintenant ?" in owner_client.get(url).content.decode()
    survey.refresh_from_db()
    assert survey.closed_at is None
    owner_client.post(url)
    survey.refresh_from_db()
    assert survey.closed_at is not None


def test_editors_see_every_surveys_results(client, make_survey, make_agent):
    editor = make_agent()
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    survey = make_survey()
    assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 200


def exported(client, survey, file_format):
    response = client.get(reverse(f"surveys:export_{file_format}", args=[survey.pk]))
    assert response.status_code == 200
    if file_format == "csv":
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [
        [("" if cell is None else cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_anonymous_export_matches_the_screen_and_holds_no_identity(
    owner_client, owner, make_survey, make_agent, file_format
):
    survey = make_survey(kinds=("recommendation", "text"), owner=owner)
    agents = [make_agent(f"Identifiable{index}") for index in range(5)]
    answer(
        survey,
        agents,
        {"recommendation": [10, 9, 8, 3, 10], "text": ['=HYPERLINK("x")', "@cmd", "ok", "", "-2"]},
    )
    close(survey)
    rows = exported(owner_client, survey, file_format)
    assert rows[0] == ["Question recommendation", "Question text"]
    assert len(rows) == 6
    values = sorted(int(row[0]) for row in rows[1:])
    assert values == [3, 8, 9, 10, 10]
    texts = sorted(str(row[1]) for row in rows[1:])
    assert '\'=HYPERLINK("x")' in texts and "'@cmd" in texts and "'-2" in texts
    flat = repr(rows)
    for agent in agents:
        assert agent.last_name not in flat and agent.email not in flat


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_named_export_lists_who_answered(
    owner_client, owner, make_survey, make_agent, file_format
):
    survey = make_survey(owner=owner, anonymous=False)
    agents = [make_agent(f"Nommé{index}") for index in range(5)]
    answer(survey, agents, {"recommendation": [10, 9, 8, 3, 10]})
    rows = exported(owner_client, survey, file_format)
    assert rows[0][:3] == ["Agent", "E-mail", "Direction"]
    assert sorted(row[1] for row in rows[1:]) == sorted(agent.email for agent in agents)


def test_export_under_k_answers_is_refused_with_a_message(
    owner_client, owner, make_survey, make_agent
):
    survey = make_survey(owner=owner)
    answer(survey, [make_agent() for _ in range(2)], {"recommendation": [10, 1]})
    close(survey)
    response = owner_client.get(reverse("surveys:export_csv", args=[survey.pk]), follow=True)
    assert "Pas assez de réponses pour les exporter" in response.content.decode()


def test_named_export_gives_the_answer_time_in_paris(owner_client, owner, make_survey, make_agent):
    survey = make_survey(owner=owner, anonymous=False)
    answer(survey, [make_agent() for _ in range(5)], {"recommendation": [10, 9, 8, 3, 10]})
    # 23:30 UTC in winter is 00:30 the next day in Paris.
    late = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    survey.responses.update(submitted_at=late)

    rows = exported(owner_client, survey, "csv")

    assert {row[3] for row in rows[1:]} == {"2026-01-16 00:30"}
