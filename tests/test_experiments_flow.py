import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from experiments import services
from experiments.flows import ExperimentFlow
from experiments.models import ActionItem, Experiment, JournalEntry
from intranet.accounts.importers import directory_csv, import_agents
from surveys.models import Invitation, Question
from surveys.services import submit_response

from .queries import visit_queries
from .support.experiments import (
    advanced_to,
    as_user,
    framing,
    open_task,
    past_its_closing_date,
    post_task,
    started,
)


@pytest.fixture
def stranger(make_agent):
    return make_agent("Inconnu")


def test_only_project_leads_can_start_an_experiment(
    client, stranger, lead, django_capture_on_commit_callbacks
):
    assert (
        as_user(client, stranger).post(reverse("experiments:new"), {"title": "X"}).status_code
        == 403
    )
    assert Experiment.objects.count() == 0
    experiment = started(client, lead, django_capture_on_commit_callbacks)
    assert open_task(experiment, "frame").owner == lead


def test_a_draft_framing_is_saved_without_leaving_the_stage(
    client, lead, sponsor, django_capture_on_commit_callbacks
):
    experiment = started(client, lead, django_capture_on_commit_callbacks)
    response = post_task(
        client,
        lead,
        experiment,
        "frame",
        framing(sponsor, sponsor="", problem="Brouillon", submit=None, save="1"),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert experiment.problem == "Brouillon"
    assert open_task(experiment, "frame").status == STATUS.ASSIGNED
    assert open_task(experiment, "review") is None


def test_an_incomplete_framing_cannot_go_to_the_sponsor(
    client, lead, sponsor, django_capture_on_commit_callbacks
):
    experiment = started(client, lead, django_capture_on_commit_callbacks)
    response = post_task(
        client,
        lead,
        experiment,
        "frame",
        framing(sponsor, sponsor="", hypothesis=""),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert "Nécessaire avant l’envoi pour validation" in response.content.decode()
    assert open_task(experiment, "review") is None


@pytest.fixture
def practice_library(site):
    from practices.models import PracticeCategory, PracticeIndexPage

    PracticeCategory.objects.create(name="Réunions", slug="reunions")
    library = PracticeIndexPage(title="Pratiques", slug="pratiques")
    site.add_child(instance=library)
    return library


def test_the_whole_lifecycle_with_a_send_back(
    client,
    lead,
    sponsor,
    participants,
    stranger,
    practice_library,
    django_capture_on_commit_callbacks,
):
    callbacks = django_capture_on_commit_callbacks
    experiment = started(client, lead, callbacks)
    post_task(client, lead, experiment, "frame", framing(sponsor), callbacks)
    review = open_task(experiment, "review")
    assert review.owner == sponsor
    assert mail.outbox[-1].to == [sponsor.email]

    # The lead cannot approve their own framing.
    response = as_user(client, lead).post(
        reverse("experiments:task", args=[review.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == STATUS.ASSIGNED

    # Sent back: comment required, then the lead revises.
    response = post_task(
        client, sponsor, experiment, "review", {"decision": "send_back"}, callbacks
    )
    assert response.status_code == 200
    post_task(
        client,
        sponsor,
        experiment,
        "review",
        {"decision": "send_back", "comment": "Précisez les critères."},
        callbacks,
    )
    frame = open_task(experiment, "frame")
    assert frame.owner == lead
    page = as_user(client, lead).get(reverse("experiments:task", args=[frame.pk])).content.decode()
    assert "Précisez les critères." in page
    post_task(
        client,
        lead,
        experiment,
        "frame",
        framing(sponsor, success_criteria="Score > 30 et 80 % de participation"),
        callbacks,
    )
    post_task(client, sponsor, experiment, "review", {"decision": "approve"}, callbacks)

    # Launch: participants by e-mail address, each notified.
    launch = open_task(experiment, "launch")
    assert launch.owner == lead
    outbox_before = len(mail.outbox)
    response = post_task(
        client,
        lead,
        experiment,
        "launch",
        {
            "planned_start": "2026-12-01",
            "planned_end": "2027-01-31",
            "participant_emails": "\n".join(agent.email.upper() for agent in participants),
        },
        callbacks,
    )
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert set(experiment.participants.all()) == set(participants)
    notified = {message.to[0] for message in mail.outbox[outbox_before:]}
    assert {agent.email for agent in participants} <= notified

    # Run: participants write in the journal; strangers cannot.
    as_user(client, participants[0]).post(
        reverse("experiments:journal", args=[experiment.pk]),
        {"kind": "observation", "text": "Le micro de salle aide beaucoup."},
    )
    assert (
        as_user(client, stranger)
        .post(
            reverse("experiments:journal", args=[experiment.pk]),
            {"kind": "observation", "text": "x"},
        )
        .status_code
        == 403
    )
    assert JournalEntry.objects.count() == 1
    post_task(client, lead, experiment, "run", {"confirm": "on"}, callbacks)

    # Retrospective: a survey for the participants and the lead.
    experiment.refresh_from_db()
    survey = experiment.retrospective_survey
    assert survey is not None
    assert survey.invitations.count() == len(participants) + 1
    kinds = list(survey.questions.values_list("kind", flat=True))
    assert kinds.count(Question.Kind.RECOMMENDATION) == experiment.practices.count() + 1
    question = survey.questions.filter(kind=Question.Kind.RECOMMENDATION).last()
    for invitation in Invitation.objects.filter(survey=survey):
        submit_response(invitation, {question: 9})
    post_task(client, lead, experiment, "retrospective", {"confirm": "on"}, callbacks)
    survey.refresh_from_db()
    assert survey.closed_at is not None

    # Synthesis with the results in view, then the action plan.
    synthesis = open_task(experiment, "synthesis")
    page = (
        as_user(client, lead)
        .get(reverse("experiments:task", args=[synthesis.pk]))
        .content.decode()
    )
    assert "+100" in page
    post_task(
        client,
        lead,
        experiment,
        "synthesis",
        {"synthesis": "Le format fonctionne.", "decision": "generalise"},
        callbacks,
    )
    response = post_task(
        client,
        lead,
        experiment,
        "action_plan",
        {
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "1",
            "actions-MAX_NUM_FORMS": "1000",
            "actions-0-what": "Équiper les salles de micros",
            "actions-0-owner_email": sponsor.email,
            "actions-0-due_date": "2027-03-01",
            "new_titles": "Animer une réunion hybride",
        },
        callbacks,
    )
    assert response.status_code == 302
    experiment.refresh_from_db()
    # The follow-up stage (issue 16 §4) waits for the follow-up surveys, months later.
    assert experiment.status != PROCESS.DONE
    assert open_task(experiment, "follow_up").owner == lead
    assert experiment.follow_ups.count() == 2
    assert ActionItem.objects.get().owner == sponsor
    spread = experiment.spread_practices.get()
    assert spread.title == "Animer une réunion hybride"
    assert not spread.live
    assert spread.owner == lead
    assert spread.current_workflow_state is not None

    # The lead ends it before the follow-ups (tests/test_experiments_follow_up.py: after them).
    post_task(
        client, lead, experiment, "follow_up", {"reason": "Généralisé sans attendre."}, callbacks
    )
    experiment.refresh_from_db()
    assert experiment.status == PROCESS.DONE


def test_the_retrospective_ends_when_its_survey_closes_at_its_date(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "retrospective", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    past_its_closing_date(experiment.retrospective_survey)
    call_command("send_survey_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert open_task(experiment, "retrospective") is None
    assert open_task(experiment, "synthesis").owner == lead


@pytest.mark.parametrize(
    "stage", ["frame", "review", "launch", "run", "retrospective", "synthesis", "action_plan"]
)
def test_nobody_but_the_assignee_performs_a_stage(
    client, lead, sponsor, participants, stranger, stage, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, stage, lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    task = open_task(experiment, stage)
    intruders = [stranger, participants[0], sponsor if task.owner == lead else lead]
    for intruder in intruders:
        client.force_login(intruder)
        assert client.get(reverse("experiments:task", args=[task.pk])).status_code == 403
        assert (
            client.post(
                reverse("experiments:task", args=[task.pk]),
                {"confirm": "on", "decision": "approve"},
            ).status_code
            == 403
        )
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED
    assert Task.objects.filter(process_id=experiment.pk, status=STATUS.ASSIGNED).count() == 1


def test_a_done_task_says_so_instead_of_running_twice(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "review", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    task = open_task(experiment, "review")
    post_task(
        client,
        sponsor,
        experiment,
        "review",
        {"decision": "approve"},
        django_capture_on_commit_callbacks,
    )
    response = as_user(client, sponsor).post(
        reverse("experiments:task", args=[task.pk]), {"decision": "approve"}
    )
    assert response.status_code == 200
    assert "Cette tâche est déjà faite" in response.content.decode()
    assert (
        Task.objects.filter(process_id=experiment.pk, flow_task=ExperimentFlow.launch).count() == 1
    )


def test_who_sees_an_experiment(
    client, lead, sponsor, participants, stranger, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "run", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    url = reverse("experiments:detail", args=[experiment.pk])
    for agent in (lead, sponsor, participants[0]):
        assert as_user(client, agent).get(url).status_code == 200
    assert as_user(client, stranger).get(url).status_code == 403
    assert (
        as_user(client, stranger)
        .get(reverse("experiments:chart", args=[experiment.pk]))
        .status_code
        == 403
    )
    chart = as_user(client, lead).get(reverse("experiments:chart", args=[experiment.pk]))
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content
    listing = as_user(client, stranger).get(reverse("experiments:list")).content.decode()
    assert experiment.title not in listing


def test_a_finished_experiment_shows_its_public_summary_to_everyone(
    client, lead, sponsor, participants, stranger, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "action_plan", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    JournalEntry.objects.create(
        experiment=experiment, author=lead, kind="difficulty", text="Note interne"
    )
    post_task(
        client,
        lead,
        experiment,
        "action_plan",
        {
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "1",
            "actions-MAX_NUM_FORMS": "1000",
            "actions-0-what": "Diffuser",
            "actions-0-owner_email": lead.email,
            "actions-0-due_date": "2027-02-01",
        },
        django_capture_on_commit_callbacks,
    )
    post_task(
        client,
        lead,
        experiment,
        "follow_up",
        {"reason": "Pas de suivi pour ce test."},
        django_capture_on_commit_callbacks,
    )
    assert Experiment.objects.get(pk=experiment.pk).status == PROCESS.DONE
    content = (
        as_user(client, stranger)
        .get(reverse("experiments:detail", args=[experiment.pk]))
        .content.decode()
    )
    assert "Bien." in content
    assert "Diffuser" in content
    assert "Note interne" not in content


def test_my_tasks_and_the_home_page_list_what_waits_for_me(
    client, lead, sponsor, participants, site, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "review", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    tasks_page = as_user(client, sponsor).get(reverse("experiments:my_tasks")).content.decode()
    assert experiment.title in tasks_page
    assert "Validation" in tasks_page
    home = as_user(client, sponsor).get("/").content.decode()
    assert f"Validation : {experiment.title}" in home
    assert (
        experiment.title
        not in as_user(client, lead).get(reverse("experiments:my_tasks")).content.decode()
    )


def test_list_and_page_cost_the_same_queries_as_experiments_grow(
    client,
    lead,
    sponsor,
    participants,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = advanced_to(
        client, "run", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    JournalEntry.objects.create(experiment=first, author=lead, kind="observation", text="a")
    as_user(client, lead)
    pages = [
        reverse("experiments:list"),
        reverse("experiments:detail", args=[first.pk]),
        reverse("experiments:my_tasks"),
    ]
    counts = []
    for url in pages:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    for _ in range(4):
        other = advanced_to(
            client, "run", lead, sponsor, participants, django_capture_on_commit_callbacks
        )
        JournalEntry.objects.bulk_create(
            JournalEntry(experiment=first, author=agent, kind="observation", text="b")
            for agent in participants
        )
        assert other.pk
    as_user(client, lead)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_num_queries(count):
            client.get(url)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers; the race between two completions only exists on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_make_one_transition(
    make_agent, django_capture_on_commit_callbacks
):
    import threading

    lead = make_agent("Cheffe")
    lead.groups.add(Group.objects.get_or_create(name="Chefs de projet")[0])
    sponsor = make_agent("Commanditaire")
    experiment = services.start(lead, "Concurrence")

    def frame(experiment, task):
        experiment.sponsor = sponsor
        experiment.save(update_fields=["sponsor"])

    services.perform(open_task(experiment, "frame").pk, lead, frame)
    review = open_task(experiment, "review")
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(experiment, task):
        experiment.approved = True
        experiment.save(update_fields=["approved"])

    def complete():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.perform(review.pk, sponsor, approve)
            outcomes.append("done")
        except services.TaskAlreadyDone:
            outcomes.append("already done")
        except FlowLockFailed:
            outcomes.append("retry")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("done") == 1
    assert sorted(outcomes) in (["already done", "done"], ["done", "retry"])
    assert (
        Task.objects.filter(process_id=experiment.pk, flow_task=ExperimentFlow.launch).count() == 1
    )


def test_a_practice_page_lists_the_experiments_that_tested_it(
    client,
    lead,
    sponsor,
    participants,
    stranger,
    practice_library,
    django_capture_on_commit_callbacks,
):
    from practices.models import PracticeCategory, PracticePage

    practice = PracticePage(
        title="Le micro de salle",
        slug="micro",
        summary="Un micro pour tous.",
        category=PracticeCategory.objects.get(),
        body=[],
    )
    practice_library.add_child(instance=practice)
    practice.save_revision().publish()
    experiment = advanced_to(
        client, "run", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    experiment.practices.add(practice)
    assert experiment.title in as_user(client, lead).get(practice.url).content.decode()
    # Not finished and not involved: the stranger does not see it listed.
    assert experiment.title not in as_user(client, stranger).get(practice.url).content.decode()


# The page's shared parts are cached under the experiment's revision and the content version:
# every change shows at the next visit, and what belongs to one viewer (their tasks, the
# journal form, the team's own parts) never reaches another.


@pytest.fixture
def running(client, lead, sponsor, participants, django_capture_on_commit_callbacks):
    return advanced_to(
        client, "run", lead, sponsor, participants, django_capture_on_commit_callbacks
    )


def page_of(client, agent, experiment):
    url = reverse("experiments:detail", args=[experiment.pk])
    return as_user(client, agent).get(url).content.decode()


def test_a_journal_entry_shows_at_the_next_visit(client, running, lead):
    assert "Micro de salle" not in page_of(client, lead, running)

    JournalEntry.objects.create(
        experiment=running, author=lead, kind="observation", text="Micro de salle"
    )

    assert "Micro de salle" in page_of(client, lead, running)


def test_a_stage_done_shows_in_the_stepper_and_the_history(
    client, running, lead, django_capture_on_commit_callbacks
):
    def history_rows():
        history = page_of(client, lead, running).split("Qui a fait quoi, et quand")[1]
        return history.split("</table>")[0].count('<th scope="row">')

    before = history_rows()

    post_task(client, lead, running, "run", {"confirm": "on"}, django_capture_on_commit_callbacks)

    assert history_rows() == before + 1


def test_a_new_participant_and_a_renamed_agent_show_at_once(client, running, lead, make_agent):
    newcomer = make_agent("Nouvelle", first_name="Inès")
    assert "Inès Nouvelle" not in page_of(client, lead, running)

    running.participants.add(newcomer)
    assert "Inès Nouvelle" in page_of(client, lead, running)

    newcomer.last_name = "Mariée"
    newcomer.save()
    assert "Inès Mariée" in page_of(client, lead, running)


def test_a_name_changed_by_the_directory_import_shows_at_once(client, running, lead):
    participant = running.participants.order_by("pk").first()
    participant.external_id = "M0042"
    participant.save()
    page_of(client, lead, running)

    directory = directory_csv(
        [
            [
                "M0042",
                "Renommé",
                "Paul",
                participant.email,
                participant.department.parent.name,
                participant.department.name,
                "",
                "",
                "",
            ]
        ]
    )
    import_agents(directory)

    assert "Paul Renommé" in page_of(client, lead, running)


def test_an_action_changed_shows_at_once(client, running, lead):
    action = ActionItem.objects.create(
        experiment=running, what="Diffuser le guide", due_date=datetime.date(2027, 2, 1)
    )
    Experiment.objects.filter(pk=running.pk).update(decision="adapt")
    running.refresh_from_db()
    running.save()
    assert "Diffuser le guide" in page_of(client, lead, running)

    action.what = "Former les animateurs"
    action.save()

    assert "Former les animateurs" in page_of(client, lead, running)


def test_each_viewer_sees_only_their_own_tasks_and_form(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "review", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    assert "Ce qui vous attend" in page_of(client, sponsor, experiment)
    assert "Ce qui vous attend" not in page_of(client, lead, experiment)
    assert "Ce qui vous attend" in page_of(client, sponsor, experiment)


def test_outsiders_of_a_finished_experiment_never_get_the_team_s_cached_parts(
    client, lead, sponsor, participants, stranger, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "action_plan", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    Experiment.objects.filter(pk=experiment.pk).update(status="DONE")
    JournalEntry.objects.create(
        experiment=experiment, author=lead, kind="difficulty", text="Note interne"
    )
    assert "Note interne" in page_of(client, lead, experiment)

    public = page_of(client, stranger, experiment)
    assert "Note interne" not in public
    assert "Les agents à distance décrochent." not in public
    assert participants[0].get_full_name() not in public


def test_the_page_costs_fewer_queries_once_cached_and_the_same_as_experiments_grow(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "run", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    url = reverse("experiments:detail", args=[experiment.pk])
    as_user(client, lead)

    def add(count):
        for number in range(count):
            JournalEntry.objects.create(
                experiment=experiment, author=lead, kind="observation", text=f"Note {number}"
            )
            ActionItem.objects.create(
                experiment=experiment, what=f"Action {number}", due_date=datetime.date(2027, 2, 1)
            )

    add(1)
    small, _response = visit_queries(client, url)
    add(10)
    assert visit_queries(client, url)[0] == small
    assert small[1] < small[0]


def test_a_participant_s_home_page_links_to_the_journal_of_her_running_experiment(
    client, running, participants, lead, stranger
):
    journal_url = reverse("experiments:detail", args=[running.pk]) + "#journal"
    home = as_user(client, participants[0]).get("/").content.decode()
    assert f"Vous participez à l’expérimentation « {running.title} »" in home
    assert f'href="{journal_url}"' in home
    assert 'id="journal"' in page_of(client, participants[0], running)

    for outsider in (stranger, lead):
        assert journal_url not in as_user(client, outsider).get("/").content.decode()

    Experiment.objects.filter(pk=running.pk).update(status=PROCESS.DONE)
    assert journal_url not in as_user(client, participants[0]).get("/").content.decode()


def test_a_framing_sent_back_says_so_with_the_sponsor_s_comment_to_the_lead(
    client, lead, sponsor, participants, make_agent, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = advanced_to(client, "review", lead, sponsor, participants, callbacks)
    other_lead = make_agent("Autre", first_name="Léa")
    other_lead.groups.add(Group.objects.get(name="Chefs de projet"))
    other = advanced_to(client, "frame", other_lead, sponsor, participants, callbacks)
    for page in (
        as_user(client, lead).get("/"),
        as_user(client, lead).get(reverse("experiments:my_tasks")),
    ):
        assert "renvoyé par le commanditaire" not in page.content.decode()

    post_task(
        client,
        sponsor,
        experiment,
        "review",
        {"decision": "send_back", "comment": "Précisez les critères."},
        callbacks,
    )

    home = as_user(client, lead).get("/").content.decode()
    assert f"Cadrage renvoyé par le commanditaire : {experiment.title}" in home
    assert "Commentaire du commanditaire : « Précisez les critères. »" in home
    tasks = as_user(client, lead).get(reverse("experiments:my_tasks")).content.decode()
    assert "renvoyé par le commanditaire" in tasks
    assert "Commentaire du commanditaire : « Précisez les critères. »" in tasks
    # Another lead's framing, never reviewed, says nothing of it.
    for page in (
        as_user(client, other_lead).get("/"),
        as_user(client, other_lead).get(reverse("experiments:my_tasks")),
    ):
        assert other.title in page.content.decode()
        assert "renvoyé par le commanditaire" not in page.content.decode()
        assert "Précisez les critères." not in page.content.decode()

    # Framed again and approved: the next stage is not "sent back".
    post_task(client, lead, experiment, "frame", framing(sponsor), callbacks)
    post_task(client, sponsor, experiment, "review", {"decision": "approve"}, callbacks)
    home = as_user(client, lead).get("/").content.decode()
    assert "Lancement : " in home
    assert "renvoyé par le commanditaire" not in home
    assert "Précisez les critères." not in home


# The retrospective is the team's survey: the lead answers it only if they chose to.


def test_the_lead_is_not_invited_to_the_retrospective_by_default(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = started(client, lead, django_capture_on_commit_callbacks)
    task = open_task(experiment, "frame")
    form = as_user(client, lead).get(reverse("experiments:task", args=[task.pk])).content.decode()
    assert "Je réponds aussi au questionnaire de rétrospective" in form
    box = form.split('name="lead_answers_retrospective"')[1].split(">")[0]
    assert "checked" not in box

    experiment = advanced_to(
        client,
        "retrospective",
        lead,
        sponsor,
        participants,
        django_capture_on_commit_callbacks,
        lead_answers_retrospective=None,  # the box left unticked
    )

    invited = set(experiment.retrospective_survey.invitations.values_list("agent", flat=True))
    assert invited == {agent.pk for agent in participants}
    assert "Les participants y répondent" in page_of(client, lead, experiment)
    mine = as_user(client, lead).get(reverse("surveys:mine")).content.decode()
    assert experiment.retrospective_survey.title not in mine


def test_a_lead_who_chose_to_answer_the_retrospective_is_invited_and_everyone_sees_it(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "review", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    review = open_task(experiment, "review")
    chosen = "Les participants et la cheffe ou le chef de projet y répondent"
    page = as_user(client, sponsor).get(reverse("experiments:task", args=[review.pk]))
    assert chosen in page.content.decode()

    experiment = advanced_to(
        client, "retrospective", lead, sponsor, participants, django_capture_on_commit_callbacks
    )

    invited = set(experiment.retrospective_survey.invitations.values_list("agent", flat=True))
    assert invited == {lead.pk, *(agent.pk for agent in participants)}
    assert chosen in page_of(client, participants[0], experiment)


def test_the_flow_chart_speaks_french(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "run", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    chart = as_user(client, lead).get(reverse("experiments:chart", args=[experiment.pk]))
    labels = re.findall(r'<text class="edge-label"[^>]*>([^<]*)</text>', chart.content.decode())
    # Two gateways: the approval, and whether follow-ups are to come.
    assert sorted(labels) == ["non", "non", "oui", "oui"]
    stages = re.findall(r'<text class="align-middle"[^>]*>([^<]*)</text>', chart.content.decode())
    assert "Plan d’action" in stages
    assert "Suivi" in stages
    assert "Cadrage" in stages


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("project lead", "cheffe ou chef de projet"),
        ("Project lead", "Cheffe ou chef de projet"),
        ("Send it back to the lead", "Le renvoyer à la cheffe ou au chef de projet"),
        (
            "Say what the lead should change.",
            "Dites ce que la cheffe ou le chef de projet doit changer.",
        ),
        ("Framing sent back to the lead.", "Cadrage renvoyé à la cheffe ou au chef de projet."),
        ("Send to the sponsor", "Envoyer pour validation"),
        ("Framing sent to the sponsor.", "Cadrage envoyé pour validation."),
        ("Action plan", "Plan d’action"),
    ],
)
def test_the_roles_and_stages_are_named_in_epicene_french(english, french):
    from django.utils import translation

    with translation.override("fr"):
        assert translation.gettext(english) == french
