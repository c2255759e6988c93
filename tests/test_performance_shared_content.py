"""Shared content kept in the cache under the content version (intranet/core/content.py): the
menu, the header's links, the home page's lists, the practice library and a practice's links.
A change shows at the next visit, in every worker; an agent never sees what is refused to them.
"""

import re
import warnings

import pytest
from django.contrib.auth.models import Group
from django.core.cache.backends.base import CacheKeyWarning
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from experiments import services as experiments
from intranet.core.models import ContentVersion
from intranet.home.models import StandardPage
from practices.models import PracticeCategory
from surveys.models import Invitation

from .support.practices import make_library, make_practice

pytestmark = pytest.mark.django_db


def menu_page(site, title, **fields):
    page = StandardPage(title=title, show_in_menus=True, **fields)
    site.add_child(instance=page)
    return page


def main_menu_html(client, url="/"):
    content = client.get(url).content.decode()
    start = content.index('class="main-menu"')
    return content[start : content.index("</nav>", start)]


def test_a_page_published_in_the_menu_shows_at_the_next_visit(agent_client, site):
    menu_page(site, "Annuaire")
    assert "Annuaire" in main_menu_html(agent_client)

    menu_page(site, "Restauration")

    menu = main_menu_html(agent_client)
    assert "Annuaire" in menu
    assert "Restauration" in menu


def test_an_unpublished_page_leaves_the_menu_at_once(agent_client, site):
    page = menu_page(site, "Annuaire")
    assert "Annuaire" in main_menu_html(agent_client)

    page.unpublish()

    assert "Annuaire" not in main_menu_html(agent_client)


def test_a_change_saved_by_another_worker_shows_through_the_version_in_the_database(
    agent_client, site
):
    page = menu_page(site, "Annuaire")
    assert "Annuaire" in main_menu_html(agent_client)
    # Another worker's change: no signal reaches this process, and its cache keeps the menu.
    Page.objects.filter(pk=page.pk).update(title="Annuaire des services")
    assert "Annuaire des services" not in main_menu_html(agent_client)

    ContentVersion.objects.filter(pk=1).update(value=F("value") + 1)

    assert "Annuaire des services" in main_menu_html(agent_client)


def restricted_to(page, group):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group])


def test_a_page_restricted_to_a_group_is_in_the_menu_of_its_members_only(
    client, site, agent, make_agent
):
    editors = Group.objects.get(name="Éditeurs")
    member = make_agent("Membre")
    member.groups.add(editors)
    restricted_to(menu_page(site, "Espace éditeurs"), editors)

    client.force_login(member)
    assert "Espace éditeurs" in main_menu_html(client)
    client.force_login(agent)
    assert "Espace éditeurs" not in main_menu_html(client)
    client.force_login(member)
    assert "Espace éditeurs" in main_menu_html(client)


def test_a_new_view_restriction_hides_the_page_at_the_next_visit(agent_client, site):
    page = menu_page(site, "Espace éditeurs")
    assert "Espace éditeurs" in main_menu_html(agent_client)

    restricted_to(page, Group.objects.get(name="Éditeurs"))

    assert "Espace éditeurs" not in main_menu_html(agent_client)


@pytest.mark.parametrize(
    "groups, manages, offered",
    [
        ([], False, set()),
        (["Éditeurs"], False, {"admin"}),
        (["Commanditaires"], False, {"dashboard"}),
        (["Référents compétences"], False, {"dashboard", "admin"}),
        ([], True, {"dashboard"}),
    ],
)
def test_the_header_offers_the_dashboard_and_the_administration_to_those_allowed(
    client, site, make_agent, department, groups, manages, offered
):
    agent = make_agent("Dupont")
    agent.groups.set(Group.objects.filter(name__in=groups))
    if manages:
        make_agent("Collaborateur", manager=agent)
    client.force_login(agent)
    header = client.get("/").content.decode().split("</header>")[0]

    assert (reverse("dashboard:dashboard") in header) == ("dashboard" in offered)
    assert (reverse("wagtailadmin_home") in header) == ("admin" in offered)


def test_a_superuser_is_offered_both(client, site, make_agent):
    boss = make_agent("Direction", is_superuser=True)
    client.force_login(boss)
    header = client.get("/").content.decode().split("</header>")[0]
    assert reverse("dashboard:dashboard") in header
    assert reverse("wagtailadmin_home") in header


def test_the_home_page_lists_five_tasks_and_counts_the_others(
    agent_client, agent, site, django_capture_on_commit_callbacks
):
    agent.groups.add(Group.objects.get(name="Chefs de projet"))
    with django_capture_on_commit_callbacks(execute=False):
        for number in range(7):
            experiments.start(agent, f"Expérimentation {number}")

    home = agent_client.get("/").content.decode()

    assert home.count("Cadrage : Expérimentation") == 5
    assert "Cadrage : Expérimentation 0" in home
    assert "Cadrage : Expérimentation 6" not in home
    assert "2 autres étapes d’expérimentation vous attendent" in home
    assert f'href="{reverse("experiments:my_tasks")}"' in home


def test_the_home_page_lists_five_surveys_and_counts_the_others(
    agent_client, agent, site, make_survey
):
    for number in range(6):
        Invitation.objects.create(survey=make_survey(title=f"Enquête {number}"), agent=agent)

    home = agent_client.get("/").content.decode()

    assert home.count("Répondre au questionnaire") == 5
    assert "1 autre questionnaire attend votre réponse" in home


def test_the_practice_library_shows_a_renamed_category_and_a_new_practice_at_once(
    agent_client, site
):
    library = make_library(site)
    category = PracticeCategory.objects.create(name="Réunions", slug="reunions")
    make_practice(library, title="Ordre du jour partagé", category=category)
    content = agent_client.get(library.url).content.decode()
    assert "Réunions" in content

    category.name = "Réunions hybrides"
    category.save()
    make_practice(library, title="Tour de table")

    content = agent_client.get(library.url).content.decode()
    assert "Réunions hybrides" in content
    assert "Tour de table" in content


def test_the_library_keeps_a_restricted_practice_from_agents_outside_its_group(
    client, site, agent, make_agent
):
    library = make_library(site)
    editors = Group.objects.get(name="Éditeurs")
    restricted_to(make_practice(library, title="Pratique réservée"), editors)
    member = make_agent("Membre")
    member.groups.add(editors)

    client.force_login(member)
    assert "Pratique réservée" in client.get(library.url).content.decode()
    client.force_login(agent)
    assert "Pratique réservée" not in client.get(library.url).content.decode()


def test_the_pagination_of_the_library_keeps_each_filter_apart(agent_client, site):
    library = make_library(site)
    meetings = PracticeCategory.objects.create(name="Réunions", slug="reunions")
    make_practice(library, title="Ordre du jour partagé", category=meetings)
    make_practice(library, title="Tour de table")

    filtered = agent_client.get(library.url, {"category": "reunions"}).content.decode()
    everything = agent_client.get(library.url).content.decode()

    assert "Tour de table" not in filtered
    assert "Tour de table" in everything


def test_the_cache_keys_of_a_filtered_page_hold_in_any_cache_backend(agent_client, site):
    # Memcached refuses keys with spaces or control characters, or longer than 250
    # characters: Django warns of such keys whatever the backend. A query string with spaces
    # and brackets, and many pages refused to the agent, must still give valid keys.
    library = make_library(site)
    editors = Group.objects.get(name="Éditeurs")
    for number in range(40):
        restricted_to(make_practice(library, title=f"Pratique réservée {number}"), editors)
    make_practice(library, title="Tour de table")

    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        response = agent_client.get(
            library.url, {"category": ["bien être", "[x]"], "tools": "without", "page": "1"}
        )

    assert response.status_code == 200


def test_a_practice_shows_a_retitled_related_practice_at_the_next_visit(agent_client, site):
    library = make_library(site)
    related = make_practice(library, title="Tour de table")
    practice = make_practice(library, title="Ordre du jour partagé")
    practice.related_practices = [related]
    practice.save_revision().publish()
    assert "Tour de table" in agent_client.get(practice.url).content.decode()

    related.title = "Tour de météo"
    related.save_revision().publish()

    assert "Tour de météo" in agent_client.get(practice.url).content.decode()


def test_a_page_moved_to_a_new_address_is_served_there_at_once(agent_client, site):
    page = menu_page(site, "Annuaire", slug="annuaire")
    assert agent_client.get("/annuaire/").status_code == 200

    page.slug = "annuaire-des-services"
    page.save_revision().publish()

    assert agent_client.get("/annuaire/").status_code == 404
    assert agent_client.get("/annuaire-des-services/").status_code == 200


def test_an_address_that_led_nowhere_serves_the_page_created_there(agent_client, site):
    assert agent_client.get("/annuaire/").status_code == 404

    menu_page(site, "Annuaire", slug="annuaire")

    assert agent_client.get("/annuaire/").status_code == 200


def test_an_unpublished_page_is_no_longer_served(agent_client, site):
    page = menu_page(site, "Annuaire", slug="annuaire")
    assert agent_client.get("/annuaire/").status_code == 200

    page.unpublish()

    assert agent_client.get("/annuaire/").status_code == 404


def test_a_known_address_costs_one_query_for_the_page_whatever_its_depth(agent_client, site):
    library = make_library(site)
    practice = make_practice(library)
    counts = {}
    for name, url in (("home", "/"), ("library", library.url), ("practice", practice.url)):
        agent_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert agent_client.get(url).status_code == 200
        counts[name] = [query["sql"] for query in queries.captured_queries]
    for name, queries in counts.items():
        # Wagtail finds the site once per request and keeps it on the request (public API
        # only: we no longer hand it one from the cache).
        assert sum('FROM "wagtailcore_site"' in sql for sql in queries) <= 1, name
        assert sum("wagtailcore_pageviewrestriction" in sql for sql in queries) == 0, name
    # The practice, two levels below the home page, is read in one query, as the home page.
    page_reads = {
        name: sum(sql.startswith('SELECT "wagtailcore_page"."id"') for sql in queries)
        for name, queries in counts.items()
    }
    assert page_reads["practice"] <= page_reads["home"] + 1


def test_a_restricted_page_served_from_a_cached_route_still_refuses_outsiders(
    client, site, agent, make_agent
):
    editors = Group.objects.get(name="Éditeurs")
    page = menu_page(site, "Espace éditeurs", slug="espace-editeurs")
    restricted_to(page, editors)
    member = make_agent("Membre")
    member.groups.add(editors)

    client.force_login(member)
    assert client.get("/espace-editeurs/").status_code == 200
    assert client.get("/espace-editeurs/").status_code == 200
    client.force_login(agent)
    response = client.get("/espace-editeurs/")
    assert response.status_code in (302, 403)
    assert "Espace éditeurs" not in response.content.decode()


def test_a_page_changed_by_another_worker_is_served_after_the_version_rises(agent_client, site):
    page = menu_page(site, "Annuaire", slug="annuaire")
    assert agent_client.get("/annuaire/").status_code == 200
    Page.objects.filter(pk=page.pk).update(slug="annuaire-2")
    assert agent_client.get("/annuaire/").status_code == 200  # this worker's cache

    ContentVersion.objects.filter(pk=1).update(value=F("value") + 1)

    assert agent_client.get("/annuaire/").status_code == 404


def read_version():
    return ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def test_a_draft_saved_leaves_the_shared_content_and_its_publication_renews_it(agent_client, site):
    page = menu_page(site, "Annuaire", slug="annuaire")
    assert "Annuaire" in main_menu_html(agent_client)
    before = read_version()

    page.title = "Annuaire des services"
    revision = page.save_revision()  # a draft, as every autosave of the editor writes
    page.save_revision()

    assert read_version() == before
    assert "Annuaire des services" not in main_menu_html(agent_client)
    assert agent_client.get("/annuaire/").status_code == 200

    revision.publish()

    assert read_version() > before
    assert "Annuaire des services" in main_menu_html(agent_client)


def test_a_page_locked_for_editing_leaves_the_shared_content(site, make_agent):
    page = menu_page(site, "Annuaire", slug="annuaire")
    before = read_version()

    page.locked, page.locked_by = True, make_agent("Éditrice")
    page.save(update_fields=["locked", "locked_by"])

    assert read_version() == before


def answers_of(response):
    """A response's status and content, the CSRF token (new for each request) left out."""
    if hasattr(response, "render"):  # a TemplateResponse renders once
        response.render()
    content = re.sub(rb'name="csrfmiddlewaretoken" value="\w+"', b"", response.content)
    return response.status_code, content


def test_a_page_served_from_the_cache_answers_as_wagtails_own_serve_view(
    rf, site, agent, make_agent
):
    """Pins what intranet/home/routing.py relies on: serving a found page as `wagtail.views.serve`
    does (the before_serve_page hooks, the on_serve_page chain with the view restrictions)."""
    from django.contrib.sessions.backends.db import SessionStore
    from wagtail import hooks
    from wagtail import views as wagtail_views

    from intranet.home import routing

    editors = Group.objects.get(name="Éditeurs")
    open_page = menu_page(site, "Annuaire", slug="annuaire")
    closed = menu_page(site, "Espace éditeurs", slug="espace-editeurs")
    restricted_to(closed, editors)
    member = make_agent("Membre")
    member.groups.add(editors)

    def request_of(user, path):
        request = rf.get(f"/{path}")
        request.user, request.session = user, SessionStore()
        return request

    def both(user, path):
        routing.serve_page(request_of(user, path), path)  # the route is now in the cache
        ours = routing.serve_page(request_of(user, path), path)
        wagtails = wagtail_views.serve(request_of(user, path), path)
        return answers_of(ours), answers_of(wagtails)

    for user, path in (
        (agent, "annuaire/"),
        (agent, "espace-editeurs/"),
        (member, "espace-editeurs/"),
    ):
        ours, wagtails = both(user, path)
        assert ours == wagtails, (user, path)
    assert both(agent, "espace-editeurs/")[0][0] in (302, 403)

    def closed_for_works(page, request, args, kwargs):
        if page.pk == open_page.pk:
            from django.http import HttpResponse

            return HttpResponse("Fermé pour travaux", status=503)
        return None

    with hooks.register_temporarily("before_serve_page", closed_for_works):
        ours, wagtails = both(agent, "annuaire/")
    assert ours == wagtails == (503, "Fermé pour travaux".encode())


def test_no_module_of_ours_writes_wagtails_or_djangos_private_request_attributes():
    """The caching stands on supported mechanisms only (a Wagtail upgrade cannot break it
    silently): no ``request._wagtail_*``, no ``_get_raw_host()``, no method replaced on an
    instance."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    forbidden = re.compile(
        r"\._wagtail_\w+\s*=|_get_raw_host\(|\.get_view_restrictions\s*=|\bsetattr\(\s*request"
    )
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for package in ("intranet", "practices", "skills", "surveys", "experiments")
        for path in (root / package).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if forbidden.search(line)
    ]
    assert offenders == []
