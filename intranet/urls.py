import re

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from intranet.accounts import oidc
from intranet.accounts import views as accounts_views
from intranet.accounts.views.sign_in import password_links_only
from intranet.home import routing
from intranet.home import views as home_views
from intranet.media import serve_media

account_patterns = [
    path("connexion/", accounts_views.LoginView.as_view(), name="login"),
    path(
        "connexion/code/", accounts_views.AccessCodeLoginView.as_view(), name="access_code_login"
    ),
    path("deconnexion/", accounts_views.LogoutView.as_view(), name="logout"),
    path(
        "premiere-connexion/",
        accounts_views.SignInLinkView.as_view(purpose="activation"),
        name="activation_request",
    ),
    path(
        "premiere-connexion/<uidb64>/<token>/",
        password_links_only(accounts_views.ActivationConfirmView.as_view()),
        name="activation_confirm",
    ),
    path(
        "mot-de-passe/oubli/",
        accounts_views.SignInLinkView.as_view(purpose="reset"),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        password_links_only(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        password_links_only(accounts_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        password_links_only(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("mot-de-passe/", accounts_views.ChoosePasswordView.as_view(), name="choose_password"),
    path("acces-des-agents/", accounts_views.agent_access, name="agent_access"),
]

# Single sign-on (OpenID Connect): to the provider, and back.
oidc_patterns = [
    path(
        "connexion/",
        login_not_required(oidc.SignInView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "retour/",
        login_not_required(oidc.CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]

# Wagtail's own login forms (admin, private pages) give way to ours.
login_redirect = login_not_required(RedirectView.as_view(pattern_name="login", query_string=True))

urlpatterns = [
    path("admin/login/", login_redirect, name="wagtail_admin_login_redirect"),
    # Wagtail's admin logs out through ours: the provider's session ends too.
    path("admin/logout/", accounts_views.LogoutView.as_view(), name="wagtail_admin_logout"),
    path("_util/login/", login_redirect, name="wagtail_frontend_login_redirect"),
    path("healthz", home_views.healthz, name="healthz"),
    path("manifest.webmanifest", home_views.web_manifest, name="web_manifest"),
    path("compte/", include(account_patterns)),
    path("compte/sso/", include(oidc_patterns)),
    path("compte/", include("intranet.accounts.urls")),
    path("recherche/", home_views.search, name="search"),
    path("accessibilite/", home_views.accessibility_statement, name="accessibility_statement"),
    # Anyone may switch language, the login page included.
    path("langue/", login_not_required(set_language), name="set_language"),
    path("questionnaires/", include("surveys.urls")),
    path("borne/", include("surveys.kiosk_urls")),
    path("experimentations/", include("experiments.urls")),
    path("competences/", include("skills.urls")),
    path("pratiques/", include("practices.urls")),
    path("tableau-de-bord/", include("intranet.dashboard.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# Uploaded images, in production too (SERVE_MEDIA; intranet/media.py says which files).
urlpatterns += [
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", serve_media, name="media"
    ),
]

urlpatterns += [
    # Wagtail's page serving, the route read from the cache (home/routing.py).
    re_path(r"^((?:[\w\-]+/)*)$", routing.serve_page, name="page"),
    path("", include(wagtail_urls)),
]
