"""The idea box (issue 16, section 6): agents propose, colleagues support and comment,
moderators hide abuse, project leads study, turn down or adopt an idea."""

import datetime
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from experiments import ideas, services
from experiments.models import Experiment, Idea, IdeaComment, IdeaSupport
from intranet.dashboard.ideas import idea_figures
from intranet.dashboard.indicators import Period

from .factories.accounts import DepartmentFactory
from .queries import visit_queries

pytestmark = pytest.mark.django_db

LIST = reverse("experiments:ideas")
NEW = reverse("experiments:idea_new")
PROPOSAL = {
    "title": "Un tableau de suivi partagé des demandes",
    "kind": "tool",
    "problem": "Les demandes des habitants se perdent entre les boîtes mail.",
    "idea": "Un tableau partagé où chaque demande a un responsable et un état.",
    "concerns": "L'accueil et les services techniques.",
}


def url(name, idea):
    return reverse(f"experiments:{name}", args=[idea.pk])


def login(client, agent):
    client.force_login(agent)
    return client


def french(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


@pytest.fixture
def idea(agent):
    return ideas.propose(agent, **PROPOSAL)


@pytest.fixture
def colleague(make_agent):
    return make_agent("Collègue", first_name="Paul")


# Proposing


def test_an_agent_proposes_an_idea_of_her_department(client, agent):
    response = login(client, agent).post(NEW, PROPOSAL)
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == url("idea", idea)
    assert (idea.author, idea.department, idea.status, idea.kind) == (
        agent,
        agent.department,
        Idea.Status.PROPOSED,
        Idea.Kind.TOOL,
    )
    page = french(client.get(url("idea", idea)))
    assert "Merci : votre idée est proposée à vos collègues." in page
    assert "Proposée" in page and "Un usage d'outil" in page


@pytest.mark.parametrize("blank", ["title", "problem", "idea", "concerns", "kind"])
def test_a_proposal_with_a_blank_field_is_refused_and_nothing_is_saved(client, agent, blank):
    response = login(client, agent).post(NEW, {**PROPOSAL, blank: "" if blank == "kind" else "  "})
    assert response.status_code == 200
    assert "Champ requis." in french(response)
    assert not Idea.objects.exists()


def test_a_title_too_long_is_refused(client, agent):
    response = login(client, agent).post(NEW, {**PROPOSAL, "title": "x" * 201})
    assert response.status_code == 200 and not Idea.objects.exists()


# Supporting and commenting


def test_a_colleague_supports_once_and_a_second_click_takes_the_support_back(
    client, idea, colleague
):
    login(client, colleague)
    response = client.post(url("idea_support", idea), follow=True)
    assert "Vous soutenez cette idée." in french(response)
    assert IdeaSupport.objects.filter(idea=idea, agent=colleague).count() == 1
    assert "Retirer mon soutien" in french(response)

    response = client.post(url("idea_support", idea), follow=True)
    assert response.status_code == 200
    assert "Vous ne soutenez plus cette idée." in french(response)
    assert not IdeaSupport.objects.exists()


def test_the_database_refuses_a_second_support_of_the_same_agent(idea, colleague):
    IdeaSupport.objects.create(idea=idea, agent=colleague)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdeaSupport.objects.create(idea=idea, agent=colleague)
    assert IdeaSupport.objects.count() == 1


def test_a_support_recorded_meanwhile_by_another_request_is_no_error(idea, colleague):
    """The race the unique constraint settles: the other request's insert came between this
    one's look and its own insert, which loses without an error; the support stands."""
    IdeaSupport.objects.create(idea=idea, agent=colleague)
    with mock.patch.object(QuerySet, "delete", return_value=(0, {})):
        assert ideas.toggle_support(colleague, idea) is True
    assert IdeaSupport.objects.filter(idea=idea, agent=colleague).count() == 1


def test_the_author_may_not_support_her_own_idea(client, agent, idea):
    response = login(client, agent).post(url("idea_support", idea), follow=True)
    assert "Vous ne pouvez pas soutenir votre propre idée : elle compte déjà." in french(response)
    assert not IdeaSupport.objects.exists()
    assert "Soutenir cette idée" not in french(client.get(url("idea", idea)))


def test_support_is_post_only(client, idea, colleague):
    assert login(client, colleague).get(url("idea_support", idea)).status_code == 405
    assert not IdeaSupport.objects.exists()


def test_a_colleague_comments_and_an_empty_comment_is_refused(client, idea, colleague):
    login(client, colleague)
    response = client.post(url("idea_comment", idea), {"text": "Bonne idée, à l'accueil aussi."})
    assert response.status_code == 302
    comment = IdeaComment.objects.get()
    assert (comment.author, comment.idea) == (colleague, idea)
    assert "Bonne idée, à l'accueil aussi." in french(client.get(url("idea", idea)))

    response = client.post(url("idea_comment", idea), {"text": "  "}, follow=True)
    assert "Le commentaire est vide ou trop long : rien n'a été ajouté." in french(response)
    response = client.post(url("idea_comment", idea), {"text": "x" * 2001}, follow=True)
    assert IdeaComment.objects.count() == 1


# Moderation


def test_a_moderator_hides_an_idea_nobody_else_sees_it_even_by_its_address(
    client, idea, moderator, colleague, lead, agent
):
    IdeaComment.objects.create(idea=idea, author=colleague, text="Un commentaire")
    response = login(client, moderator).post(url("idea_moderate", idea), {"action": "hide"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.hidden and idea.hidden_by == moderator and idea.hidden_at is not None
    # The moderator still sees it, marked hidden.
    assert "Cette idée est masquée" in french(client.get(url("idea", idea)))

    for other in (colleague, lead, agent):  # the author too: abuse is hidden from all
        login(client, other)
        for name in ("idea", "idea_adopt"):
            assert client.get(url(name, idea)).status_code in (403, 404), (name, other)
        assert client.get(url("idea", idea)).status_code == 404
        assert client.post(url("idea_comment", idea), {"text": "Encore"}).status_code == 404
        assert client.post(url("idea_support", idea)).status_code == 404
        assert PROPOSAL["title"] not in french(client.get(LIST))
    assert IdeaComment.objects.count() == 1 and not IdeaSupport.objects.exists()
    assert not Experiment.objects.exists()

    login(client, moderator).post(url("idea_moderate", idea), {"action": "show"})
    idea.refresh_from_db()
    assert not idea.hidden and idea.hidden_by is None
    assert login(client, colleague).get(url("idea", idea)).status_code == 200


def test_a_moderator_hides_a_comment_only_moderators_still_see_it(
    client, idea, moderator, colleague
):
    comment = IdeaComment.objects.create(idea=idea, author=colleague, text="Propos injurieux")
    login(client, moderator).post(
        url("idea_moderate", idea), {"action": "hide", "comment": comment.pk}
    )
    comment.refresh_from_db()
    assert comment.hidden
    assert "Propos injurieux" in french(client.get(url("idea", idea)))
    assert "Propos injurieux" not in french(login(client, colleague).get(url("idea", idea)))


def test_a_comment_of_another_idea_cannot_be_moderated_through_this_one(
    client, idea, moderator, colleague
):
    other = ideas.propose(colleague, **{**PROPOSAL, "title": "Autre idée"})
    comment = IdeaComment.objects.create(idea=other, author=colleague, text="Texte")
    response = login(client, moderator).post(
        url("idea_moderate", idea), {"action": "hide", "comment": comment.pk}
    )
    assert response.status_code == 404
    assert not IdeaComment.objects.get().hidden


@pytest.mark.parametrize("who", ["agent", "colleague", "lead"])
def test_only_moderators_hide_and_nothing_changes_for_others(client, request, idea, who):
    comment = IdeaComment.objects.create(idea=idea, author=idea.author, text="Texte")
    login(client, request.getfixturevalue(who))
    response = client.post(url("idea_moderate", idea), {"action": "hide"})
    assert response.status_code == 403
    response = client.post(url("idea_moderate", idea), {"action": "hide", "comment": comment.pk})
    assert response.status_code == 403
    idea.refresh_from_db()
    comment.refresh_from_db()
    assert not idea.hidden and not comment.hidden


def test_a_superuser_moderates_too(client, idea, make_agent):
    admin = make_agent("Admin", is_superuser=True)
    login(client, admin).post(url("idea_moderate", idea), {"action": "hide"})
    assert Idea.objects.get().hidden


# Status


def test_a_lead_turns_an_idea_down_with_its_reason_shown_to_everyone(
    client, idea, lead, colleague
):
    response = login(client, lead).post(
        url("idea_status", idea), {"status": "rejected", "reason": "Un outil existe déjà."}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.status_reason) == (Idea.Status.REJECTED, "Un outil existe déjà.")
    page = french(login(client, colleague).get(url("idea", idea)))
    assert "Non retenue — Un outil existe déjà." in page
    assert "Non retenue" in french(client.get(LIST, {"status": "rejected"}))
    assert PROPOSAL["title"] not in french(client.get(LIST, {"status": "proposed"}))


def test_a_lead_puts_an_idea_under_study(client, idea, lead):
    login(client, lead).post(
        url("idea_status", idea), {"status": "studying", "reason": "On en parle en comité."}
    )
    assert Idea.objects.get().status == Idea.Status.STUDYING


@pytest.mark.parametrize(
    "data",
    [
        {"status": "rejected", "reason": "  "},
        {"status": "rejected"},
        {"status": "adopted", "reason": "Sans passer par l'adoption"},
        {"reason": "Sans décision"},
    ],
)
def test_a_status_without_its_reason_or_not_allowed_is_refused(client, idea, lead, data):
    response = login(client, lead).post(url("idea_status", idea), data)
    assert response.status_code == 400
    assert "Choisissez une décision et donnez sa raison : rien n'a changé." in french(response)
    idea.refresh_from_db()
    assert (idea.status, idea.status_reason) == (Idea.Status.PROPOSED, "")


@pytest.mark.parametrize("who", ["agent", "colleague", "moderator"])
def test_only_project_leads_set_a_status(client, request, idea, who):
    response = login(client, request.getfixturevalue(who)).post(
        url("idea_status", idea), {"status": "rejected", "reason": "Non"}
    )
    assert response.status_code == 403
    assert Idea.objects.get().status == Idea.Status.PROPOSED


# Adoption


@pytest.fixture
def supported_idea(idea, colleague):
    IdeaSupport.objects.create(idea=idea, agent=colleague)
    return idea


def test_a_lead_adopts_an_idea_the_experiment_starts_prefilled_and_the_author_is_told(
    client, supported_idea, lead, agent, django_capture_on_commit_callbacks
):
    idea = supported_idea
    login(client, lead)
    assert "Adopter et lancer l'expérimentation" in french(client.get(url("idea_adopt", idea)))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("idea_adopt", idea))
    experiment = Experiment.objects.get()
    framing = services.open_task(experiment, "frame")
    assert response.status_code == 302
    assert response["Location"] == reverse("experiments:task", args=[framing.pk])
    assert framing.owner == lead
    assert (experiment.title, experiment.problem, experiment.hypothesis, experiment.lead) == (
        PROPOSAL["title"],
        PROPOSAL["problem"],
        PROPOSAL["idea"],
        lead,
    )
    assert experiment.department == agent.department
    assert list(experiment.participants.all()) == [agent]
    idea.refresh_from_db()
    assert (idea.status, idea.experiment) == (Idea.Status.ADOPTED, experiment)

    [message] = mail.outbox
    assert message.to == [agent.email]
    assert f"Votre idée « {PROPOSAL['title']} » est adoptée" == message.subject
    assert "vous faites partie de son équipe" in message.body
    assert url("idea", idea) in message.body

    # The framing form shows the prefilled problem; the idea links to its experiment.
    assert PROPOSAL["problem"] in client.get(response["Location"]).content.decode()
    page = french(login(client, agent).get(url("idea", idea)))
    assert "Adoptée" in page and "l'expérimentation « " in page
    # The author, a participant now, opens the experiment.
    assert client.get(reverse("experiments:detail", args=[experiment.pk])).status_code == 200


def test_an_author_without_e_mail_is_not_written_to(
    client, idea, agent, lead, django_capture_on_commit_callbacks
):
    agent.email, agent.external_id = None, "M4521"
    agent.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(client, lead).post(url("idea_adopt", idea))
    assert Experiment.objects.get().participants.get() == agent
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["agent", "colleague", "moderator", "sponsor"])
def test_only_project_leads_adopt_and_nothing_changes_for_others(client, request, idea, who):
    login(client, request.getfixturevalue(who))
    assert client.get(url("idea_adopt", idea)).status_code == 403
    assert client.post(url("idea_adopt", idea)).status_code == 403
    assert not Experiment.objects.exists() and not Task.objects.exists()
    assert Idea.objects.get().status == Idea.Status.PROPOSED


def test_adopting_twice_starts_one_experiment(client, idea, lead, make_agent):
    from intranet.accounts import roles

    from .conftest import member_of

    second_lead = member_of(roles.PROJECT_LEADS, make_agent, "Seconde", "Lou")
    login(client, lead).post(url("idea_adopt", idea))
    response = login(client, second_lead).post(url("idea_adopt", idea), follow=True)
    assert "Cette idée est déjà adoptée : aucune expérimentation n'a été lancée." in french(
        response
    )
    with pytest.raises(ideas.AlreadyAdopted):
        ideas.adopt(lead, idea.pk)
    assert Experiment.objects.count() == 1
    assert Idea.objects.get().experiment.lead == lead


def test_an_adopted_idea_keeps_its_status(client, idea, lead, colleague):
    ideas.adopt(lead, idea.pk)
    login(client, lead).post(url("idea_status", idea), {"status": "rejected", "reason": "Non"})
    assert Idea.objects.get().status == Idea.Status.ADOPTED
    response = login(client, colleague).post(url("idea_support", idea), follow=True)
    assert "Cette idée est adoptée : elle ne reçoit plus de soutiens." in french(response)
    assert not IdeaSupport.objects.exists()


# Lists and pages cost the same queries whatever the data


def test_the_list_filters_sorts_and_counts_supports(client, agent, colleague, make_agent):
    quiet = ideas.propose(agent, **{**PROPOSAL, "title": "Idée discrète"})
    popular = ideas.propose(colleague, **{**PROPOSAL, "title": "Idée populaire"})
    for index in range(3):
        IdeaSupport.objects.create(idea=popular, agent=make_agent(f"Soutien{index}"))
    IdeaSupport.objects.create(idea=popular, agent=agent)
    response = login(client, agent).get(LIST, {"order": "supported"})
    assert [idea.title for idea in response.context["ideas"]] == [popular.title, quiet.title]
    assert [idea.support_count for idea in response.context["ideas"]] == [4, 0]
    assert "4 (dont le vôtre)" in french(response)
    assert "Boîte à idées" in french(client.get(reverse("experiments:list")))


def test_list_and_detail_cost_the_same_queries_with_ten_times_the_ideas(
    client, agent, colleague, make_agent
):
    supporters = [make_agent(f"Soutien{index}") for index in range(10)]

    def grow(count):
        for index in range(count):
            idea = ideas.propose(colleague, **{**PROPOSAL, "title": f"Idée {index}"})
            IdeaSupport.objects.create(idea=idea, agent=supporters[index])
            IdeaComment.objects.create(idea=idea, author=supporters[index], text="Oui")
        return idea

    first = grow(1)
    login(client, agent)
    list_queries, _ = visit_queries(client, LIST)
    detail_queries, _ = visit_queries(client, url("idea", first))
    for index in range(9):
        IdeaComment.objects.create(idea=first, author=supporters[index], text=f"Avis {index}")
        IdeaSupport.objects.get_or_create(idea=first, agent=supporters[index])
    grow(9)
    assert visit_queries(client, LIST)[0] == list_queries
    counts, response = visit_queries(client, url("idea", first))
    assert counts == detail_queries
    assert len(response.context["idea"].visible_comments) == 10


# The dashboard


@pytest.fixture
def city(make_agent):
    """A direction with two services: 5 ideas of its own, 6 in one service, 2 in the other."""
    direction = DepartmentFactory(name="Direction des services techniques")
    roads = DepartmentFactory(name="Service voirie", parent=direction)
    parks = DepartmentFactory(name="Service espaces verts", parent=direction)
    for department, count in ((direction, 5), (roads, 6), (parks, 2)):
        for index in range(count):
            author = make_agent(f"{department.name} {index}", department=department)
            ideas.propose(author, **{**PROPOSAL, "title": f"{department.name} {index}"})
    return direction, roads, parks


def this_month():
    today = timezone.localdate()
    return Period(today - datetime.timedelta(days=30), today)


def test_the_dashboard_counts_ideas_proposed_supported_and_adopted(city, make_agent, lead):
    direction, roads, parks = city
    road_ideas = list(Idea.objects.filter(department=roads))
    for supporter in (make_agent("S1"), make_agent("S2")):
        IdeaSupport.objects.create(idea=road_ideas[0], agent=supporter)
    IdeaSupport.objects.create(idea=road_ideas[1], agent=supporter)
    ideas.adopt(lead, road_ideas[2].pk)
    abuse = Idea.objects.filter(department=direction).first()
    Idea.objects.filter(pk=abuse.pk).update(hidden=True)  # not counted

    figures = idea_figures(direction, this_month(), minimum=5)
    rows = {row.department: row for row in figures.rows}
    assert rows[roads].figures.total == 6
    assert (rows[roads].figures.supported, rows[roads].figures.supports) == (2, 3)
    assert rows[roads].figures.adopted == 1
    assert figures.total.figures.total == 12 and rows[direction].figures.total == 12

    # Ideas proposed before the period do not count.
    Idea.objects.filter(department=direction).update(
        created=timezone.now() - datetime.timedelta(days=90)
    )
    assert idea_figures(None, this_month(), minimum=5).total.figures.total == 8


def test_a_department_with_fewer_than_k_ideas_shows_no_number_nor_a_derivable_one(
    client, city, make_agent
):
    direction, roads, parks = city
    figures = idea_figures(direction, this_month(), minimum=5)
    rows = {row.department: row for row in figures.rows}
    assert rows[parks].hidden  # 2 ideas
    assert not rows[roads].hidden and not rows[direction].hidden

    admin = make_agent("Admin", is_superuser=True)
    period = this_month()
    response = login(client, admin).get(
        reverse("dashboard:dashboard"),
        {"start": period.first_day.isoformat(), "end": period.last_day.isoformat()},
    )
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.find(id="idees")
    cells = {
        row.th.get_text(" ", strip=True).lstrip("› "): [
            td.get_text(strip=True) for td in row("td")
        ]
        for row in table.tbody("tr")
    }
    assert cells["Service espaces verts"] == ["Pas assez d'idées."]
    assert cells["Service voirie"] == ["6", "0", "0", "0"]
    assert cells["Direction des services techniques"] == ["13", "0", "0", "0"]
    # The parks' 2 cannot be derived: the direction's own 5 ideas are not listed.
    assert "Direction des services techniques" in cells and "2" not in sum(cells.values(), [])


def test_a_city_with_fewer_than_k_ideas_shows_no_number_at_all(make_agent, department):
    for index in range(4):
        ideas.propose(make_agent(f"A{index}"), **PROPOSAL)
    figures = idea_figures(None, this_month(), minimum=5)
    assert figures.total.hidden and all(row.hidden for row in figures.rows)


# The demo


def test_the_demo_has_ideas_in_every_status_one_adopted_as_an_experiment(client):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Idea.objects.count() == 12
    assert set(Idea.objects.values_list("status", flat=True)) == set(Idea.Status.values)
    adopted = Idea.objects.get(status=Idea.Status.ADOPTED)
    assert adopted.experiment.participants.filter(pk=adopted.author_id).exists()
    assert IdeaSupport.objects.exists() and IdeaComment.objects.filter(hidden=True).exists()
    hidden = Idea.objects.get(hidden=True)
    agent = Idea.objects.exclude(author=hidden.author).first().author
    assert login(client, agent).get(url("idea", hidden)).status_code == 404
    assert client.get(LIST).status_code == 200
