"""The permissions matrix: every URL of the site × every role, with its expected outcome.

The URLs are enumerated from the URLconf (tests/permissions/urls.py says which are ours:
our URL modules, and the admin views whose class or model is ours), the page types from
Wagtail's page models and the site settings from Wagtail's registry, restricted to our apps:
a new one without a row below fails ``test_every_url_has_a_row`` or
``test_every_page_type_and_site_setting_has_a_row``. Wagtail's own admin URLs are covered
by a few representative rows (WAGTAIL_ROWS: dashboard, explorer, page editor, draft view,
admin API), not one by one.

Every row is requested with GET as every role, against the demo content seeded once for
the module. The roles that are refused are then sent a POST with an empty body: it must be
refused too, and leave the database as it was. Per-object cases (the same URL with somebody
else's object) follow the matrix.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, get_page_models

from experiments.models import Experiment
from tests.permissions.demo import ROLES, seeded_demo
from tests.permissions.urls import is_ours, our_routes

pytestmark = pytest.mark.django_db

LOGIN = "login"  # 302 to our login page (from the admin: through its login redirect)
DENIED = "denied"  # Wagtail admin: 302 to the admin home with a "no permission" message
REDIRECT = 302  # any other redirect
REFUSALS = {LOGIN, DENIED, 400, 403, 404, 405}

# One outcome per role, in the order of ROLES:
#                  anonymous agent participant lead sponsor editor moderator skills superuser
# fmt: off
OPEN         = (200,   200,   200,   200,   200,   200,   200,    200,    200)
EVERY_AGENT  = (LOGIN, 200,   200,   200,   200,   200,   200,    200,    200)
POST_ONLY    = (LOGIN, 405,   405,   405,   405,   405,   405,    405,    405)
TO_LOGIN     = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN,  LOGIN,  LOGIN)
ADMIN_USERS  = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   200,    200,    200)
SURVEY_STAFF = (LOGIN, 403,   403,   403,   403,   200,   200,    403,    200)
REPORTERS    = (LOGIN, 403,   403,   403,   200,   200,   200,    200,    200)
FIGURES      = (LOGIN, 403,   403,   403,   200,   403,   403,    200,    200)
# Wagtail admin views: agents without admin access go to the login page.
PAGE_EDITORS = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   200,    DENIED, 200)
SURVEY_ADMIN = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   200,    DENIED, 200)
CATALOGUE    = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   200,    DENIED, 200)
SESSIONS     = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, DENIED, DENIED, 200,   200)
SKILLS_ADMIN = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, DENIED, DENIED, 200,   200)
SUPERUSER    = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, DENIED, DENIED, DENIED, 200)
INVITED_ONE  = (LOGIN, 403,   200,   403,   403,   403,   403,    403,    403)
# A personal link: its own agent goes on to the survey's address, every other is refused.
OWN_LINK     = (LOGIN, 403,   REDIRECT, 403, 403,   403,   403,    403,    403)
LEADS        = (LOGIN, 403,   403,   200,   403,   403,   403,    403,    200)
ASSIGNEE     = (LOGIN, 403,   403,   200,   403,   403,   403,    403,    403)
TEAM         = (LOGIN, 403,   200,   200,   200,   403,   403,    403,    200)
# Our own admin views answer a real 403 (see practices.viewsets.AttendanceView).
ATTENDANCE   = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,   403,    200,    200)
PIX_IMPORT   = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,   403,    200,    200)
SUPERUSER_403 = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,  403,    403,    200)
MANAGERS     = (LOGIN, 403,   403,   403,   200,   403,   403,    403,    200)
# The experiment's sponsor (or the lead's manager) and administrators.
REASSIGNERS  = (LOGIN, 403,   403,   403,   200,   403,   403,    403,    200)

MATRIX = {
    # The login pages and the health check are open (see test_foundation).
    "healthz":                          OPEN,
    "web_manifest":                     OPEN,  # fetched by browsers without the session
    "accessibility_statement":          OPEN,  # the RGAA asks it from every page, login's too
    "login":                            OPEN,
    "password_reset":                   OPEN,
    "password_reset_done":              OPEN,
    "password_reset_confirm":           OPEN,  # with a wrong token: "invalid link"
    "password_reset_complete":          OPEN,
    "activation_request":               OPEN,
    "activation_confirm":               OPEN,  # with a wrong token: "invalid link"
    "access_code_login":                OPEN,
    # Single sign-on is off in the tests' settings: its URLs answer "not enabled".
    "oidc_authentication_init":         (404,) * 9,
    "oidc_authentication_callback":     (404,) * 9,
    "choose_password":                  EVERY_AGENT,
    # Activation links and access codes: managers (the sponsor directs a direction) and
    # HR administrators; tests/test_sign_in_access_codes.py checks whom each may reach.
    "agent_access":                     MANAGERS,
    # The survey kiosk: a printed code is the credential (test_surveys_kiosk.py); its
    # answer address only takes the form the code screen gives.
    "surveys_kiosk":                    OPEN,
    "surveys_kiosk_answer":             (REDIRECT,) * 9,
    "set_language":                     (REDIRECT,) * 9,  # GET changes nothing, goes back
    "wagtail_admin_login_redirect":     TO_LOGIN,
    "wagtail_frontend_login_redirect":  TO_LOGIN,
    "logout":                           POST_ONLY,
    "wagtail_admin_logout":             POST_ONLY,  # the admin's "Log out": ours
    "search":                           EVERY_AGENT,
    # Wagtail's pages, served with a cached route (every page type: PAGE_TYPES below).
    "page":                             EVERY_AGENT,
    # "Mes données": one's own data only (the URL names nobody).
    "my_data":                          EVERY_AGENT,
    "my_data_download":                 EVERY_AGENT,
    "logout_everywhere":                POST_ONLY,  # ends every session of the agent
    # Uploaded images, served like every page of the intranet (intranet/media.py).
    "media":                            EVERY_AGENT,
    # Surveys: the open survey invites everybody; the barometer is the editor's.
    "surveys:mine":                     EVERY_AGENT,
    "surveys:detail":                   EVERY_AGENT,
    "surveys:answer":                   EVERY_AGENT,  # every role is invited to it
    "surveys:answer_link":              OWN_LINK,
    "surveys:results":                  SURVEY_STAFF,
    "surveys:export_csv":               SURVEY_STAFF,
    "surveys:export_xlsx":              SURVEY_STAFF,
    "surveys:close":                    SURVEY_STAFF,
    "surveys:invitation_sheets":        SURVEY_STAFF,
    # Experiments: a running experiment of the lead, sponsored, with the participant.
    "experiments:list":                 EVERY_AGENT,
    "experiments:new":                  LEADS,
    "experiments:my_tasks":             EVERY_AGENT,
    "experiments:task":                 ASSIGNEE,
    "experiments:detail":               TEAM,
    "experiments:chart":                TEAM,
    "experiments:journal":              POST_ONLY,
    "experiments:reassign":             REASSIGNERS,
    "experiments:unassigned":           REASSIGNERS,  # sponsors of experiments, admins
    "experiments:ideas":                EVERY_AGENT,
    "experiments:idea_new":             EVERY_AGENT,
    "experiments:idea":                 EVERY_AGENT,
    "experiments:idea_support":         POST_ONLY,
    "experiments:idea_comment":         POST_ONLY,
    "experiments:idea_moderate":        POST_ONLY,
    "experiments:idea_status":          POST_ONLY,
    "experiments:idea_adopt":           LEADS,
    # "You said, we did" of the finished experiment: its lead and administrators write it.
    "experiments:announce_changes":     LEADS,
    # A finished experiment's action plan is public; its page's form is its owner's, the
    # lead's, the sponsor's and the administrators' (per-object cases below).
    "experiments:action":               EVERY_AGENT,
    "experiments:follow":               POST_ONLY,
    # Skills: one's own levels; the group figures for managers and skills officers.
    "skills:my_skills":                 EVERY_AGENT,
    "skills:evolution":                 FIGURES,
    # Practices: actions of every agent; adhesion figures for editors and managers.
    "practices:sign_charter":           POST_ONLY,
    "practices:register":               POST_ONLY,
    "practices:unregister":             POST_ONLY,
    "practices:onboarding_step":        POST_ONLY,
    "practices:adhesion":               REPORTERS,
    "practices:adhesion_csv":           REPORTERS,
    "practices:adhesion_xlsx":          REPORTERS,
    # Impact dashboard: skills officers, sponsors (the direction), managers.
    "dashboard:dashboard":              FIGURES,
    "dashboard:refresh":                POST_ONLY,
    "dashboard:export_csv":             FIGURES,
    "dashboard:export_xlsx":            FIGURES,
    # Our admin views.
    "practices_adhesion":               ADMIN_USERS,
    "practices_onboarding":             ADMIN_USERS,
    "practices_trainings":              ADMIN_USERS,
    "skills_import_pix":                PIX_IMPORT,
    "skills_import_pix_job":            PIX_IMPORT,  # the skills officer's own import
    "accounts_departed":                SUPERUSER_403,
    "accounts_anonymise":               SUPERUSER_403,  # a departed agent
    "surveys_admin:index":              SURVEY_ADMIN,
    "surveys_admin:index_results":      SURVEY_ADMIN,
    "surveys_admin:add":                SURVEY_ADMIN,
    "surveys_admin:edit":               SURVEY_ADMIN,
    "surveys_admin:delete":             SURVEY_ADMIN,
    "surveys_admin:history":            SURVEY_ADMIN,
    "surveys_admin:history_results":    SURVEY_ADMIN,
    "surveys_admin:usage":              SURVEY_ADMIN,
    "surveys_admin:invite":             SURVEY_ADMIN,
    "surveys_admin:duplicate":          SURVEY_ADMIN,
    "surveys_admin:close":              SURVEY_ADMIN,
    "training_sessions:index":          SESSIONS,
    "training_sessions:index_results":  SESSIONS,
    "training_sessions:add":            SESSIONS,
    "training_sessions:edit":           SESSIONS,
    "training_sessions:delete":         SESSIONS,
    "training_sessions:history":        SESSIONS,
    "training_sessions:history_results": SESSIONS,
    "training_sessions:usage":          SESSIONS,
    "training_sessions:attendance":     ATTENDANCE,
    "pixcampaign:index":                SKILLS_ADMIN,
    "pixcampaign:index_results":        SKILLS_ADMIN,
    "pixcampaign:inspect":              SKILLS_ADMIN,
    # Wagtail's user admin edits our Agent model: superusers only.
    "wagtailusers_users:index":         SUPERUSER,
    "wagtailusers_users:index_results": SUPERUSER,
    "wagtailusers_users:add":           SUPERUSER,
    "wagtailusers_users:edit":          SUPERUSER,
    "wagtailusers_users:delete":        SUPERUSER,
    "wagtailusers_users:history":       SUPERUSER,
    "wagtailusers_users:history_results": SUPERUSER,
    "wagtailusers_users:usage":         SUPERUSER,
    "wagtailusers_users:copy":          SUPERUSER,
}
for snippet in ("tool", "toolneed", "practicecategory"):
    for view in ("list", "list_results", "add", "edit", "delete", "usage", "history",
                 "history_results"):
        MATRIX[f"wagtailsnippets_practices_{snippet}:{view}"] = CATALOGUE
    # Any admin user may pick a tool in a chooser: the catalogue is public to every agent on
    # the tool guide page; creating one from the chooser needs the catalogue permissions.
    for view in ("choose", "choose_results", "chosen", "chosen_multiple"):
        MATRIX[f"wagtailsnippetchoosers_practices_{snippet}:{view}"] = ADMIN_USERS
    MATRIX[f"wagtailsnippetchoosers_practices_{snippet}:create"] = CATALOGUE

# The answer to a POST with an empty body, for the URLs that take only POST.
DONE         = (LOGIN, 302,   302,   302,   302,   302,   302,    302,    302)
JOURNAL      = (LOGIN, 403,   302,   302,   403,   403,   403,    403,    403)
REFRESH      = (LOGIN, 403,   403,   403,   403,   403,   403,    302,    302)
MODERATE     = (LOGIN, 403,   403,   403,   403,   403,   302,    403,    302)
DECIDE       = (LOGIN, 403,   403,   400,   403,   403,   403,    403,    400)
FOLLOW       = (LOGIN, 403,   302,   403,   302,   403,   403,    403,    403)
POSTS = {
    "logout":                           TO_LOGIN,  # logged out, sent to the login page
    "wagtail_admin_logout":             TO_LOGIN,
    "logout_everywhere":                TO_LOGIN,
    # An empty entry is refused with a message: only the team may write in the journal.
    "experiments:journal":              JOURNAL,
    "practices:sign_charter":           DONE,
    "practices:register":               DONE,
    "practices:unregister":             DONE,
    "practices:onboarding_step":        DONE,
    # Only those who answer for the figures have them computed again before their time.
    "dashboard:refresh":                REFRESH,
    # An empty support toggles it (the author is told she cannot); an empty comment is refused.
    "experiments:idea_support":         DONE,
    "experiments:idea_comment":         DONE,
    "experiments:idea_moderate":        MODERATE,
    "experiments:idea_status":          DECIDE,  # no decision, no reason: refused
    # Participants and the sponsor follow an experiment (a toggle).
    "experiments:follow":               FOLLOW,
}

# Wagtail's own admin, by a few representative views.
WAGTAIL_ROWS = {
    "wagtailadmin_home":                ADMIN_USERS,
    "wagtailadmin_explore":             PAGE_EDITORS,
    "wagtailadmin_pages:edit":          PAGE_EDITORS,
    "wagtailadmin_pages:view_draft":    PAGE_EDITORS,  # the draft of a practice to spread
    "wagtailadmin_api:pages:listing":   ADMIN_USERS,  # lists drafts too
}

# Every live page type of ours, served by Wagtail.
PAGE_TYPES = {
    "home.HomePage":                    EVERY_AGENT,
    "home.StandardPage":                EVERY_AGENT,
    "home.AccessibilityStatementPage":  OPEN,  # public, as the RGAA asks
    "practices.CharterPage":            EVERY_AGENT,
    "practices.PracticeIndexPage":      EVERY_AGENT,
    "practices.PracticePage":           EVERY_AGENT,
    "practices.TrainingIndexPage":      EVERY_AGENT,
    "practices.TrainingPage":           EVERY_AGENT,
    "practices.OnboardingPage":         EVERY_AGENT,
    "practices.ToolGuidePage":          EVERY_AGENT,
}

# Our site settings, edited in Wagtail's settings admin.
SETTINGS = {
    "practices.ModerationSettings":     SUPERUSER,
}
# fmt: on

# The object each URL with parameters is requested with.
ARGUMENTS = {
    "page": lambda d: [d.objects["practice_page"].url.lstrip("/")],
    "media": lambda d: [uploaded_image_path()],
    "password_reset_confirm": lambda d: ["MQ", "mauvais-jeton"],
    "activation_confirm": lambda d: ["MQ", "mauvais-jeton"],
    "surveys:invitation_sheets": lambda d: [d.objects["barometer"].pk],
    "surveys:detail": lambda d: [d.objects["open_survey"].pk],
    "surveys:answer": lambda d: [d.objects["open_survey"].pk],
    "surveys:answer_link": lambda d: [d.objects["participant_invitation"].token],
    "surveys:results": lambda d: [d.objects["barometer"].pk],
    "surveys:export_csv": lambda d: [d.objects["barometer"].pk],
    "surveys:export_xlsx": lambda d: [d.objects["barometer"].pk],
    "surveys:close": lambda d: [d.objects["open_survey"].pk],
    "experiments:task": lambda d: [d.objects["lead_task"].pk],
    "experiments:reassign": lambda d: [d.objects["lead_task"].pk],
    "experiments:detail": lambda d: [d.objects["running_experiment"].pk],
    "experiments:chart": lambda d: [d.objects["running_experiment"].pk],
    "experiments:journal": lambda d: [d.objects["running_experiment"].pk],
    "experiments:announce_changes": lambda d: [d.objects["done_experiment"].pk],
    "experiments:action": lambda d: [d.objects["done_experiment"].pk, d.objects["done_action"].pk],
    "experiments:follow": lambda d: [d.objects["running_experiment"].pk],
    **{
        f"experiments:{name}": lambda d: [d.objects["idea"].pk]
        for name in (
            "idea",
            "idea_support",
            "idea_comment",
            "idea_moderate",
            "idea_status",
            "idea_adopt",
        )
    },
    "practices:sign_charter": lambda d: [d.objects["charter"].pk],
    "practices:register": lambda d: [d.objects["session"].pk],
    "practices:unregister": lambda d: [d.objects["session"].pk],
    "practices:onboarding_step": lambda d: [d.objects["onboarding_step"].pk],
    "training_sessions:attendance": lambda d: [d.objects["session"].pk],
    "pixcampaign:inspect": lambda d: [d.objects["pix_campaign"].pk],
    "skills_import_pix_job": lambda d: [d.objects["pix_import"].pk],
    "accounts_anonymise": lambda d: [d.objects["departed_agent"].pk],
    "wagtailadmin_explore": lambda d: [d.objects["practice_page"].get_parent().pk],
    "wagtailadmin_pages:edit": lambda d: [d.objects["practice_page"].pk],
    "wagtailadmin_pages:view_draft": lambda d: [d.objects["draft_page"].pk],
}
for viewset, key in [
    ("surveys_admin", "open_survey"),
    ("training_sessions", "session"),
    ("wagtailsnippets_practices_tool", "tool"),
    ("wagtailsnippets_practices_toolneed", "tool_need"),
    ("wagtailsnippets_practices_practicecategory", "practice_category"),
]:
    for view in ("edit", "delete", "usage", "history", "history_results", "invite", "duplicate"):
        ARGUMENTS[f"{viewset}:{view}"] = lambda d, key=key: [d.objects[key].pk]
    ARGUMENTS[f"{viewset}:close"] = ARGUMENTS[f"{viewset}:edit"]
# A survey nobody was invited to yet: the only kind that may be deleted.
ARGUMENTS["surveys_admin:delete"] = lambda d: [d.objects["draft_survey"].pk]
for snippet, key in [
    ("tool", "tool"),
    ("toolneed", "tool_need"),
    ("practicecategory", "practice_category"),
]:
    ARGUMENTS[f"wagtailsnippetchoosers_practices_{snippet}:chosen"] = lambda d, key=key: [
        d.objects[key].pk
    ]
for view in ("edit", "delete", "usage", "history", "history_results", "copy"):
    ARGUMENTS[f"wagtailusers_users:{view}"] = lambda d: [d.users["participant"].pk]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), seeded_demo() as demo:
        yield demo


@pytest.fixture(autouse=True)
def fresh_caches():
    """The demo outlives each test, its cached figures must not: each test starts afresh."""
    for cache in caches.all():
        cache.clear()


def outcome(response):
    """What a user gets, in the words of the matrix."""
    if response.status_code != 302:
        return response.status_code
    path = urlsplit(response["Location"]).path
    if path in (reverse("login"), reverse("wagtail_admin_login_redirect")):
        return LOGIN
    if path == reverse("wagtailadmin_home"):
        errors = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        if errors:
            return DENIED
    return REDIRECT


def client_for(demo, role):
    client = Client()
    if demo.users[role] is not None:
        client.force_login(demo.users[role])
    return client


def database_state():
    """Row counts of our apps, Wagtail's pages and viewflow, and the fields actions change.

    Login sessions aside: each client of a check logs in, and logging out ends sessions.
    """
    from intranet.accounts.models import Agent, AgentSession
    from surveys.models import Survey

    labels = {"wagtailcore", "viewflow", "auth"}
    models = [
        model
        for model in apps.get_models()
        if (is_ours(model.__module__) or model._meta.app_label in labels)
        and model is not AgentSession
    ]
    return {
        "counts": {model._meta.label: model._default_manager.count() for model in models},
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "status", "owner_id")),
        "surveys": list(Survey.objects.order_by("pk").values_list("pk", "closed_at")),
        "pages": list(Page.objects.order_by("pk").values_list("pk", "live", "latest_revision")),
        "agents": list(
            Agent.objects.order_by("pk").values_list("pk", "email", "last_name", "is_active")
        ),
    }


def check_row(demo, path, expected, label, posts=None):
    """GET as every role; POST as each refused role: refused, and nothing changed.

    ``posts``: the exact answers to a POST, for the URLs that take only POST; without it
    a POST must be refused (whatever the refusal) wherever the GET is.
    """
    problems = []
    for role, wanted in zip(ROLES, expected, strict=True):
        got = outcome(client_for(demo, role).get(path))
        if got != wanted:
            problems.append(f"{label} GET as {role}: expected {wanted}, got {got}")
    posts = posts or tuple(REFUSALS if wanted in REFUSALS else None for wanted in expected)
    refused = [
        (role, wanted) for role, wanted in zip(ROLES, posts, strict=True) if refusal(wanted)
    ]
    before = database_state()
    for role, wanted in refused:
        got = outcome(client_for(demo, role).post(path, {}))
        if got not in (wanted if isinstance(wanted, set) else {wanted}):
            problems.append(f"{label} POST as {role}: expected {wanted}, got {got}")
    if refused and database_state() != before:
        problems.append(f"{label}: a refused POST changed the database")
    for role, wanted in zip(ROLES, posts, strict=True):
        if wanted is not None and not refusal(wanted):
            got = outcome(client_for(demo, role).post(path, {}))
            if got != wanted:
                problems.append(f"{label} POST as {role}: expected {wanted}, got {got}")
    return problems


def refusal(wanted):
    return wanted == REFUSALS or wanted in REFUSALS


def uploaded_image_path():
    """A file where Wagtail puts uploaded images (the demo uploads none)."""
    folder = Path(settings.MEDIA_ROOT) / "original_images"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "matrice.png").write_bytes(b"\x89PNG")
    return "original_images/matrice.png"


def url_of(name, demo):
    arguments = ARGUMENTS.get(name)
    return reverse(name, args=arguments(demo) if arguments else None)


@pytest.mark.parametrize("name", list(MATRIX) + list(WAGTAIL_ROWS))
def test_url_answers_each_role_as_expected(demo, name):
    expected = MATRIX.get(name) or WAGTAIL_ROWS[name]
    problems = check_row(demo, url_of(name, demo), expected, name, POSTS.get(name))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_type_answers_each_role_as_expected(demo, page_type):
    model = apps.get_model(page_type)
    page = model.objects.live().order_by("pk").first()
    assert page is not None, f"the demo has no live {page_type}"
    problems = check_row(demo, page.url, PAGE_TYPES[page_type], page_type)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("setting", SETTINGS)
def test_site_setting_answers_each_role_as_expected(demo, setting):
    model = apps.get_model(setting)
    instance = model.load()
    path = reverse(
        "wagtailsettings:edit", args=[model._meta.app_label, model._meta.model_name, instance.pk]
    )
    problems = check_row(demo, path, SETTINGS[setting], setting)
    assert not problems, "\n".join(problems)


def test_every_url_has_a_row():
    routes = our_routes()
    assert sorted(set(routes) - set(MATRIX)) == [], "URLs without expectations"
    assert sorted(set(MATRIX) - set(routes)) == [], "rows of URLs that no longer exist"
    with_parameters = {name for name, route in routes.items() if route.pattern.pattern.converters}
    assert sorted(with_parameters - set(ARGUMENTS)) == [], "URLs without an object to request"
    post_only = {name for name, expected in MATRIX.items() if expected == POST_ONLY}
    assert post_only == set(POSTS), "URLs taking only POST need their POST row"


def test_every_page_type_and_site_setting_has_a_row():
    page_types = {model._meta.label for model in get_page_models() if is_ours(model.__module__)}
    assert page_types == set(PAGE_TYPES)
    our_settings = {model._meta.label for model in settings_registry if is_ours(model.__module__)}
    assert our_settings == set(SETTINGS)


# Per-object cases: the same URL as above, with somebody else's object.

SIGNED_IN = ROLES[1:]


def status_of(demo, user, path, method="get", data=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(path, data or {}).status_code


def test_an_invitation_link_opens_only_for_its_own_agent(demo):
    from surveys.models import Invitation, Response

    survey = demo.objects["open_survey"]
    invitations = {
        role: Invitation.objects.get(survey=survey, agent=demo.users[role]) for role in SIGNED_IN
    }
    for owner, invitation in invitations.items():
        path = reverse("surveys:answer_link", args=[invitation.token])
        for role in SIGNED_IN:
            assert status_of(demo, demo.users[role], path) == (302 if role == owner else 403), (
                f"{role} opening the invitation of {owner}"
            )
    answers = {f"q{question.pk}": "10" for question in survey.questions.all()}
    claire = invitations["participant"]
    path = reverse("surveys:answer_link", args=[claire.token])
    for role in SIGNED_IN:
        if role != "participant":
            assert status_of(demo, demo.users[role], path, "post", answers) == 403
    claire.refresh_from_db()
    assert not claire.answered
    assert not Response.objects.filter(survey=survey).exists()
    unknown = reverse("surveys:answer_link", args=["jeton-inconnu"])
    assert status_of(demo, demo.users["participant"], unknown) == 404


@pytest.mark.parametrize(
    "stage",
    ["frame", "review", "launch", "run", "retrospective", "synthesis", "action_plan", "follow_up"],
)
def test_an_experiment_task_opens_only_for_its_assignee(demo, stage):
    task = demo.stage_tasks[stage]
    path = reverse("experiments:task", args=[task.pk])
    assert status_of(demo, task.owner, path) == 200
    intruders = [demo.other_lead, demo.manager, *(demo.users[role] for role in SIGNED_IN)]
    intruders = [agent for agent in intruders if agent.pk != task.owner_id]
    # Whatever the stage, a body that would complete it.
    body = {
        "submit": "1",
        "decision": "approve",
        "confirm": "on",
        "actions-TOTAL_FORMS": "0",
        "reason": "Arrêter le suivi.",  # the follow-up stage's early end
    }
    before = database_state()
    for intruder in intruders:
        assert status_of(demo, intruder, path) == 403, f"{intruder} opening the {stage} task"
        assert status_of(demo, intruder, path, "post", body) == 403
    assert database_state() == before


def test_an_experiment_in_follow_up_shows_its_before_and_after_to_its_team_only(demo):
    task = demo.stage_tasks["follow_up"]
    path = reverse("experiments:detail", args=[task.process_id])
    team = client_for_user(demo.users["participant"]).get(path).content.decode()
    assert "Chaque pratique avant et après" in team
    for outsider in (demo.users["agent"], demo.other_lead, demo.manager):
        assert status_of(demo, outsider, path) == 403


def test_a_running_experiment_is_seen_only_by_its_team_and_managers(demo):
    experiment = demo.objects["running_experiment"]
    outsiders = [demo.users["agent"], demo.other_lead, demo.manager]
    for name in ("experiments:detail", "experiments:chart"):
        path = reverse(name, args=[experiment.pk])
        for outsider in outsiders:
            assert status_of(demo, outsider, path) == 403, f"{outsider} on {name}"
    listing = reverse("experiments:list")
    for outsider in outsiders:
        client = client_for_user(outsider)
        assert experiment.title not in client.get(listing).content.decode()
    team_client = client_for_user(demo.users["participant"])
    assert experiment.title in team_client.get(listing).content.decode()
    # The managers of the experiment's department follow it.
    department_manager = experiment.department.agents.exclude(reports=None).first()
    path = reverse("experiments:detail", args=[experiment.pk])
    assert status_of(demo, department_manager, path) == 200


def test_a_finished_experiment_is_public_without_its_journal_nor_free_answers(demo):
    from surveys.models import Answer

    experiment = demo.objects["done_experiment"]
    survey = experiment.retrospective_survey
    question = survey.questions.filter(kind="text").first()
    remark = "Le chef de service coupe la parole à tout le monde."
    Answer.objects.filter(question=question).delete()  # the demo's own answers
    Answer.objects.bulk_create(
        Answer(response=response, question=question, text=remark)
        for response in survey.responses.all()
    )
    entry = experiment.journal.first()
    path = reverse("experiments:detail", args=[experiment.pk])
    outsider = client_for_user(demo.users["agent"]).get(path)
    assert outsider.status_code == 200
    content = outsider.content.decode()
    assert entry.text not in content
    # The survey's results are refused to outsiders: their free answers too, here.
    assert (
        status_of(demo, demo.users["agent"], reverse("surveys:results", args=[survey.pk])) == 403
    )
    assert remark not in content
    assert "Recommanderiez-vous à une autre équipe de mener cette expérimentation ?" in content
    member = client_for_user(demo.users["participant"]).get(path).content.decode()
    assert entry.text in member
    assert remark in member


def test_what_will_change_is_written_only_by_the_lead_of_that_experiment(demo):
    experiment = demo.objects["done_experiment"]
    path = reverse("experiments:announce_changes", args=[experiment.pk])
    intruders = [demo.other_lead, demo.manager, experiment.sponsor, demo.users["participant"]]
    before = database_state()
    for intruder in intruders:
        assert status_of(demo, intruder, path) == 403, intruder
        assert status_of(demo, intruder, path, "post", {"text": "Rien ne change."}) == 403
    assert database_state() == before
    assert Experiment.objects.get(pk=experiment.pk).changes_announced == (
        experiment.changes_announced
    )
    # Its lead, on an experiment still running: not yet, told why, and nothing changes.
    running = reverse("experiments:announce_changes", args=[demo.stage_tasks["run"].process_id])
    response = client_for(demo, "lead").get(running)
    assert response.status_code == 409
    assert "une fois la synthèse faite" in response.content.decode()
    assert status_of(demo, demo.users["lead"], running, "post", {"text": "Trop tôt."}) == 409
    assert database_state() == before
    unknown = reverse("experiments:announce_changes", args=[10**9])
    assert status_of(demo, demo.users["lead"], unknown) == 404


def test_a_hidden_idea_is_not_found_but_by_moderators_and_administrators(demo):
    idea = demo.objects["hidden_idea"]
    paths = [
        reverse(f"experiments:{name}", args=[idea.pk])
        for name in ("idea", "idea_support", "idea_comment", "idea_adopt")
    ]
    before = database_state()
    for role in ("agent", "participant", "lead", "sponsor", "editor", "skills"):
        client = client_for(demo, role)
        assert idea.title not in client.get(reverse("experiments:ideas")).content.decode()
        for path in paths:
            assert outcome(client.get(path)) in {404, 405, 403}, (role, path)
            assert outcome(client.post(path, {"text": "Encore"})) in {404, 403}, (role, path)
    assert database_state() == before
    for role in ("moderator", "superuser"):
        assert client_for(demo, role).get(paths[0]).status_code == 200


def test_a_practice_page_names_running_experiments_only_to_their_team(demo):
    experiment = demo.objects["running_experiment"]
    page = experiment.practices.live().first()
    assert experiment.title in client_for_user(demo.users["participant"]).get(
        page.url
    ).content.decode().replace("&#x27;", "'")
    for outsider in (demo.users["agent"], demo.other_lead, demo.manager):
        content = client_for_user(outsider).get(page.url).content.decode()
        assert experiment.title not in content.replace("&#x27;", "'")


def test_a_session_video_link_is_given_to_registered_agents_only(demo):
    from practices.models import Enrolment, TrainingSession
    from practices.services import register

    session = (
        TrainingSession.objects.exclude(video_url="")
        .filter(starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert session is not None, "the demo should have a remote session to come"
    Enrolment.objects.filter(session=session, agent=demo.users["agent"]).delete()
    registered = demo.other_lead
    session.capacity = session.enrolments.count() + 1
    session.save(update_fields=["capacity"])
    register(session, registered)
    url = session.training.specific.url
    assert session.video_url in client_for_user(registered).get(url).content.decode()
    assert session.video_url not in client_for_user(demo.users["agent"]).get(url).content.decode()


def test_a_survey_is_presented_only_to_the_invited_and_its_managers(demo):
    survey = demo.objects["retrospective_survey"]
    path = reverse("surveys:detail", args=[survey.pk])
    assert status_of(demo, demo.users["agent"], path) == 403
    assert status_of(demo, demo.other_lead, path) == 403
    assert status_of(demo, demo.users["participant"], path) == 200
    assert status_of(demo, demo.users["lead"], path) == 200  # invited, and its owner


def test_the_owner_of_a_survey_sees_its_results_and_nobody_else_of_the_team(demo):
    survey = demo.objects["retrospective_survey"]
    path = reverse("surveys:results", args=[survey.pk])
    assert status_of(demo, demo.users["lead"], path) == 200
    for role in ("participant", "sponsor", "skills"):
        assert status_of(demo, demo.users[role], path) == 403


def test_an_export_under_k_answers_is_refused_even_to_the_owner(demo):
    survey = demo.objects["retrospective_survey"]
    assert survey.responses.count() < survey.min_group_size
    for name in ("surveys:export_csv", "surveys:export_xlsx"):
        response = client_for_user(demo.users["lead"]).get(reverse(name, args=[survey.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("surveys:results", args=[survey.pk])


def test_survey_results_hide_the_directions_under_k(demo):
    from intranet.accounts.models import Department
    from surveys.services import close, submit_response

    survey = demo.objects["open_survey"]
    question = survey.questions.get(kind="recommendation")
    directions = Department.objects.filter(parent__isnull=True).order_by("pk")[:3]
    for direction, answers in zip(directions, [6, 6, 2], strict=True):
        for invitation in survey.invitations.filter(
            agent__department__in=direction.with_descendants()
        )[:answers]:
            submit_response(invitation, {question: 10})
    close(survey)  # an anonymous survey's answers are published once it is closed
    response = client_for_user(demo.users["editor"]).get(
        reverse("surveys:results", args=[survey.pk])
    )
    by_name = {d.name: d for d in response.context["results"].directions}
    small = by_name[directions[2].name]
    assert small.responses == 2 < survey.min_group_size
    assert small.hidden and small.recommendations == {}
    # The only small group is hidden with another one: no subtraction from the total.
    assert sum(d.hidden for d in by_name.values()) == 2


def test_a_manager_sees_the_figures_of_their_departments_only(demo):
    from intranet.accounts.models import Department

    manager = demo.manager
    own = manager.department
    other = (
        Department.objects.exclude(pk__in=own.with_descendants())
        .exclude(pk=own.parent_id)
        .order_by("pk")
        .first()
    )
    client = client_for_user(manager)
    dashboard = reverse("dashboard:dashboard")
    assert "dashboard" in client.get(dashboard, {"department": own.pk}).context
    refused = client.get(dashboard, {"department": other.pk})
    assert refused.status_code == 200
    assert "dashboard" not in refused.context
    assert refused.context["form"].errors["department"]
    for name in ("dashboard:export_csv", "dashboard:export_xlsx"):
        assert client.get(reverse(name), {"department": own.pk}).status_code == 200
        assert client.get(reverse(name), {"department": other.pk}).status_code == 400
    evolution = reverse("skills:evolution")
    assert client.get(evolution, {"department": own.pk}).status_code == 200
    assert client.get(evolution, {"department": other.pk}).status_code == 403
    scope = set(own.with_descendants().values_list("pk", flat=True))
    adhesion = client.get(reverse("practices:adhesion"))
    shown = {row.department.pk for row in adhesion.context["rows"] if row.department}
    assert shown and shown <= scope
    export = client.get(reverse("practices:adhesion_csv")).content.decode()
    outsiders = demo.users["editor"], demo.users["participant"]
    assert all(agent.email not in export for agent in outsiders)


def test_a_draft_page_is_not_served_on_the_front_end(demo):
    page = demo.objects["draft_page"]
    path = page.get_url() or f"/pratiques/{page.slug}/"
    for role in SIGNED_IN:
        assert status_of(demo, demo.users[role], path) == 404, role


def client_for_user(user):
    client = Client()
    client.force_login(user)
    return client


def survey_edit_data(survey, **fields):
    """The survey builder's form as an editor submits it, questions unchanged."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    questions = [
        {
            "id": str(question.pk),
            "kind": question.kind,
            "label": question.label,
            "help_text": question.help_text,
            "required": "on" if question.required else "",
            "choices": question.choices,
            "subject": str(question.subject_id or ""),
        }
        for question in survey.questions.all()
    ]
    data = {
        "title": survey.title,
        "introduction": survey.introduction,
        "opens_at": survey.opens_at.strftime("%Y-%m-%d %H:%M"),
        "closes_at": survey.closes_at.strftime("%Y-%m-%d %H:%M"),
        "anonymous": "on" if survey.anonymous else "",
        "min_group_size": str(survey.min_group_size),
        "audience": survey.audience,
        "audience_department": str(survey.audience_department_id or ""),
        "audience_agents": [],
        "questions": inline_formset(questions, initial=len(questions)),
        **fields,
    }
    return nested_form_data(data)


def test_once_answers_exist_k_can_be_raised_but_not_lowered(demo):
    from surveys.services import submit_response

    survey = demo.objects["open_survey"]
    invitation = survey.invitations.get(agent=demo.users["agent"])
    submit_response(invitation, {survey.questions.get(kind="recommendation"): 9})
    editor = client_for_user(demo.users["editor"])
    path = reverse("surveys_admin:edit", args=[survey.pk])
    lowered = editor.post(path, survey_edit_data(survey, min_group_size="1"))
    assert lowered.status_code == 200
    assert lowered.context["form"].errors["min_group_size"]
    survey.refresh_from_db()
    assert survey.min_group_size == 5
    raised = editor.post(path, survey_edit_data(survey, min_group_size="8"))
    assert raised.status_code == 302
    survey.refresh_from_db()
    assert survey.min_group_size == 8


def test_a_lead_cannot_name_themself_sponsor_of_their_experiment(demo):
    task = demo.stage_tasks["frame"]
    lead = task.owner
    lead.groups.add(Group.objects.get(name="Commanditaires"))
    experiment = Experiment.objects.get(pk=task.process_id)
    framing = {
        "title": experiment.title,
        "department": experiment.department_id,
        "problem": "Des mails à rallonge.",
        "hypothesis": "Une pratique commune aide.",
        "success_criteria": "Score supérieur à 30.",
        "planned_start": "2027-01-04",
        "planned_end": "2027-02-26",
        "submit": "1",
    }
    path = reverse("experiments:task", args=[task.pk])
    client = client_for_user(lead)
    response = client.post(path, {**framing, "sponsor": lead.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["sponsor"]
    task.refresh_from_db()
    assert task.status in (STATUS.ASSIGNED, STATUS.STARTED)
    # The same framing with somebody else as sponsor goes through.
    response = client.post(path, {**framing, "sponsor": demo.users["sponsor"].pk})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == STATUS.DONE


def test_my_data_holds_my_own_data_only(demo):
    agent, other = demo.users["agent"], demo.users["participant"]
    download = client_for_user(agent).get(reverse("my_data_download")).json()
    assert agent.email in str(download)
    assert other.email not in str(download)
    page = client_for_user(agent).get(reverse("my_data")).content.decode()
    assert agent.last_name in page
    assert other.email not in page


def test_a_departed_agent_s_session_opens_nothing_any_more(demo):
    departed = demo.objects["departed_agent"]
    client = Client()
    client.force_login(departed)
    for path in ("/", reverse("surveys:mine"), reverse("my_data_download"), "/admin/"):
        assert outcome(client.get(path)) == LOGIN, path


def test_a_survey_with_invitations_is_closed_never_deleted(demo):
    from surveys.models import Survey

    editor = client_for_user(demo.users["editor"])
    for survey in (demo.objects["retrospective_survey"], demo.objects["barometer"]):
        path = reverse("surveys_admin:delete", args=[survey.pk])
        for method in ("get", "post"):
            response = getattr(editor, method)(path)
            assert response.status_code == 302
            assert response["Location"] == reverse("surveys_admin:index")
        assert Survey.objects.filter(pk=survey.pk).exists()
    # Its experiment goes on: the lead's retrospective task still opens.
    task = demo.stage_tasks["retrospective"]
    lead = client_for_user(task.owner)
    assert lead.get(reverse("experiments:task", args=[task.pk])).status_code == 200


def test_a_practice_category_in_use_cannot_be_deleted(demo):
    from practices.models import PracticeCategory, PracticePage

    category = PracticePage.objects.live().order_by("pk").first().category
    path = reverse("wagtailsnippets_practices_practicecategory:delete", args=[category.pk])
    response = client_for_user(demo.users["editor"]).post(path)
    assert response.status_code in (200, 302, 403)
    assert PracticeCategory.objects.filter(pk=category.pk).exists()


def test_a_page_restricted_to_a_group_is_hidden_from_everybody_else(demo):
    from wagtail.models import PageViewRestriction

    from intranet.home.models import HomePage, StandardPage

    home = HomePage.objects.get()
    page = home.add_child(
        instance=StandardPage(
            title="Espace réservé aux éditeurs", slug="espace-editeurs", show_in_menus=True
        )
    )
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Éditeurs")])
    agent, editor = client_for_user(demo.users["agent"]), client_for_user(demo.users["editor"])
    assert outcome(agent.get(page.url)) == LOGIN
    assert editor.get(page.url).status_code == 200
    search = reverse("search") + "?q=réservé"
    for path in ("/", search, reverse("experiments:list")):  # the menu is on every page
        assert page.title not in agent.get(path).content.decode(), path
    assert page.title in editor.get("/").content.decode()


def test_the_lead_or_sponsor_of_an_experiment_is_not_deleted_but_kept(demo):
    from intranet.accounts.models import Agent

    admin = client_for_user(demo.users["superuser"])
    for role in ("lead", "sponsor"):
        path = reverse("wagtailusers_users:delete", args=[demo.users[role].pk])
        for method in ("get", "post"):
            response = getattr(admin, method)(path)
            assert response.status_code == 302
            assert response["Location"] == reverse("wagtailusers_users:index")
            assert "error" in [m.level_tag for m in get_messages(response.wsgi_request)]
        assert Agent.objects.filter(pk=demo.users[role].pk).exists()


def test_a_pix_import_page_opens_only_for_its_uploader_and_superusers(demo):
    from intranet.accounts.models import Agent

    other_officer = Agent.objects.create_user("autre.referente@ville.test", "motdepasse-solide")
    other_officer.groups.add(Group.objects.get(name="Référents compétences"))
    path = reverse("skills_import_pix_job", args=[demo.objects["pix_import"].pk])

    assert status_of(demo, demo.users["skills"], path) == 200
    assert status_of(demo, demo.users["superuser"], path) == 200
    assert status_of(demo, other_officer, path) == 404
