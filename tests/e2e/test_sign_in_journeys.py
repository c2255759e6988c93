"""Every agent gets in: first access by e-mail, a printed code on a phone, the kiosk."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from intranet.accounts.models import Agent
from surveys.demo import INTRANET_FEEDBACK
from surveys.kiosk import issue_answer_codes
from surveys.models import Invitation, Response, Survey

from ..smtp_sink import smtp_sink  # noqa: F401
from ..support.directory import csv_bytes, row
from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
TABLET = {"width": 768, "height": 1024}
CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport) → a page of another device (its own cookies), closed after the test."""
    contexts = []

    def open_page(viewport):
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def answer_every_choice_question(page):
    """Tick the last choice of each question asked with radio buttons or boxes."""
    for question in page.locator("fieldset[data-question]").all():
        question.locator("input").last.check()


def test_an_imported_agent_activates_the_account_from_the_email(
    page,
    live_server,
    settings,
    tmp_path,
    smtp_sink,  # noqa: F811
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    directory = tmp_path / "annuaire.csv"
    directory.write_bytes(
        csv_bytes([row("770001", "Nouvelle", "Inès", "ines.nouvelle@ville-demo.fr")])
    )
    call_command("import_agents", str(directory), "--send-activation", stdout=io.StringIO())

    [message] = smtp_sink.to("ines.nouvelle@ville-demo.fr")
    body = message.get_content()
    link = re.search(r"https?://\S+/compte/premiere-connexion/\S+", body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisissez votre mot de passe")
    assert_accessible(page)
    page.get_by_label("Nouveau mot de passe (obligatoire)", exact=True).fill(
        "une-voirie-bien-tenue-2026"
    )
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("une-voirie-bien-tenue-2026")
    page.get_by_role("button", name="Enregistrer mon mot de passe et me connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Inès")
    expect(page.get_by_role("status")).to_contain_text("connectez-vous avec")
    assert_accessible(page)


def test_the_first_access_request_page_is_accessible(page):
    page.goto("/compte/connexion/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Première connexion")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Première connexion")
    assert_accessible(page)


def test_a_field_agent_signs_in_on_a_phone_with_a_printed_code_and_answers_a_survey(
    page, new_page
):
    karim = Agent.objects.get(external_id="009001")
    survey = Survey.objects.filter(invitations__agent=karim, closed_at__isnull=True).first()
    assert survey is not None, "the demo invites every agent to its open survey"

    # The head of the cleaning service prints Karim's card.
    login(page, karim.manager.email)
    page.goto("/compte/acces-des-agents/?status=no_email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès des agents")
    assert_accessible(page)
    page.get_by_label("Sélectionner Karim Haddad").check()
    page.get_by_role("button", name=re.compile("Émettre et imprimer des codes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Codes d.accès"))
    assert_accessible(page)
    [code] = CODE.findall(page.locator(".card__code").inner_text())

    # Karim, on his phone.
    phone = new_page(PHONE)
    phone.goto("/compte/connexion/")
    phone.get_by_role("link", name=re.compile("Se connecter avec un code")).click()
    assert_accessible(phone)
    phone.get_by_label("Matricule").fill("009001")
    phone.get_by_label(re.compile("^Code d.accès")).fill(code.lower())
    phone.get_by_role("button", name="Se connecter").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choisir un mot de passe")
    assert_accessible(phone)
    phone.get_by_role("link", name=re.compile("Plus tard")).click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Bonjour Karim")
    phone.get_by_role("link", name=re.compile(re.escape(survey.title))).first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(survey.title)
    phone.screenshot(path="/tmp/field-agent-375.png", full_page=False)
    answer_every_choice_question(phone)
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    expect(phone.get_by_role("status")).to_contain_text("vos réponses sont enregistrées")
    assert Invitation.objects.get(survey=survey, agent=karim).answered


def test_two_agents_answer_in_a_row_on_the_depot_kiosk(page, new_page):
    cleaning = Agent.objects.get(external_id="009001").department
    survey = Survey.objects.get(title=INTRANET_FEEDBACK)  # open, every agent invited
    before = Response.objects.filter(survey=survey).count()

    login(page, "editeur@ville-demo.fr")
    page.goto(f"/questionnaires/{survey.pk}/feuilles/")
    assert_accessible(page)
    page.get_by_label("Équipe").select_option(label=str(cleaning))
    page.get_by_role("button", name="Imprimer les invitations").click()
    assert_accessible(page)
    codes = CODE.findall(page.locator(".cards").inner_text())
    assert len(codes) >= 2

    kiosk = new_page(TABLET)
    for code in codes[:2]:
        kiosk.goto("/borne/")
        expect(kiosk.get_by_role("heading", level=1)).to_have_text("Répondre à un questionnaire")
        assert_accessible(kiosk)
        kiosk.get_by_label("Votre code de réponse").fill(code)
        kiosk.get_by_role("button", name="Continuer").click()
        expect(kiosk.get_by_role("heading", level=1)).to_have_text(survey.title)
        assert_accessible(kiosk)
        answer_every_choice_question(kiosk)
        kiosk.get_by_role("button", name="Envoyer mes réponses").click()
        expect(kiosk.get_by_role("heading", level=1)).to_have_text(
            "Merci, vos réponses sont enregistrées"
        )
        assert_accessible(kiosk)
        kiosk.get_by_role("link", name="Retour à la saisie du code").click()
    assert Response.objects.filter(survey=survey).count() == before + 2
    assert kiosk.context.cookies() == [] or all(
        cookie["name"] != "sessionid" for cookie in kiosk.context.cookies()
    )


def test_the_kiosk_returns_to_the_code_screen_when_left_idle(page, new_page, settings):
    settings.KIOSK_IDLE_SECONDS = 2
    cleaning = Agent.objects.get(external_id="009001").department
    survey = Survey.objects.get(title=INTRANET_FEEDBACK)  # open, every agent invited
    invitation = Invitation.objects.filter(
        survey=survey, answered=False, agent__department=cleaning
    ).first()
    [(_, code)] = issue_answer_codes([invitation])
    kiosk = new_page(TABLET)
    kiosk.goto(f"/borne/#code={code}")
    expect(kiosk.get_by_label("Votre code de réponse")).to_have_value(code)
    kiosk.get_by_role("button", name="Continuer").click()
    expect(kiosk.get_by_role("heading", level=1)).to_have_text(survey.title)
    expect(kiosk.get_by_role("heading", level=1)).to_have_text(
        "Répondre à un questionnaire", timeout=8_000
    )
    assert not Invitation.objects.get(pk=invitation.pk).answered
