"""Property: whatever the lead posts to the framing form — any text, any date, the ids of
objects that are not allowed — the answer is a page, never a 500, and a refused form
changes nothing."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from viewflow.workflow.models import Task

from experiments import services
from experiments.models import Experiment
from intranet.accounts.models import Department
from intranet.accounts.roles import PROJECT_LEADS, SPONSORS

from .support.practices import make_library, make_practice, make_tool

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
dates = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        [
            "",
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "31/12/2026",
            "2026-13-01",
            "demain",
            "\x00",
        ]
    ),
    texts,
)


@pytest.fixture
def framing(make_agent, site):
    lead = make_agent("Cheffe")
    lead.groups.add(Group.objects.get(name=PROJECT_LEADS))
    sponsor = make_agent("Commanditaire")
    sponsors = Group.objects.get(name=SPONSORS)
    sponsor.groups.add(sponsors)
    lead.groups.add(sponsors)  # a lead who is also a sponsor must not pick themself
    departed = make_agent("Partie", is_active=False)
    departed.groups.add(sponsors)
    library = make_library(site)
    live = make_practice(library)
    draft = make_practice(library, title="Brouillon")
    draft.unpublish()
    tool = make_tool()
    experiment = services.start(lead, "Cadrage")
    task = services.open_task(experiment, "frame")
    ids = {
        "sponsor": [sponsor.pk, lead.pk, departed.pk, make_agent().pk, 0, -1, 10**12],
        "department": [Department.objects.first().pk, 0, 10**12],
        "practices": [live.pk, draft.pk, site.pk, 10**12],
        "tools": [tool.pk, 0, 10**12],
    }
    return lead, experiment, task, ids, {"sponsor": sponsor, "live": live}


def id_values(choices):
    """Mostly ids of real objects, some of them not allowed here; else any text."""
    ids = st.sampled_from(choices).map(str)
    return st.integers(0, 3).flatmap(lambda draw: texts if draw == 0 else ids)


def either(valid, fuzz, odds=4):
    """Mostly what the form would send, else anything: all fields valid at once happens too."""
    return st.integers(0, odds).flatmap(lambda draw: fuzz if draw == 0 else st.just(valid))


def framing_post(ids):
    sponsor, department, live, tool = (
        ids["sponsor"][0],
        ids["department"][0],
        ids["practices"][0],
        ids["tools"][0],
    )
    return st.fixed_dictionaries(
        {
            "title": either(
                "Réunions hybrides",
                st.one_of(texts, st.text(alphabet="x", min_size=199, max_size=202)),
            ),
            "problem": either("Les agents décrochent.", texts),
            "hypothesis": either("Un micro de salle.", texts),
            "success_criteria": either("Score supérieur à 30.", texts),
            "planned_start": either("2026-12-01", dates),
            "planned_end": either("2027-01-31", dates),
            "sponsor": either(str(sponsor), id_values(ids["sponsor"]), odds=1),
        },
        optional={
            "department": either(str(department), id_values(ids["department"])),
            "practices": either(
                [str(live)], st.lists(id_values(ids["practices"]), max_size=3), odds=1
            ),
            "tools": either([str(tool)], st.lists(id_values(ids["tools"]), max_size=3)),
            "submit": st.just("1"),
        },
    )


def experiment_row(experiment):
    experiment = Experiment.objects.get(pk=experiment.pk)
    return model_to_dict(experiment)


@FUZZ
@given(data=st.data())
def test_any_framing_post_gets_a_page_and_saves_only_what_is_allowed(client, framing, data):
    lead, experiment, task, ids, allowed = framing
    post = data.draw(framing_post(ids))
    client.force_login(lead)
    with transaction.atomic():
        before = experiment_row(experiment)
        response = client.post(reverse("experiments:task", args=[task.pk]), post)
        assert response.status_code in (200, 302), response.status_code
        event(f"HTTP {response.status_code}{' submit' if 'submit' in post else ''}")
        saved = Experiment.objects.get(pk=experiment.pk)
        if response.status_code == 200:
            assert experiment_row(experiment) == before
        else:
            assert saved.sponsor_id in (None, allowed["sponsor"].pk)
            assert set(saved.practices.values_list("pk", flat=True)) <= {allowed["live"].pk}
            if saved.planned_start and saved.planned_end:
                assert saved.planned_start <= saved.planned_end
            assert "\x00" not in saved.title + saved.problem + saved.hypothesis
            assert 0 < len(saved.title) <= 200
        submitted = Task.objects.get(pk=task.pk).status not in ("NEW", "ASSIGNED", "STARTED")
        if submitted:
            assert response.status_code == 302 and "submit" in post
            assert saved.sponsor_id == allowed["sponsor"].pk
            assert saved.problem.strip() and saved.hypothesis.strip()
        transaction.set_rollback(True)
