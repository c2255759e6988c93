import csv
import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from intranet.accounts.models import Agent
from surveys import services
from surveys.models import Question, Survey

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def emailed_link(live_server, email):
    """The personal link of the e-mail, pointed at the live server."""
    message = next(message for message in mail.outbox if message.to == [email])
    path = re.search(r"https?://[^/\s]+(/questionnaires/repondre/[^/\s]+/)", message.body).group(1)
    return live_server.url + path


def test_agent_answers_from_the_emailed_link(page, live_server):
    claire = Agent.objects.get(email="claire.martin@ville-demo.fr")
    survey = Survey(
        title="Retour sur les réunions hybrides",
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    survey.questions = [
        Question(kind="recommendation", label="Recommanderiez-vous ce format ?", required=True),
        Question(kind="scale", label="Le son était de bonne qualité."),
        Question(kind="single", label="Votre place ?", choices="Sur site\nÀ distance"),
        Question(kind="multiple", label="Outils utilisés", choices="Visio\nTableau blanc\nChat"),
        Question(kind="text", label="Une remarque ?"),
    ]
    survey.save()
    services.invite(survey, Agent.objects.filter(pk=claire.pk))
    link = emailed_link(live_server, claire.email)

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))
    page.get_by_label("Adresse e-mail ou matricule").fill(claire.email)
    page.get_by_label("Mot de passe").fill("intranet-demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retour sur les réunions hybrides")
    assert_accessible(page)

    # Sending without the required recommendation keeps what was typed.
    page.get_by_label("Une remarque ?").fill("Très bien")
    page.get_by_role("group", name="Votre place ?").get_by_label("À distance").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("alert")).to_contain_text("Recommanderiez-vous ce format ?")
    expect(page.get_by_label("Une remarque ?")).to_have_value("Très bien")
    expect(
        page.get_by_role("group", name="Votre place ?").get_by_label("À distance")
    ).to_be_checked()
    assert_accessible(page)

    recommendation = page.get_by_role("group", name="Recommanderiez-vous ce format ?")
    recommendation.get_by_label("9", exact=True).check()
    page.get_by_role("group", name="Outils utilisés").get_by_label("Visio").check()
    page.get_by_role("group", name="Outils utilisés").get_by_label("Chat").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()

    expect(page.get_by_role("status")).to_contain_text("Merci, vos réponses sont enregistrées.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes questionnaires")
    assert_accessible(page)
    assert survey.responses.get().answers.count() == 5

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous avez déjà répondu")


def test_owner_reads_the_results_and_exports_them(page):
    survey = Survey.objects.get(title="Baromètre du travail hybride 2026")
    login(page, "editeur@ville-demo.fr")
    page.goto(f"/questionnaires/{survey.pk}/resultats/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Baromètre du travail hybride")
    expect(page.get_by_text("Score de recommandation").first).to_be_visible()
    expect(
        page.get_by_role("table", name="Réponses et scores de recommandation par direction")
    ).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter (CSV)").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.reader(exported, delimiter=";"))
    assert len(rows) == survey.responses.count() + 1
    assert rows[0][0].startswith("Recommanderiez-vous")


def test_my_surveys_page_is_accessible(page):
    login(page, "claire.martin@ville-demo.fr")
    page.goto("/questionnaires/")
    expect(page.get_by_role("link", name="Votre avis sur le nouvel intranet")).to_be_visible()
    assert_accessible(page)


def test_a_survey_is_built_in_the_admin(page):
    # The administrator: the builder's group permissions come from a migration, which the
    # flush of an earlier live-server test undoes.
    login(page, "admin@ville-demo.fr")
    page.goto("/admin/questionnaires/new/")
    # Before the date pickers open: their buttons (Wagtail's vendored picker) have no names.
    assert_accessible(page)
    page.get_by_role("textbox", name="Titre*").fill("Retour sur la visio")
    page.get_by_role("textbox", name="Ouverture*").fill("2027-01-10 09:00")
    page.get_by_role("textbox", name="Clôture*").fill("2027-01-20 18:00")
    page.locator("#id_questions-0-kind").select_option("text")
    page.locator("#id_questions-0-label").fill("Une idée pour la visio ?")
    page.get_by_role("button", name="Créer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Retour sur la visio")
    survey = Survey.objects.get(title="Retour sur la visio")
    assert list(survey.questions.values_list("kind", "label")) == [
        ("text", "Une idée pour la visio ?")
    ]
