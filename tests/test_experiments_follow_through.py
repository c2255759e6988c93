"""The whole follow-through (issue 16, "done when"): from an overdue framing reminder to the
+6 months follow-up, as its people and the daily cron live it, over HTTP and through the
real management commands, with the clock moved forward (timezone.now patched, no sleeping).

At each step: who receives which e-mail (recipients and French subjects) and what the pages
show."""

import datetime
import io
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from viewflow.workflow.status import PROCESS, STATUS

from experiments import services
from experiments.models import ActionItem, Experiment, Idea, TaskReminder
from surveys.models import Question

from .support.experiments import advanced_to, framing, open_task, post_task
from .support.practices import make_library, make_practice

pytestmark = pytest.mark.django_db

TITLE = "Un point d'équipe hybride de quinze minutes"
PROPOSAL = {
    "title": TITLE,
    "kind": "practice",
    "problem": "Les agents à distance décrochent des réunions.",
    "idea": "Un point court, un animateur, un micro de salle.",
    "concerns": "Le service formation.",
}


class Clock:
    """The one clock of the story: timezone.now returns its moment, which only moves on."""

    def __init__(self):
        self.start = timezone.localdate()
        self.moment = None
        self.on(0)

    def on(self, day, hour=9):
        """The clock at ``hour`` (local time), ``day`` days after the story's first day."""
        date = self.start + datetime.timedelta(days=day)
        return self.at(date, hour)

    def at(self, date, hour=9):
        moment = timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))
        assert self.moment is None or moment >= self.moment, "time only moves forward"
        self.moment = moment
        return date

    def today(self):
        return timezone.localdate(self.moment)

    def now(self):
        return self.moment


@pytest.fixture
def clock():
    clock = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=clock.now):
        yield clock


class Story:
    """The people's browsers (one client, logged in as whoever acts) and the cron, each
    action run with its on-commit callbacks (the e-mails) executed, the outbox read after."""

    def __init__(self, client, callbacks):
        self.client = client
        self.callbacks = callbacks

    def get(self, agent, url):
        self.client.force_login(agent)
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()

    def text(self, agent, url):
        return BeautifulSoup(self.get(agent, url), "html.parser").get_text(" ", strip=True)

    def post(self, agent, url, data=None, expect=302):
        self.client.force_login(agent)
        mail.outbox.clear()
        with self.callbacks(execute=True):
            response = self.client.post(url, data or {})
        assert response.status_code == expect, (url, response.status_code, errors(response))
        return response

    def task(self, agent, experiment, stage, data):
        task = open_task(experiment, stage)
        assert task is not None, f"no open {stage} task"
        assert task.owner == agent
        return self.post(agent, reverse("experiments:task", args=[task.pk]), data)

    def cron(self, *names):
        """The daily commands, as cron runs them; what they printed."""
        mail.outbox.clear()
        out = io.StringIO()
        with self.callbacks(execute=True):
            for name in names:
                call_command(name, stdout=out)
        return out.getvalue()


def errors(response):
    context = getattr(response, "context", None) or {}
    return [form.errors for name in ("form", "formset") if (form := context.get(name))]


def sent():
    """The e-mails just sent: (to, cc, subject), in a stable order."""
    return sorted((tuple(m.to), tuple(m.cc), m.subject) for m in mail.outbox)


def each(agents, subject):
    return sorted(((agent.email,), (), subject) for agent in agents)


def answer_url(survey):
    return reverse("surveys:answer", args=[survey.pk])


def answers(survey, recommendation, applied=None):
    """The answer form's data: every recommendation at ``recommendation``, every "still
    applied" at ``applied``, the rest left blank (all optional)."""
    data = {}
    for question in survey.questions.all():
        if question.kind == Question.Kind.RECOMMENDATION:
            data[f"q{question.pk}"] = str(recommendation)
        elif question.kind == Question.Kind.SINGLE_CHOICE and applied:
            data[f"q{question.pk}"] = applied
        elif question.kind == Question.Kind.TEXT:
            data[f"q{question.pk}"] = "Les réunions sont plus courtes."
    return data


@pytest.fixture
def practice(site):
    return make_practice(make_library(site), title="Le point d'équipe court")


def test_the_whole_follow_through_from_a_late_framing_to_the_six_months_follow_up(
    client,
    clock,
    agent,
    lead,
    sponsor,
    participants,
    practice,
    make_agent,
    django_capture_on_commit_callbacks,
):
    story = Story(client, django_capture_on_commit_callbacks)
    proposer = agent
    team = [proposer, *participants]

    # --- 1. An agent proposes an idea; a project lead adopts it. ---
    story.post(proposer, reverse("experiments:idea_new"), PROPOSAL)
    idea = Idea.objects.get()
    assert sent() == []
    response = story.post(lead, reverse("experiments:idea_adopt", args=[idea.pk]))
    experiment = Experiment.objects.get()
    frame = open_task(experiment, "frame")
    assert response["Location"] == reverse("experiments:task", args=[frame.pk])
    assert sent() == [((proposer.email,), (), f"Votre idée « {TITLE} » est adoptée")]
    assert (experiment.title, experiment.problem, experiment.hypothesis) == (
        TITLE,
        PROPOSAL["problem"],
        PROPOSAL["idea"],
    )
    assert list(experiment.participants.all()) == [proposer]
    assert PROPOSAL["problem"] in story.get(lead, response["Location"])
    assert "Adoptée" in story.text(proposer, reverse("experiments:idea", args=[idea.pk]))

    # --- 2. The lead leaves the framing late. ---
    # She saves a draft the same day, the sponsor chosen, then nothing for two weeks.
    start, end = (
        clock.start + datetime.timedelta(days=30),
        clock.start + datetime.timedelta(days=60),
    )
    draft = framing(
        sponsor,
        title=TITLE,
        practices=[str(practice.pk)],
        planned_start=start.isoformat(),
        planned_end=end.isoformat(),
        submit=None,
    )
    story.task(lead, experiment, "frame", draft)
    assert sent() == []
    experiment.refresh_from_db()
    assert experiment.sponsor == sponsor and open_task(experiment, "frame") == frame

    subject = f"Expérimentation « {TITLE} » : "
    reminders = "send_task_reminders"
    clock.on(11)
    story.cron(reminders)
    assert sent() == []  # the framing is due in 14 days: not yet
    clock.on(12)
    assert story.cron(reminders).startswith("1 stage reminders sent")
    assert sent() == [((lead.email,), (), subject + "échéance proche pour l’étape Cadrage")]
    clock.on(14)
    story.cron(reminders)
    assert sent() == [
        ((lead.email,), (), subject + "l’étape Cadrage arrive à échéance aujourd’hui")
    ]
    late = subject + "l’étape Cadrage est en retard"
    clock.on(15)
    story.cron(reminders)
    assert sent() == [((lead.email,), (), late)]
    clock.on(15, hour=18)  # run again the same day (by hand, a second cron host)
    assert story.cron(reminders).startswith("0 stage reminders sent")
    assert sent() == []
    clock.on(16)
    story.cron(reminders)
    assert sent() == [((lead.email,), (), late)]
    clock.on(17)  # three days late: the sponsor hears of it, the lead in copy
    story.cron(reminders)
    assert sent() == [((sponsor.email,), (lead.email,), late)]
    story.cron(reminders)
    assert sent() == []
    kinds = list(TaskReminder.objects.order_by("day").values_list("kind", flat=True))
    assert kinds == ["before", "due", "overdue", "overdue", "escalation"]
    my_tasks = story.get(lead, reverse("experiments:my_tasks"))
    row = my_tasks.split(escape(TITLE))[1].split("</tr>")[0]
    assert "Cadrage" in row and '<strong class="late">En retard</strong>' in row
    assert (clock.start + datetime.timedelta(days=14)).strftime("%d/%m/%Y") in row
    detail_url = reverse("experiments:detail", args=[experiment.pk])
    assert "en retard</strong>" in story.get(sponsor, detail_url)

    # --- 3. Framing, approval, launch, run, retrospective, synthesis, announcement, plan. ---
    story.task(lead, experiment, "frame", {**draft, "submit": "1"})
    assert sent() == [((sponsor.email,), (), subject + "l’étape Validation vous attend")]
    story.task(sponsor, experiment, "review", {"decision": "approve"})
    assert sent() == [((lead.email,), (), subject + "l’étape Lancement vous attend")]
    story.task(
        lead,
        experiment,
        "launch",
        {
            "planned_start": start.isoformat(),
            "planned_end": end.isoformat(),
            "participant_emails": "\n".join(a.email for a in team),
        },
    )
    taking_part = f"Vous participez à l’expérimentation « {TITLE} »"
    assert sent() == each(team, taking_part)
    story.cron(reminders)
    assert sent() == []  # the framing is done: no more reminders of it

    clock.on(20)
    story.post(
        participants[0],
        reverse("experiments:journal", args=[experiment.pk]),
        {"kind": "observation", "text": "Le micro de salle change tout."},
    )
    assert "Le micro de salle change tout." in story.get(lead, detail_url)
    # A participant follows the experiment: the actions' progress will be e-mailed to her.
    follower = participants[4]
    story.post(follower, reverse("experiments:follow", args=[experiment.pk]))

    clock.on(60)
    story.task(lead, experiment, "run", {"confirm": "on"})
    experiment.refresh_from_db()
    retrospective = experiment.retrospective_survey
    invited = [*team, lead]  # the lead chose to answer it at framing
    assert sent() == each(invited, f"Votre avis sur « Rétrospective : {TITLE} »")
    # Six of the seven answer, over k = 5; the seventh does not.
    for respondent in [*team[:5], lead]:
        story.post(respondent, answer_url(retrospective), answers(retrospective, 9))
    assert retrospective.invitations.filter(answered=True).count() == 6
    clock.on(65)
    story.task(lead, experiment, "retrospective", {"confirm": "on"})
    retrospective.refresh_from_db()
    assert retrospective.closed_at is not None
    # She closed it herself: the synthesis it opens for her is not e-mailed to her.
    assert sent() == []
    story.task(
        lead, experiment, "synthesis", {"synthesis": "Le point court tient.", "decision": "adapt"}
    )
    assert sent() == []
    said = "Le point d'équipe court devient la règle ; la salle 204 reçoit un micro."
    story.post(lead, reverse("experiments:announce_changes", args=[experiment.pk]), {"text": said})
    # Every invitee of the retrospective, answered or not, but the lead who wrote it.
    assert sent() == each(team, f"Vous avez dit, nous avons fait : « {TITLE} »")
    assert said in story.text(participants[4], detail_url).replace("’", "'")

    owners = participants[0], participants[1]
    first_due = clock.today() + datetime.timedelta(days=10)
    second_due = clock.today() + datetime.timedelta(days=40)
    plan = {
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "1",
        "actions-MAX_NUM_FORMS": "1000",
        "actions-0-what": "Équiper la salle 204 d'un micro",
        "actions-0-owner_email": owners[0].email,
        "actions-0-due_date": first_due.isoformat(),
        "actions-1-what": "Former les animateurs",
        "actions-1-owner_email": owners[1].email,
        "actions-1-due_date": second_due.isoformat(),
    }
    story.task(lead, experiment, "action_plan", plan)
    assert sent() == each(owners, subject + "une action pour vous")
    equip, train = ActionItem.objects.filter(experiment=experiment).order_by("pk")
    assert (equip.owner, train.owner) == owners
    follow_up_task = open_task(experiment, "follow_up")
    assert follow_up_task.owner == lead
    first, second = experiment.follow_ups.order_by("number")
    assert (first.months, second.months) == (3, 6)
    daily = (reminders, "send_action_reminders", "open_follow_ups")
    story.cron(*daily)
    assert sent() == []  # the follow-up stage has no due date: it waits for its surveys

    # --- 4. The actions: an owner reminded before the due date; progress; a follower told. ---
    clock.at(first_due - datetime.timedelta(days=4))
    story.cron(*daily)
    assert sent() == []
    clock.at(first_due - datetime.timedelta(days=3))
    assert "1 action reminders sent" in story.cron(*daily)
    assert sent() == [((owners[0].email,), (), subject + "votre action arrive à échéance")]
    story.cron(*daily)
    assert sent() == []  # once a day
    tasks = story.get(owners[0], reverse("experiments:my_tasks"))
    assert "Équiper la salle 204" in tasks.replace("&#x27;", "'")
    story.post(
        owners[0],
        reverse("experiments:action", args=[experiment.pk, equip.pk]),
        {"status": "done", "progress_note": "Micro installé.", "abandon_reason": ""},
    )
    progress = f"Expérimentation « {TITLE} » : une action est "
    # The follower hears of it; not the owner who did it, nor anyone who does not follow.
    assert sent() == [((follower.email,), (), progress + "faite")]
    story.post(
        owners[1],
        reverse("experiments:action", args=[experiment.pk, train.pk]),
        {"status": "in_progress", "progress_note": "Deux sessions prévues.", "abandon_reason": ""},
    )
    assert sent() == [((follower.email,), (), progress + "en cours")]
    equip.refresh_from_db()
    train.refresh_from_db()
    assert (equip.status, train.status) == ("done", "in_progress")
    page = story.text(lead, detail_url)
    assert "Micro installé." in page and "Deux sessions prévues." in page
    clock.at(second_due - datetime.timedelta(days=3))
    story.cron(*daily)
    assert sent() == [((owners[1].email,), (), subject + "votre action arrive à échéance")]

    # --- 5. Three months after the action plan, then six: measure again. ---
    def follow_up_round(follow_up, answered):
        """The day before its date nothing opens; on it, the cron opens it and invites
        everyone; ``answered`` (recommendation, still applied) answer over HTTP; the day
        after its closing date the cron closes it."""
        clock.at(follow_up.due_on - datetime.timedelta(days=1))
        assert story.cron(*daily).endswith("0 follow-ups opened, 0 follow-up surveys closed.\n")
        assert sent() == []
        clock.at(follow_up.due_on)
        assert "1 follow-ups opened" in story.cron(*daily)
        follow_up.refresh_from_db()
        survey = follow_up.survey
        assert sent() == each(
            invited, f"Votre avis sur « Suivi à {follow_up.months} mois : {TITLE} »"
        )
        respondents = [*team, lead]
        for respondent, (recommendation, still) in zip(respondents, answered, strict=False):
            assert f"Suivi à {follow_up.months} mois" in story.get(
                respondent, reverse("surveys:mine")
            )
            story.post(respondent, answer_url(survey), answers(survey, recommendation, still))
        assert survey.invitations.filter(answered=True).count() == len(answered)
        assert "Aucun questionnaire de suivi n’est encore clos" in story.text(
            lead, detail_url
        ) or (follow_up.number > 1)
        closes = timezone.localtime(survey.closes_at)
        clock.at(closes.date(), hour=closes.hour - 1)  # an hour before its closing time
        assert "0 follow-up surveys closed" in story.cron(*daily)
        clock.at(closes.date() + datetime.timedelta(days=1))  # the next morning's run
        assert "1 follow-up surveys closed" in story.cron(*daily)
        follow_up.refresh_from_db()
        survey.refresh_from_db()
        assert follow_up.closed_at is not None and survey.closed_at is not None
        return sent()

    three = [(9, "Oui")] * 3 + [(8, "En partie")] * 3  # score +50
    assert follow_up_round(first, three) == []
    experiment.refresh_from_db()
    assert experiment.status != PROCESS.DONE
    assert open_task(experiment, "follow_up") == follow_up_task
    page = story.text(lead, detail_url)
    before_after = page.split("Chaque pratique avant et après")[1].split("Vous avez dit")[0]
    assert f"{practice.title} +100 +50 oui 50 %, en partie 50 %, non 0 %" in before_after
    assert "Après 6 mois" not in before_after  # not closed yet

    six = [(10, "Oui")] * 5  # score +100, from k answers exactly
    assert follow_up_round(second, six) == []
    experiment.refresh_from_db()
    assert experiment.status == PROCESS.DONE
    follow_up_task.refresh_from_db()
    assert follow_up_task.status == STATUS.DONE
    assert experiment.follow_ups.filter(closed_at__isnull=True).count() == 0
    assert open_task(experiment, "follow_up") is None
    page = story.text(lead, detail_url)
    before_after = page.split("Chaque pratique avant et après")[1].split("Vous avez dit")[0]
    assert "Après 6 mois : toujours appliquée" in before_after
    assert (
        f"{practice.title} +100 +50 oui 50 %, en partie 50 %, non 0 % "
        "+100 oui 100 %, en partie 0 %, non 0 %"
    ) in before_after
    assert escape(TITLE) not in story.get(lead, reverse("experiments:my_tasks"))
    # The practice's page, for anyone: its score from the retrospective and both follow-ups
    # (14 promoters, 3 passives of 17 answers: +82).
    page = story.text(make_agent("Inconnue"), practice.get_url())
    assert "Score de recommandation +82 sur une échelle de −100 à +100" in page
    story.cron(*daily)
    assert sent() == []  # a finished experiment: nothing more, ever


# --- Defects found on the way, each pinned by its own test ---


def test_the_daily_stage_reminders_pass_over_an_experiment_in_follow_up(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    """The follow-up stage has no due date: the command used to stop on it (TypeError),
    and no other experiment's stage was reminded any more."""
    callbacks = django_capture_on_commit_callbacks
    following = advanced_to(client, "action_plan", lead, sponsor, participants, callbacks)
    plan = {
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "1",
        "actions-MAX_NUM_FORMS": "1000",
        "actions-0-what": "Diffuser",
        "actions-0-owner_email": lead.email,
        "actions-0-due_date": "2027-02-01",
    }
    post_task(client, lead, following, "action_plan", plan, callbacks)
    assert open_task(following, "follow_up") is not None
    late = Experiment.objects.get(pk=services.start(lead, "Cadrage oublié").pk)
    moment = timezone.now() + datetime.timedelta(days=15)
    mail.outbox.clear()
    with mock.patch("django.utils.timezone.now", return_value=moment), callbacks(execute=True):
        call_command("send_task_reminders", stdout=io.StringIO())
    assert [message.subject for message in mail.outbox] == [
        "Expérimentation « Cadrage oublié » : l’étape Cadrage est en retard"
    ]
    assert not TaskReminder.objects.filter(task__process_id=following.pk).exists()
    assert TaskReminder.objects.get().task.process_id == late.pk


def test_the_lead_closing_her_retrospective_is_not_e_mailed_her_own_synthesis(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = advanced_to(client, "retrospective", lead, sponsor, participants, callbacks)
    mail.outbox.clear()
    response = post_task(client, lead, experiment, "retrospective", {"confirm": "on"}, callbacks)
    assert response.status_code == 302
    synthesis = open_task(experiment, "synthesis")
    assert synthesis is not None and synthesis.owner == lead
    assert mail.outbox == []
