import re

import pytest
from playwright.sync_api import expect

from experiments.models import Experiment
from surveys.models import Invitation
from surveys.services import submit_response

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

TITLE = "Tableau blanc partagé pour les réunions de chantier"


def logout(page):
    page.get_by_role("button", name="Se déconnecter").click()


def test_an_experiment_from_framing_to_the_action_plan(page):
    # The lead starts and frames the experiment.
    login(page, "cheffe.projet@ville-demo.fr")
    page.goto("/experimentations/")
    assert_accessible(page)
    page.get_by_role("link", name="Lancer une expérimentation").click()
    assert_accessible(page)
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_role("button", name="Créer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cadrage")
    assert_accessible(page)
    page.get_by_label("Commanditaire").select_option(label="Bruno Marchand")
    page.get_by_label("Problème").fill("Les comptes rendus de chantier arrivent trop tard.")
    page.get_by_label("Hypothèse").fill("Un tableau blanc partagé pendant la réunion suffit.")
    page.get_by_label("Critères de réussite").fill("Score de recommandation supérieur à 30.")
    page.get_by_label("Début prévu").fill("2026-12-01")
    page.get_by_label("Fin prévue").fill("2027-01-31")
    first_practice = (
        page.get_by_role("group", name="Pratiques testées").get_by_role("checkbox").first
    )
    first_practice.check()
    page.get_by_role("button", name="Envoyer pour validation").click()
    expect(page.get_by_role("status")).to_contain_text("Cadrage envoyé pour validation.")
    assert_accessible(page)
    experiment = Experiment.objects.get(title=TITLE)
    logout(page)

    # The sponsor approves from "Mes tâches".
    login(page, "commanditaire@ville-demo.fr")
    page.goto("/experimentations/taches/")
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Validation")
    assert_accessible(page)
    page.get_by_label("Valider le cadrage").check()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("status")).to_contain_text("Cadrage validé.")
    logout(page)

    # The lead launches, runs and closes the run.
    login(page, "cheffe.projet@ville-demo.fr")
    page.goto(f"/experimentations/{experiment.pk}/")
    page.get_by_role("link", name="Lancement").click()
    page.get_by_label("Participants").fill(
        "claire.martin@ville-demo.fr\nediteur@ville-demo.fr\nmoderatrice@ville-demo.fr\n"
        "referente.competences@ville-demo.fr\nadmin@ville-demo.fr"
    )
    page.get_by_role("button", name="Lancer l’expérimentation").click()
    expect(page.get_by_role("status")).to_contain_text("participants prévenus")
    page.get_by_label("Note", exact=False).first.fill(
        "Le tableau blanc a servi dès la première réunion."
    )
    page.get_by_role("button", name="Ajouter au journal").click()
    expect(page.get_by_role("status")).to_contain_text("Note ajoutée au journal.")
    assert_accessible(page)
    page.get_by_role("link", name="Expérimentation", exact=True).click()
    page.get_by_label("Je confirme").check()
    page.get_by_role("button", name="Clore la période de test").click()
    expect(page.get_by_role("status")).to_contain_text("questionnaire de rétrospective est ouvert")

    # Participants answer the retrospective.
    experiment.refresh_from_db()
    survey = experiment.retrospective_survey
    questions = list(survey.questions.filter(kind="recommendation"))
    for invitation in Invitation.objects.filter(survey=survey).exclude(
        agent__email="claire.martin@ville-demo.fr"
    ):
        submit_response(invitation, dict.fromkeys(questions, 10))
    logout(page)
    login(page, "claire.martin@ville-demo.fr")
    page.goto("/questionnaires/")
    page.get_by_role("link", name=re.compile("Rétrospective : Tableau blanc")).click()
    for group in page.get_by_role("group", name=re.compile("Recommanderiez-vous")).all():
        group.get_by_label("9", exact=True).check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("status")).to_contain_text("Merci")
    logout(page)

    # The lead closes the retrospective, writes the synthesis and the action plan.
    login(page, "cheffe.projet@ville-demo.fr")
    page.goto("/experimentations/taches/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rétrospective")
    page.get_by_label("Je confirme").check()
    page.get_by_role("button", name="Clore la rétrospective maintenant").click()
    page.goto("/experimentations/taches/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Synthèse")
    expect(
        page.get_by_role("table", name="Scores et moyennes de la rétrospective")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Synthèse").fill("Le tableau blanc partagé est adopté par toute l'équipe.")
    page.get_by_label("Généraliser").check()
    page.get_by_role("button", name="Confirmer").click()
    page.goto("/experimentations/taches/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan d’action")
    assert_accessible(page)
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("Action").fill("Équiper chaque salle de chantier d'un écran")
    action.get_by_label("Qui (e-mail)").fill("commanditaire@ville-demo.fr")
    action.get_by_label("Échéance").fill("2027-03-01")
    # "Ajouter une action" adds a row in the page, the focus on its first field.
    page.get_by_role("button", name="Ajouter une action").click()
    second = page.get_by_role("group", name="Action 2 (facultative)")
    expect(second.get_by_label("Action")).to_be_focused()
    expect(action.get_by_label("Action")).to_have_value(
        "Équiper chaque salle de chantier d'un écran"
    )
    assert_accessible(page)
    page.get_by_label("Nouvelles pratiques à rédiger").fill("Le tableau blanc de chantier")
    page.get_by_label(
        "Inviter aussi les équipes des participants aux questionnaires de suivi"
    ).check()
    page.get_by_role("button", name="Enregistrer le plan d’action").click()
    expect(page.get_by_role("status")).to_contain_text("questionnaires de suivi sont programmés")
    expect(page.get_by_text("Le tableau blanc de chantier (en modération)")).to_be_visible()
    expect(page.get_by_role("table", name="Questionnaires de suivi")).to_be_visible()
    assert_accessible(page)
    # The follow-up stage: the lead may end the experiment early, with a reason only.
    page.goto("/experimentations/taches/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suivi")
    assert_accessible(page)
    page.get_by_role("button", name="Arrêter l’expérimentation maintenant").click()
    expect(page.get_by_role("alert")).to_contain_text("Donnez la raison")
    assert_accessible(page)
    page.get_by_label("Pourquoi arrêter l’expérimentation maintenant ?").fill(
        "Le chantier se termine avant le premier suivi."
    )
    page.get_by_role("button", name="Arrêter l’expérimentation maintenant").click()
    expect(page.get_by_role("status")).to_contain_text("Expérimentation terminée")
    assert_accessible(page)
    logout(page)

    # The moderator finds the draft practice waiting in Wagtail's moderation.
    login(page, "moderatrice@ville-demo.fr")
    page.goto("/admin/")
    expect(page.get_by_text("Le tableau blanc de chantier").first).to_be_visible()
