"""A line break in a title never breaks an e-mail: titles are stored on one line, and every
subject is built on one line, so each e-mail the admin announces is really sent."""

import email
import email.policy
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState

from experiments.models import Experiment
from experiments.notifications import send_assignment_email, send_launch_email
from experiments.services import open_task
from intranet.core.text import render_subject, single_line
from intranet.home.models import StandardPage
from practices.models import TrainingPage
from practices.notifications import send_seat_freed_email
from surveys.models import Survey

from .support.practices import (
    edit_data,
    enrol,
    make_library,
    make_practice,
    make_session,
    make_training,
    make_training_catalogue,
)
from .support.surveys import question_data, survey_data

pytestmark = pytest.mark.django_db

INJECTED = "Titre\r\nBcc: espion@evil.test"
ONE_LINE = "Titre Bcc: espion@evil.test"


def assert_sent_on_one_line(message, subject):
    """The message as it leaves for the mail server: that subject, and no header added."""
    assert message.subject == subject
    sent = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    assert sent["Subject"].strip() == subject  # long encoded subjects fold after "Subject:"
    assert sent["Bcc"] is None
    assert message.recipients() == message.to


@pytest.fixture
def editor_client(client, make_agent):
    editor = make_agent("Éditrice")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    return client


@pytest.mark.parametrize(
    "text, expected",
    [
        (INJECTED, ONE_LINE),
        ("  Réunions\n\n hybrides\t\x00bilan \u2028 ", "Réunions hybrides bilan"),
        ("Déjà sur une ligne", "Déjà sur une ligne"),
        ("", ""),
    ],
)
def test_single_line_turns_every_break_and_control_into_one_space(text, expected):
    assert single_line(text) == expected


def test_the_survey_admin_stores_a_title_on_one_line(editor_client):
    response = editor_client.post(
        reverse("surveys_admin:add"), survey_data([question_data()], title=INJECTED)
    )
    assert response.status_code == 302
    assert Survey.objects.get().title == ONE_LINE


def test_an_invitation_to_a_survey_titled_with_a_line_break_is_sent(
    editor_client, make_survey, make_agent, django_capture_on_commit_callbacks
):
    survey = make_survey(audience=Survey.Audience.EVERYONE)
    # A row saved before titles were kept on one line.
    Survey.objects.filter(pk=survey.pk).update(title=INJECTED)
    agent = make_agent("Invitée")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("surveys_admin:invite", args=[survey.pk]))

    assert response.status_code == 302
    sent = [message for message in mail.outbox if message.to == [agent.email]]
    assert len(sent) == 1
    assert_sent_on_one_line(sent[0], f"Votre avis sur « {ONE_LINE} »")


def test_an_experiment_is_started_with_a_one_line_title_and_its_e_mails_are_sent(
    client, lead, participants, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("experiments:new"), {"title": INJECTED})
    experiment = Experiment.objects.get()
    assert experiment.title == ONE_LINE
    Experiment.objects.filter(pk=experiment.pk).update(title=INJECTED)
    mail.outbox.clear()
    send_assignment_email.enqueue(open_task(experiment, "frame").pk)  # as the sponsor's would be
    assert_sent_on_one_line(
        mail.outbox[-1], f"Expérimentation « {ONE_LINE} » : l’étape Cadrage vous attend"
    )

    Experiment.objects.filter(pk=experiment.pk).update(title=INJECTED)
    experiment.participants.set(participants)
    mail.outbox.clear()
    send_launch_email.enqueue(experiment.pk)
    assert len(mail.outbox) == len(participants)
    for message in mail.outbox:
        assert_sent_on_one_line(message, f"Vous participez à l’expérimentation « {ONE_LINE} »")


def test_a_freed_seat_is_announced_whatever_the_training_title(site, make_agent):
    training = make_training(make_training_catalogue(site))
    TrainingPage.objects.filter(pk=training.pk).update(title=INJECTED)
    enrolment = enrol(make_session(training), make_agent("Inscrite"))

    send_seat_freed_email.enqueue(enrolment.pk)

    assert len(mail.outbox) == 1
    assert_sent_on_one_line(mail.outbox[0], f"Une place pour vous : « {ONE_LINE} »")


def test_a_page_title_with_a_line_break_is_stored_on_one_line(site):
    page = StandardPage(title=INJECTED, slug="a-propos")
    site.add_child(instance=page)
    page.refresh_from_db()
    assert (page.title, page.draft_title) == (ONE_LINE, ONE_LINE)


def test_wagtail_tells_the_moderators_of_a_page_submitted_with_a_line_break_in_its_title(
    client, site, make_agent
):
    practice = make_practice(make_library(site))
    editor = make_agent("Éditeur")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    moderator = make_agent("Modératrice")
    moderator.groups.add(Group.objects.get(name="Modérateurs"))
    client.force_login(editor)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[practice.pk]),
        {**edit_data(practice, title=INJECTED), "action-submit": "on"},
    )

    assert response.status_code == 302
    state = WorkflowState.objects.for_instance(practice).get()
    assert state.current_task_state.revision.content["title"] == ONE_LINE
    sent = [message for message in mail.outbox if message.to == [moderator.email]]
    assert len(sent) == 1
    assert "\n" not in sent[0].subject
    assert ONE_LINE in sent[0].subject


class Quoted:
    """A title holding what HTML escapes, whatever attribute the template asks for."""

    text = 'L\'équipe & <les autres> "ensemble"'

    def __getattr__(self, name):
        return self

    def __str__(self):
        return self.text


QUOTED = Quoted()


def template_name(path):
    """``surveys/email/invitation_subject.txt`` for ``…/templates/surveys/email/…``."""
    parts = path.parts
    return "/".join(parts[len(parts) - parts[::-1].index("templates") :])


SUBJECT_TEMPLATES = sorted(
    template_name(path)
    for app in ("experiments", "intranet", "practices", "skills", "surveys")
    for path in (Path(settings.BASE_DIR) / app).glob("**/templates/**/*_subject.txt")
)


def test_the_subjects_are_found():
    assert "surveys/email/invitation_subject.txt" in SUBJECT_TEMPLATES
    assert "accounts/email/activation_subject.txt" in SUBJECT_TEMPLATES


@pytest.mark.parametrize("template_name", SUBJECT_TEMPLATES)
def test_a_subject_is_text_not_html(template_name):
    context = dict.fromkeys(
        ("agent", "experiment", "idea", "stage", "site_name", "survey", "training"), QUOTED
    )
    subject = render_subject(template_name, context)
    assert Quoted.text in subject
    assert "&#" not in subject and "&amp;" not in subject and "&lt;" not in subject
