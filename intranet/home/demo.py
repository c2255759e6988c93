"""Demo site structure: the home page and the general pages of the intranet."""

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Locale, Page, Site

from .models import HomePage, StandardPage

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
    (
        "accessibilite",
        "Accessibilité",
        "Déclaration d'accessibilité de l'intranet.",
        [
            (
                "paragraph",
                "<p>La Ville s'engage à rendre son intranet accessible conformément à "
                "l'article 47 de la loi n° 2005-102 du 11 février 2005. L'intranet n'a pas "
                "encore fait l'objet d'un audit de conformité au RGAA 4.1 : il est donc "
                "<b>non conforme</b> à ce jour. Les pages sont vérifiées automatiquement à "
                "chaque modification.</p>",
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
    stdout.write(f"Site pages: {created} created.")
    return home
