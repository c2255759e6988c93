import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from practices import services
from practices.models import Enrolment
from practices.wagtail_hooks import HOME_REVIEWS

from .queries import visit_queries
from .support.practices import (
    enrol,
    make_charter,
    make_library,
    make_onboarding,
    make_practice,
    make_session,
    make_training,
    make_training_catalogue,
)

pytestmark = pytest.mark.django_db


def home(client):
    return client.get("/").content.decode()


def test_home_asks_to_sign_the_charter_until_it_is_signed(agent_client, agent, site):
    charter = make_charter(site)
    assert "Signer la charte de collaboration" in home(agent_client)
    services.sign_charter(charter, agent)
    assert "Signer la charte" not in home(agent_client)
    charter.version = 2
    charter.save_revision().publish()
    content = home(agent_client)
    assert "La charte de collaboration a changé" in content
    assert "La version 2 attend votre engagement." in content


def test_home_shows_the_onboarding_progress_of_a_newcomer(agent_client, agent, site):
    onboarding = make_onboarding(site)
    services.set_step_done(onboarding.steps.first(), agent, True)
    agent.arrival_date = timezone.localdate() - datetime.timedelta(days=20)
    agent.save()
    assert "Votre intégration : 1 étapes faites sur 3" in home(agent_client)
    for step in onboarding.steps.all():
        services.set_step_done(step, agent, True)
    assert "Votre intégration" not in home(agent_client)


def test_home_shows_no_onboarding_to_agents_who_arrived_long_ago(agent_client, agent, site):
    make_onboarding(site)
    agent.arrival_date = datetime.date(2015, 9, 1)
    agent.save()
    assert "Votre intégration" not in home(agent_client)


def test_home_lists_my_next_training_sessions(agent_client, agent, site, make_agent):
    training = make_training(make_training_catalogue(site), "Bien démarrer avec la visio")
    enrol(make_session(training, days=-3), agent, Enrolment.Status.ATTENDED)
    enrol(make_session(training, days=4, place="Médiathèque, salle 2"), agent)
    full = make_session(make_training(training.get_parent(), "Projet"), days=9, capacity=1)
    enrol(full, make_agent())
    enrol(full, agent, Enrolment.Status.WAITING)
    content = home(agent_client)
    assert content.count("Formation « ") == 2
    assert "Médiathèque, salle 2" in content
    assert "Vous êtes sur la liste d’attente." in content


def test_home_leaves_out_sessions_of_trainings_the_agent_may_not_open(agent_client, agent, site):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    catalogue = make_training_catalogue(site)
    open_training = make_training(catalogue, "Bien démarrer avec la visio")
    reserved = make_training(catalogue, "Réservée aux éditeurs")
    withdrawn = make_training(catalogue, "Retirée")
    for training in (open_training, reserved, withdrawn):
        enrol(make_session(training, days=4), agent)
    restriction = PageViewRestriction.objects.create(
        page=reserved, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Éditeurs")])
    withdrawn.unpublish()

    content = home(agent_client)

    assert "Bien démarrer avec la visio" in content
    assert "Réservée aux éditeurs" not in content
    assert "Retirée" not in content
    agent.groups.add(Group.objects.get(name="Éditeurs"))
    assert "Réservée aux éditeurs" in home(agent_client)


def test_home_announces_the_latest_practices(agent_client, site):
    library = make_library(site)
    old = make_practice(library, "Une vieille pratique")
    old.first_published_at = timezone.now() - datetime.timedelta(days=90)
    old.save()
    new = make_practice(library, "Une pratique toute neuve")
    content = home(agent_client)
    assert f"Nouvelle pratique : {new.title}" in content
    assert old.title not in content.split("Derniers contenus")[0]


def submitted(page, author):
    """``page``, changed by ``author`` and submitted to its moderation workflow."""
    page.save_revision(user=author)
    page.get_workflow().start(page, author)
    return page


def test_a_moderator_s_home_lists_the_pages_awaiting_her_review(
    client, site, make_agent, editor, moderator
):
    library = make_library(site)
    waiting = submitted(make_practice(library, "Animer une réunion hybride"), editor)
    make_practice(library, "Une pratique publiée sans changement")

    client.force_login(moderator)
    content = home(client)

    assert f"Page en attente de votre validation : {waiting.title}" in content
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[waiting.pk])}"' in content
    assert "validation : Une pratique publiée sans changement" not in content
    for someone_else in (editor, make_agent()):
        client.force_login(someone_else)
        assert "Page en attente de votre validation" not in home(client)

    client.force_login(moderator)
    task_state = waiting.current_workflow_task_state
    task_state.approve(user=moderator)
    assert "Page en attente de votre validation" not in home(client)


def test_a_moderator_s_home_lists_the_oldest_reviews_and_counts_the_others(
    client, site, editor, moderator
):
    library = make_library(site)
    waiting = [submitted(make_practice(library), editor) for _ in range(HOME_REVIEWS + 2)]

    client.force_login(moderator)
    content = home(client)

    assert content.count("Page en attente de votre validation : ") == HOME_REVIEWS
    edit_links = [
        f'href="{reverse("wagtailadmin_pages:edit", args=[page.pk])}"' for page in waiting
    ]
    assert [link in content for link in edit_links] == [True] * HOME_REVIEWS + [False] * 2
    assert "2 autres pages attendent votre validation" in content
    assert f'href="{reverse("wagtailadmin_home")}"' in content


def test_home_costs_the_same_queries_with_ten_times_more_content(
    agent_client, agent, site, make_agent
):
    agent.groups.add(Group.objects.get(name="Modérateurs"))
    make_charter(site)
    onboarding = make_onboarding(site)
    agent.arrival_date = timezone.localdate()
    agent.save()
    library = make_library(site)
    training = make_training(make_training_catalogue(site))

    def add(count):
        for index in range(count):
            make_practice(library)
            session = make_session(training, days=index + 1)
            enrol(session, make_agent())
            submitted(make_practice(library), make_agent())
        services.set_step_done(onboarding.steps.first(), make_agent(), True)

    small, _response = visit_queries(agent_client, "/")
    add(20)
    assert visit_queries(agent_client, "/")[0] == small
    assert small[1] < small[0]
