from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from intranet.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_email
from intranet.accounts.models import Agent, Department
from intranet.home.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db

PUBLIC_URL_NAMES = {
    "healthz",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "wagtail_admin_login_redirect",
    "wagtail_frontend_login_redirect",
    # The other doors: first access, printed access codes, single sign-on.
    "activation_request",
    "activation_confirm",
    "access_code_login",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    # The survey kiosk of shared devices: a printed code is the credential.
    "surveys_kiosk",
    "surveys_kiosk_answer",
    # The web app manifest, fetched by browsers without the session.
    "web_manifest",
    # The accessibility statement: the law wants it reachable from every page, the login
    # page included.
    "accessibility_statement",
    # Wagtail's own login views, shadowed by the two redirects above.
    "wagtailadmin_login",
    "wagtailcore_login",
}
# Wagtail's admin API marks itself open but checks admin access on each request.
ADMIN_API_PREFIX = "admin/api/"


def iter_patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from iter_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def test_only_the_login_pages_and_health_check_are_open_without_login():
    open_views = {
        pattern.name or route
        for route, pattern in iter_patterns(get_resolver())
        if not getattr(pattern.callback, "login_required", True)
        and not route.startswith(ADMIN_API_PREFIX)
    }
    assert open_views == PUBLIC_URL_NAMES


@pytest.mark.parametrize("url", ["/admin/login/", "/_util/login/?next=/charte/"])
def test_wagtail_login_forms_redirect_to_ours(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "url", ["/admin/api/main/pages/", "/admin/api/main/documents/", "/admin/api/main/images/"]
)
def test_wagtail_admin_api_refuses_anonymous_visitors(client, site, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/accueil/a-propos/",
        "/recherche/?q=charte",
        "/admin/",
        "/documents/1/plan.pdf",
        "/page-qui-n-existe-pas/",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, site, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_answers_503_when_the_database_is_down(client):
    with mock.patch("intranet.home.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_login_by_email_is_case_insensitive_and_lands_on_home(client, agent, site):
    response = client.post(
        reverse("login"),
        {"username": "AGENT@ville.test", "password": "motdepasse-solide"},
        follow=True,
    )
    assert response.context["user"] == agent
    assert response.redirect_chain[-1][0] == "/"
    assert "Bonjour Claire" in response.content.decode()


def test_wrong_password_shows_an_error_and_logs_nobody_in(client, agent):
    response = client.post(reverse("login"), {"username": agent.email, "password": "faux"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert 'role="alert"' in response.content.decode()


def test_logout_requires_post_and_ends_the_session(agent_client, site):
    assert agent_client.get(reverse("logout")).status_code == 405
    response = agent_client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert agent_client.get("/").status_code == 302


def test_password_reset_sends_an_email_with_a_working_link(client, agent):
    response = client.post(reverse("password_reset"), {"email": "Agent@Ville.test"})
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agent@ville.test"]
    link = next(line for line in message.body.splitlines() if "/compte/mot-de-passe/" in line)
    path = link.split("testserver", 1)[1].strip()
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "un-nouveau-secret-42", "new_password2": "un-nouveau-secret-42"},
    )
    assert response.url == reverse("password_reset_complete")
    agent.refresh_from_db()
    assert agent.check_password("un-nouveau-secret-42")


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "inconnu@ville.test"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_home_page_greets_the_agent_and_lists_latest_content(agent_client, site):
    page = StandardPage(title="Nouveautés de la rentrée", slug="rentree")
    site.add_child(instance=page)
    page.save_revision().publish()
    response = agent_client.get("/")
    content = response.content.decode()
    assert "Bonjour Claire" in content
    assert "Nouveautés de la rentrée" in content
    assert "Rien ne vous attend pour le moment." in content


def test_home_page_shows_what_apps_register_for_the_agent(agent_client, site):
    from wagtail import hooks

    from intranet.core.hooks import ATTENTION_ITEMS, AttentionItem

    def provider(request):
        return [AttentionItem("Signer la charte", "/charte/", f"Pour {request.user.first_name}")]

    with hooks.register_temporarily(ATTENTION_ITEMS, provider):
        content = agent_client.get("/").content.decode()
    assert "Signer la charte" in content
    assert "Pour Claire" in content


def test_search_finds_published_pages_only(agent_client, site):
    published = StandardPage(title="Réunions hybrides", slug="reunions", intro="Bien animer")
    draft = StandardPage(title="Réunions brouillon", slug="brouillon", live=False)
    site.add_child(instance=published)
    site.add_child(instance=draft)
    response = agent_client.get(reverse("search"), {"q": "Réunions"})
    titles = [page.title for page in response.context["results"]]
    assert titles == ["Réunions hybrides"]


def test_search_without_query_shows_the_form(agent_client, site):
    response = agent_client.get(reverse("search"))
    assert response.status_code == 200
    assert response.context["results"] is None


def test_unknown_page_answers_a_french_404_page(agent_client, site):
    response = agent_client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_interface_switches_to_english(agent_client, site):
    agent_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Hello Claire" in agent_client.get("/").content.decode()


def test_seed_demo_is_idempotent_and_its_logins_work(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Agent.objects.count(), Department.objects.count(), HomePage.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == (Agent.objects.count(), Department.objects.count(), 1)
    assert 55 <= counts[0] <= 80
    assert Department.objects.filter(parent__isnull=True).count() == 7
    for local, *_rest, groups in DEMO_LOGINS:
        agent = Agent.objects.get(email=demo_email(local))
        assert client.login(username=agent.email, password=DEMO_PASSWORD)
        assert sorted(agent.groups.values_list("name", flat=True)) == sorted(
            group for group in groups if group != "superuser"
        )
    assert Agent.objects.get(email=demo_email("admin")).is_superuser
    assert Agent.objects.filter(manager__isnull=False).count() >= counts[0] - 7


def test_role_groups_exist_with_their_admin_rights():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {
        "Éditeurs",
        "Modérateurs",
        "Chefs de projet",
        "Commanditaires",
        "Référents compétences",
    } <= names
    editors = Group.objects.get(name="Éditeurs")
    assert editors.permissions.filter(codename="access_admin").exists()
    assert not Group.objects.get(name="Chefs de projet").permissions.exists()


def test_editor_reaches_the_wagtail_admin_and_an_agent_does_not(client, agent, site):
    from django.contrib.auth.models import Group

    client.force_login(agent)
    assert client.get("/admin/").status_code == 302
    agent.groups.add(Group.objects.get(name="Éditeurs"))
    assert client.get("/admin/").status_code == 200


def test_an_agent_without_admin_rights_is_not_sent_round_in_circles(agent_client, site):
    response = agent_client.get("/admin/", follow=True)
    assert len(response.redirect_chain) <= 2
    assert response.status_code == 200
    assert "demande d’autres droits" in response.content.decode()


def test_wagtails_default_workflow_is_approved_by_our_moderators():
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask

    for task in GroupApprovalTask.objects.all():
        assert "Modérateurs" in task.groups.values_list("name", flat=True)
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
