from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from intranet.accounts.forms import LoginForm, PasswordResetForm
from intranet.home import views as home_views

account_patterns = [
    path(
        "connexion/",
        # No redirect_authenticated_user: Wagtail sends agents without admin access here, and
        # sending them back would loop.
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            extra_email_context={"site_name": settings.WAGTAIL_SITE_NAME},
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

# Wagtail's own login forms (admin, private pages) give way to ours.
login_redirect = login_not_required(RedirectView.as_view(pattern_name="login", query_string=True))

urlpatterns = [
    path("admin/login/", login_redirect, name="wagtail_admin_login_redirect"),
    path("_util/login/", login_redirect, name="wagtail_frontend_login_redirect"),
    path("healthz", home_views.healthz, name="healthz"),
    path("manifest.webmanifest", home_views.web_manifest, name="web_manifest"),
    path("compte/", include(account_patterns)),
    path("compte/", include("intranet.accounts.urls")),
    path("recherche/", home_views.search, name="search"),
    # Anyone may switch language, the login page included.
    path("langue/", login_not_required(set_language), name="set_language"),
    path("questionnaires/", include("surveys.urls")),
    path("experimentations/", include("experiments.urls")),
    path("competences/", include("skills.urls")),
    path("pratiques/", include("practices.urls")),
    path("tableau-de-bord/", include("intranet.dashboard.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's page serving, the site and the route read from the cache (home/routing.py).
    re_path(r"^((?:[\w\-]+/)*)$", home_views.serve_page, name="page"),
    path("", include(wagtail_urls)),
]
