"""The accessibility statement on the official RGAA 4.1 model, and the mention every page's
footer carries, the login page included."""

import datetime
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.management import call_command

from intranet.home.demo import accessibility_statement, seed, seed_accessibility_statement
from intranet.home.models import AccessibilityStatementPage, StandardPage

from .queries import visit_queries

pytestmark = pytest.mark.django_db

STATEMENT = "/accessibilite/"


@pytest.fixture
def statement(site):
    seed_accessibility_statement(site)
    return AccessibilityStatementPage.objects.get()


def text_of(response):
    assert response.status_code == 200
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def errors_of(**fields):
    page = accessibility_statement()
    for name, value in fields.items():
        setattr(page, name, value)
    with pytest.raises(ValidationError) as refused:
        page.clean()
    return refused.value.message_dict


def test_the_statement_shows_every_section_of_the_official_model(client, statement):
    text = text_of(client.get(STATEMENT))

    assert (
        "La Ville s’engage à rendre ses sites internet, intranet, extranet et ses progiciels "
        "accessibles conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005."
    ) in text
    assert "Cette déclaration d’accessibilité s’applique à http://testserver/." in text
    assert (
        "http://testserver/ est en conformité partielle avec le référentiel général "
        "d’amélioration de l’accessibilité (RGAA), version 4.1"
    ) in text
    assert (
        "L’audit de conformité réalisé le 15 septembre 2026 par un audit interne de la mission "
        "modernisation et innovation révèle que 80 % des critères du RGAA version 4.1 sont "
        "respectés."
    ) in text
    for heading in [
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Non-conformités",
        "Dérogations pour charge disproportionnée",
        "Contenus non soumis à l’obligation d’accessibilité",
        "Établissement de cette déclaration d’accessibilité",
        "Technologies utilisées pour la réalisation du site",
        "Environnement de test",
        "Outils pour évaluer l’accessibilité",
        "Pages du site ayant fait l’objet de la vérification de conformité",
        "Retour d’information et contact",
        "Voies de recours",
        "Schéma pluriannuel de mise en accessibilité",
    ]:
        assert heading in text, heading
    assert "vidéos de formation n’ont pas encore de transcription" in text
    assert "conseil municipal numérisés avant 2020" in text
    assert "cartes interactives" in text
    assert "Cette déclaration a été établie le 30 septembre 2026." in text
    assert "Elle a été mise à jour le 16 novembre 2026." in text
    assert "Firefox et NVDA (Windows)" in text
    assert "Nu HTML Checker (W3C)" in text
    assert "Connexion (/compte/connexion/)" in text
    assert "accessibilite@ville-demo.fr" in text
    assert "schéma pluriannuel de mise en accessibilité 2026-2028" in text
    assert "Transcrire les vidéos de formation." in text


def test_the_remedies_name_the_three_ways_to_the_defenseur_des_droits(client, statement):
    response = client.get(STATEMENT)
    soup = BeautifulSoup(response.content, "html.parser")
    links = {a["href"] for a in soup.select("main a")}
    text = " ".join(soup.main.get_text(" ").split())

    assert "https://formulaire.defenseurdesdroits.fr/" in links
    assert "https://www.defenseurdesdroits.fr/saisir/delegues" in links
    assert "Défenseur des droits Libre réponse 71120 75342 Paris CEDEX 07" in text
    assert "gratuit, ne pas mettre de timbre" in text


def test_the_statement_is_public_and_its_pages_address_is_the_fixed_one(client, statement):
    assert statement.url == STATEMENT
    assert client.get(STATEMENT).status_code == 200  # nobody signed in


def test_in_english_the_statement_stays_in_french_dates_included(client, statement):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    soup = BeautifulSoup(client.get(STATEMENT).content, "html.parser")

    assert soup.html["lang"] == "en"
    assert soup.select_one("article")["lang"] == "fr"
    assert "15 septembre 2026" in soup.select_one("article").get_text()


def test_without_an_audit_the_statement_says_there_is_no_valid_result(client, statement):
    statement.conformity = statement.Conformity.NONE
    statement.conformity_rate = statement.audit_date = None
    statement.auditor = ""
    statement.full_clean()
    statement.save_revision().publish()

    text = text_of(client.get(STATEMENT))

    assert "il n’existe aucun résultat d’audit en cours de validité" in text
    assert "Aucun audit de conformité n’a encore été réalisé." in text


def test_a_fully_compliant_statement_needs_a_rate_of_100():
    errors = errors_of(conformity="full", conformity_rate=99)
    assert errors == {
        "conformity_rate": ["Un site totalement conforme respecte 100 % des critères."]
    }


def test_a_partial_state_needs_at_least_half_the_criteria():
    assert "conformity_rate" in errors_of(conformity_rate=49)
    assert "conformity_rate" in errors_of(conformity_rate=100)
    assert "conformity_rate" in errors_of(conformity_rate=None)


def test_a_rate_of_half_or_more_is_not_a_non_compliant_site():
    assert errors_of(conformity="none", conformity_rate=50) == {
        "conformity_rate": [
            "Avec 50 % des critères respectés ou plus, le site est partiellement conforme."
        ]
    }


def test_a_rate_needs_the_audit_it_comes_from():
    errors = errors_of(audit_date=None, auditor=" ")
    assert set(errors) == {"audit_date", "auditor"}


def test_a_statement_without_any_contact_is_refused():
    errors = errors_of(contact_email="", contact_form_url="", postal_address=" ")
    assert errors == {
        "contact_email": [
            "Indiquez au moins un moyen de vous joindre : une adresse e-mail, un formulaire "
            "de contact ou une adresse postale."
        ]
    }


def test_any_one_contact_is_enough():
    page = accessibility_statement()
    page.contact_email = page.postal_address = ""
    page.contact_form_url = "https://ville.test/contact/"
    page.clean()


def test_plans_are_required_until_the_site_is_fully_compliant():
    errors = errors_of(multi_year_plan="<p> </p>", action_plan="")
    assert set(errors) == {"multi_year_plan", "action_plan"}

    page = accessibility_statement()
    page.conformity, page.conformity_rate, page.action_plan = "full", 100, ""
    page.clean()


def test_the_last_update_cannot_precede_the_statement():
    assert "updated_on" in errors_of(updated_on=datetime.date(2026, 9, 1))


def mention_of(response):
    footer = BeautifulSoup(response.content, "html.parser").select_one("footer")
    return footer.find("a", string=re.compile("Accessibilité"))


def test_the_home_page_footer_shows_the_state_and_links_to_the_statement(agent_client, statement):
    link = mention_of(agent_client.get("/"))

    assert link.get_text() == "Accessibilité : partiellement conforme"
    assert link["href"] == STATEMENT


def test_the_login_page_footer_shows_it_too(client, statement):
    link = mention_of(client.get("/compte/connexion/"))

    assert link.get_text() == "Accessibilité : partiellement conforme"
    assert link["href"] == STATEMENT


def test_a_new_state_shows_in_the_footer_once_published(client, statement):
    client.get("/compte/connexion/")
    statement.conformity, statement.conformity_rate = "full", 100
    statement.save_revision().publish()

    assert mention_of(client.get("/compte/connexion/")).get_text() == (
        "Accessibilité : totalement conforme"
    )


def test_without_a_statement_the_footer_says_not_compliant_and_links_nowhere(client, site):
    footer = BeautifulSoup(client.get("/compte/connexion/").content, "html.parser").footer

    assert "Accessibilité : non conforme" in footer.get_text()
    assert footer.find("a", string=re.compile("Accessibilité")) is None
    assert client.get(STATEMENT).status_code == 404


def test_the_footer_mention_costs_no_query_once_cached(agent_client, statement):
    (_first, warm), _response = visit_queries(agent_client, "/")
    AccessibilityStatementPage.objects.all().delete()
    (_first, warm_without), _response = visit_queries(agent_client, "/")

    assert warm == warm_without


def test_the_demo_replaces_the_plain_page_of_earlier_demos_once(site):
    site.add_child(instance=StandardPage(title="Accessibilité", slug="accessibilite"))

    seed(io.StringIO())
    seed(io.StringIO())

    assert not StandardPage.objects.filter(slug="accessibilite").exists()
    statement = AccessibilityStatementPage.objects.get()
    assert (statement.live, statement.conformity, statement.conformity_rate) == (
        True,
        "partial",
        80,
    )


def test_seeding_the_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=io.StringIO())
    statement = AccessibilityStatementPage.objects.get()
    call_command("seed_demo", stdout=io.StringIO())

    assert AccessibilityStatementPage.objects.get().latest_revision_id == (
        statement.latest_revision_id
    )


def test_editors_edit_it_in_the_admin_under_french_headings(client, statement, make_agent):
    client.force_login(make_agent("Admin", is_superuser=True))

    response = client.get(f"/admin/pages/{statement.pk}/edit/")

    text = text_of(response)
    for heading in [
        "État de conformité et résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Retour d’information et contact",
        "Schéma pluriannuel et plan d’actions",
    ]:
        assert heading in text, heading
    assert "Partiellement conforme : au moins 50 % des critères respectés." in text
