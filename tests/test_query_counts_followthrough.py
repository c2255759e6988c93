"""Issue 16, "done when": the experiment page, « Mes tâches » and a practice page cost the
same number of SQL queries with ten times more data (tests.support.followthrough builds both
data sets through the experiments' real stages).

Each page is counted with tests.queries.visit_queries: a cold render right after a content
change (the page's cached parts are keyed by the content version, so none is reused), then
the next, warm, visit.
"""

import pytest
from django.urls import reverse

from .queries import visit_queries
from .support.experiments import as_user
from .support.followthrough import (
    DONE,
    PARTICIPANTS,
    experiment_through,
    make_cast,
    make_practice_library,
    practice_in_use,
    tasks_waiting_for,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1, 10


def detail_url(experiment):
    return reverse("experiments:detail", args=[experiment.pk])


# Who looks at the page, at which point of the experiment: the lead of a finished one (the
# whole page), the sponsor during the synthesis (the results, the reassignment links, the
# deadline), a participant during the experimentation (the journal's form), an outsider
# reading a finished one's public summary.
CASES = [
    ("lead", DONE),
    ("lead", "synthesis"),
    ("sponsor", "synthesis"),
    ("participant", "run"),
    ("stranger", DONE),
]


def viewer(cast, role):
    return cast.participants[-1] if role == "participant" else getattr(cast, role)


@pytest.mark.parametrize(("role", "until"), CASES)
def test_the_experiment_page_costs_the_same_queries_with_ten_times_more_data(
    client, site, make_agent, django_capture_on_commit_callbacks, role, until
):
    counts = {}
    pages = {}
    shelf = None
    for scale in (SMALL, LARGE):
        cast = make_cast(make_agent, name=f"Équipe {scale}")
        library = make_practice_library(site, scale, library=shelf)
        shelf = library.library
        experiment = experiment_through(
            client,
            django_capture_on_commit_callbacks,
            cast,
            make_agent,
            scale,
            until=until,
            practices=library.practices,
            tools=library.tools,
            title=f"Expé {scale}",
        )
        as_user(client, viewer(cast, role))
        counts[scale], response = visit_queries(client, detail_url(experiment))
        assert response.status_code == 200
        pages[scale] = response.content.decode()

    assert counts[LARGE] == counts[SMALL]
    # The large page does show ten times more (the counts compare full pages).
    large = pages[LARGE]
    assert large.count("Précisez") == (0 if role == "stranger" else LARGE)
    if role != "stranger":
        assert large.count("Note de ") == PARTICIPANTS * LARGE
        assert large.count("Retour ") == LARGE
    if until == DONE:
        assert large.count("/actions/") == 3 * LARGE  # each action's row links to its page
    if until in (DONE, "synthesis"):
        assert "Scores et moyennes de la rétrospective" in large


@pytest.mark.parametrize("role", ["lead", "sponsor"])
def test_my_tasks_costs_the_same_queries_with_ten_times_more_tasks(
    client, make_agent, django_capture_on_commit_callbacks, role
):
    counts = {}
    pages = {}
    for scale in (SMALL, LARGE):
        cast = make_cast(make_agent, name=f"Équipe {scale}")
        tasks_waiting_for(client, django_capture_on_commit_callbacks, cast, make_agent, scale)
        as_user(client, getattr(cast, role))
        counts[scale], response = visit_queries(client, reverse("experiments:my_tasks"))
        pages[scale] = response.content.decode()

    assert counts[LARGE] == counts[SMALL]
    rows = pages[LARGE].count('<th scope="row">')
    assert rows == (6 * LARGE if role == "lead" else LARGE)
    if role == "lead":
        assert pages[LARGE].count("renvoyé par le commanditaire") == LARGE


@pytest.mark.parametrize("role", ["lead", "stranger"])
def test_a_practice_page_costs_the_same_queries_with_ten_times_more_data(
    client, site, make_agent, make_survey, django_capture_on_commit_callbacks, role
):
    counts = {}
    pages = {}
    shelf = None
    for scale in (SMALL, LARGE):
        cast = make_cast(make_agent, name=f"Équipe {scale}")
        library = make_practice_library(site, scale, library=shelf)
        shelf = library.library
        practice = practice_in_use(
            client,
            django_capture_on_commit_callbacks,
            cast,
            make_agent,
            make_survey,
            library,
            scale,
        )
        as_user(client, getattr(cast, role))
        counts[scale], response = visit_queries(client, practice.url)
        assert response.status_code == 200
        pages[scale] = response.content.decode()

    assert counts[LARGE] == counts[SMALL]
    tested_by = pages[LARGE].split('id="tested-title"')[1].split("</section>")[0]
    # The lead sees her finished and running experiments, an outsider the finished ones;
    # another team's running ones stay unseen.
    assert tested_by.count("<li>") == (2 if role == "lead" else 1) * LARGE
    assert "D'une autre équipe" not in tested_by
    assert "sur une échelle de −100 à +100" in pages[LARGE]  # the score, from every survey
