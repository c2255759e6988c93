"""Demo site structure: the home page and the general pages of the intranet."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import AccessibilityStatementPage, HomePage, StandardPage

STATEMENT_SLUG = "accessibilite"
HOME_INTRO = (
    "<p>Bienvenue sur l'intranet collaboratif de la Ville : la charte de collaboration, "
    "les bonnes pratiques du travail hybride, les formations au numérique et les "
    "expérimentations menées par les équipes.</p>"
)
PAGES = [
    (
        "a-propos",
        "À propos de l'intranet",
        "L'intranet réunit ce qui aide les agents à mieux travailler ensemble, au bureau "
        "comme à distance.",
        [
            ("heading", "Pourquoi cet intranet ?"),
            (
                "paragraph",
                "<p>Trop d'outils, officiels ou non, des compétences numériques inégales et "
                "pas de culture commune de la collaboration : c'est ce que les agents ont "
                "exprimé lors de l'enquête interne. L'intranet rassemble les trois réponses "
                "de la Ville : développer les compétences, partager une culture de la "
                "collaboration et guider le choix des outils.</p>",
            ),
            (
                "callout",
                {
                    "title": "Une question, une idée ?",
                    "text": "<p>Écrivez à la mission modernisation et innovation.</p>",
                },
            ),
        ],
    ),
]


def site_address():
    """The host name and port of BASE_URL, where the site is served: Wagtail builds the
    full address of pages (in e-mails, in the admin) from its Site."""
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    default_port = 443 if address.scheme == "https" else 80
    return address.hostname or "localhost", address.port or default_port


def ensure_home_page():
    """The Wagtail root, our home page and the default site, even on an empty database."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title="Accueil", slug="accueil", intro=HOME_INTRO))
    hostname, port = site_address()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": hostname,
            "port": port,
            "root_page": home,
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    return home


def seed(stdout):
    home = ensure_home_page()
    if not home.intro:
        home.intro = HOME_INTRO
        home.save_revision().publish()
    created = 0
    for slug, title, intro, body in PAGES:
        if not home.get_children().filter(slug=slug).exists():
            page = StandardPage(title=title, slug=slug, intro=intro, body=body, show_in_menus=True)
            home.add_child(instance=page)
            page.save_revision().publish()
            created += 1
    created += seed_accessibility_statement(home)
    stdout.write(f"Site pages: {created} created.")
    return home


def accessibility_statement():
    """The statement the city publishes after its audit (RGAA 4.1 model), partially compliant."""
    return AccessibilityStatementPage(
        title="Accessibilité",
        slug=STATEMENT_SLUG,
        show_in_menus=True,
        entity_name="La Ville",
        site_url=settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/",
        conformity=AccessibilityStatementPage.Conformity.PARTIAL,
        audit_date=datetime.date(2026, 9, 15),
        auditor="un audit interne de la mission modernisation et innovation",
        conformity_rate=80,
        non_conformities=(
            "<ul><li>Certaines vidéos de formation n’ont pas encore de transcription complète "
            "(critère 4.1).</li><li>Les graphiques du tableau de bord d’impact n’ont pas tous "
            "d’alternative textuelle détaillée (critère 1.3).</li><li>Quelques documents PDF "
            "anciens ne sont pas balisés (critère 13.3).</li></ul>"
        ),
        derogations=(
            "<ul><li>Les comptes rendus de conseil municipal numérisés avant 2020, dont la "
            "reprise représenterait une charge disproportionnée.</li></ul>"
        ),
        exempt_content=(
            "<ul><li>Les cartes interactives intégrées depuis le site de la Métropole.</li></ul>"
        ),
        statement_date=datetime.date(2026, 9, 30),
        updated_on=datetime.date(2026, 11, 16),
        technologies="HTML5\nCSS\nJavaScript",
        test_environment=(
            "Firefox et NVDA (Windows)\nChromium et JAWS (Windows)\n"
            "Safari et VoiceOver (macOS)\nChrome et TalkBack (Android)"
        ),
        assessment_tools="axe-core\nNu HTML Checker (W3C)\nColour Contrast Analyser",
        pages_tested=(
            "Accueil (/)\nConnexion (/compte/connexion/)\nBibliothèque des pratiques "
            "(/pratiques/)\nFormations (/formations/)\nCharte de collaboration (/charte/)\n"
            "Mes questionnaires (/questionnaires/)\nExpérimentations (/experimentations/)\n"
            "Recherche (/recherche/)\nAccessibilité (/accessibilite/)"
        ),
        contact_email="accessibilite@ville-demo.fr",
        postal_address="Mairie – Mission modernisation et innovation\n1 place de l’Hôtel de Ville",
        multi_year_plan=(
            "<p>Le schéma pluriannuel de mise en accessibilité 2026-2028 engage la Ville à "
            "auditer chaque année ses services numériques et à former ses éditeurs.</p>"
        ),
        action_plan=(
            "<ul><li>Transcrire les vidéos de formation.</li><li>Décrire les graphiques du "
            "tableau de bord.</li><li>Remplacer les PDF non balisés.</li></ul>"
        ),
    )


def seed_accessibility_statement(home):
    """The statement under the home page, once; it takes the place of the plain page earlier
    demos published at its address. Returns how many pages were created (0 or 1)."""
    if AccessibilityStatementPage.objects.exists():
        return 0
    with transaction.atomic():
        for earlier in home.get_children().filter(slug=STATEMENT_SLUG):
            earlier.delete()
        statement = accessibility_statement()
        statement.full_clean(exclude=["path", "depth"])
        home.add_child(instance=statement)
        statement.save_revision().publish()
    return 1
