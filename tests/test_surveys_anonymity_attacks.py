"""The four attacks that broke anonymity (issue #14), replayed against the product: each must
learn nothing. An attacker here is someone who sees the results, the exports, the logs or a
practice page, with the product's own roles."""

import csv
import io
import itertools
import logging
from fractions import Fraction

import pytest
from django.urls import reverse

from intranet.accounts.models import Department
from surveys.models import Invitation, Survey
from surveys.results import survey_results
from surveys.scoring import hide_small_groups, recommendation_of_page
from surveys.services import close, submit_response


@pytest.fixture
def owner(make_agent):
    return make_agent("Propriétaire")


def answer(survey, agent, values):
    invitation, _ = Invitation.objects.get_or_create(survey=survey, agent=agent)
    questions = {question.kind: question for question in survey.questions.all()}
    submit_response(invitation, {questions[kind]: value for kind, value in values.items()})


def export_csv(client, survey):
    response = client.get(reverse("surveys:export_csv", args=[survey.pk]))
    if response.status_code != 200:
        return None
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))[1:]


# 1. Export order: rows come in content order, never in the order of arrival.


def test_the_export_order_tells_nothing_of_the_order_of_answers(
    client, owner, make_survey, make_agent
):
    survey = make_survey(kinds=("recommendation", "text"), owner=owner)
    arrivals = [(3, "zèbre"), (10, "abricot"), (0, "midi"), (7, "Banane"), (9, "éclair"), (5, "")]
    for value, text in arrivals:
        answer(survey, make_agent(), {"recommendation": value, "text": text})
    close(survey)
    client.force_login(owner)
    rows = export_csv(client, survey)
    values = [int(row[0]) for row in rows]
    assert values == sorted(values)  # by content
    assert values != [value for value, _text in arrivals]
    texts = [result.texts for result in survey_results(survey).questions if result.texts][0]
    assert texts == sorted(texts, key=lambda text: (text.casefold(), text))


# The personal link's token never travels with the answers, nor reaches the logs.


def test_answers_are_posted_to_an_address_without_a_personal_token(client, make_survey, agent):
    survey = make_survey(kinds=("recommendation",))
    invitation = Invitation.objects.create(survey=survey, agent=agent)
    client.force_login(agent)
    link = client.get(reverse("surveys:answer_link", args=[invitation.token]) + "?via=email")
    assert link.status_code == 302
    assert invitation.token not in link.url
    form = client.get(link.url).content.decode()
    assert invitation.token not in form
    question = survey.questions.get()
    saved = client.post(link.url, {f"q{question.pk}": "9"})
    assert saved.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered and invitation.answered_via == "email"


def test_the_logs_never_hold_a_personal_token(client, agent, make_survey, make_agent):
    survey = make_survey()
    invitation = Invitation.objects.create(survey=survey, agent=agent)
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        client.force_login(agent)
        client.get(reverse("surveys:answer_link", args=["jeton-" + invitation.token[:20]]))
        client.logout()
        client.force_login(
            Invitation.objects.model._meta.get_field("agent").related_model.objects.create_user(
                "autre@ville.test", "x"
            )
        )
        client.get(reverse("surveys:answer_link", args=[invitation.token]))
    finally:
        handler.setStream(previous)
    logged = stream.getvalue()
    assert "/questionnaires/repondre/[secret]/" in logged  # the 404 and the 403 were logged
    assert invitation.token not in logged and invitation.token[:20] not in logged


# 2. Differencing by the audience: nothing per respondent while the survey runs.


def test_inviting_one_more_agent_between_two_readings_reveals_nothing(
    client, owner, make_survey, make_agent
):
    survey = make_survey(kinds=("recommendation", "text"), owner=owner)
    for _ in range(6):
        answer(survey, make_agent(), {"recommendation": 8, "text": "bien"})
    client.force_login(owner)
    before = (export_csv(client, survey), survey_results(survey))
    target = make_agent("Cible")
    answer(survey, target, {"recommendation": 0, "text": "secret de la cible"})
    after = (export_csv(client, survey), survey_results(survey))
    assert before[0] is None and after[0] is None  # no export while open
    page = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "secret de la cible" not in page
    for results in (before[1], after[1]):
        assert not results.published
        assert all(not q.enough and not q.texts and not q.bars for q in results.questions)


# 3. Live scores: a practice page read before and after a colleague answers.


@pytest.mark.parametrize("colleague", [10, 7, 0])
def test_a_practice_page_does_not_move_with_one_answer(make_survey, make_agent, site, colleague):
    closed = make_survey()
    Survey.questions.rel.related_model.objects.filter(survey=closed).update(subject=site)
    for value in (10, 9, 8, 3, 10):
        answer(closed, make_agent(), {"recommendation": value})
    close(closed)
    running = make_survey()
    Survey.questions.rel.related_model.objects.filter(survey=running).update(subject=site)
    for value in (10, 10, 10, 10):
        answer(running, make_agent(), {"recommendation": value})
    before = recommendation_of_page(site)
    answer(running, make_agent("Collègue"), {"recommendation": colleague})
    assert recommendation_of_page(site) == before


# 4. Small groups by subtraction: a checker tries every subtraction of the figures shown.


def derivable(shown, subset, atoms):
    """Whether the sum over ``subset`` of atoms is a rational combination of shown sums."""

    def rank(rows):
        rows = [[Fraction(x) for x in row] for row in rows]
        rank, columns = 0, len(atoms)
        for column in range(columns):
            pivot = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
            if pivot is None:
                continue
            rows[rank], rows[pivot] = rows[pivot], rows[rank]
            for r in range(len(rows)):
                if r != rank and rows[r][column]:
                    factor = rows[r][column] / rows[rank][column]
                    rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
            rank += 1
        return rank

    vectors = [[1 if atom in group else 0 for atom in atoms] for group in shown]
    target = [1 if atom in subset else 0 for atom in atoms]
    return rank(vectors) == rank([*vectors, target])


def leaks(shown, counts, k):
    """Every set of groups under k (but not empty) whose total a reader can compute."""
    atoms = sorted(counts)
    found = []
    for size in range(1, len(atoms) + 1):
        for subset in itertools.combinations(atoms, size):
            total = sum(counts[atom] for atom in subset)
            if 0 < total < k and derivable(shown, set(subset), atoms):
                found.append(subset)
    return found


def figures_shown(counts, hidden):
    return [set(counts)] + [{name} for name in counts if name not in hidden]


@pytest.mark.parametrize(
    "counts",
    [
        {"a": 1, "b": 1, "c": 10},  # two directions of one respondent each
        {"a": 6, "b": 2, "c": 7},
        {"a": 2, "b": 1, "c": 1, "d": 30},
        {"a": 3, "b": 12, "c": 40, "d": 4},
        {"a": 5, "b": 5},
    ],
)
def test_no_hidden_group_nor_sum_of_hidden_groups_can_be_derived(counts):
    hidden = hide_small_groups(counts, 5)
    assert not leaks(figures_shown(counts, hidden), counts, 5)


def test_the_checker_finds_the_leak_of_the_old_rule():
    """Two directions of one respondent each, both hidden: the total minus the third gives
    their sum, 2 answers."""
    counts = {"a": 1, "b": 1, "c": 10}
    assert leaks(figures_shown(counts, {"a", "b"}), counts, 5) == [("a", "b")]


def test_two_directions_of_one_respondent_each_stay_hidden_on_the_results_page(
    client, owner, make_survey, make_agent
):
    survey = make_survey(owner=owner)
    sizes = {"Direction A": 1, "Direction B": 1, "Direction C": 10}
    for name, size in sizes.items():
        direction = Department.objects.create(name=name)
        for index in range(size):
            answer(
                survey, make_agent(department=direction), {"recommendation": 10 if index else 0}
            )
    close(survey)
    results = survey_results(survey)
    shown_rows = {d.name for d in results.directions if not d.hidden}
    hidden = set(sizes) - shown_rows
    assert not leaks(figures_shown(sizes, hidden), sizes, survey.min_group_size)
    question = survey.questions.get()
    answered = {d.name: sizes[d.name] for d in results.directions}
    scored = {d.name for d in results.directions if question.pk in d.recommendations}
    assert not leaks(figures_shown(answered, set(sizes) - scored), answered, 5)


def test_an_anonymous_survey_refuses_a_k_under_five(make_survey):
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        make_survey(min_group_size=1)
