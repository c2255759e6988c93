from django.urls import include, path
from oauth2_provider import urls as oauth2_urls

from . import views

oauth2_patterns = [
    *oauth2_urls.base_urlpatterns,
    *(p for p in oauth2_urls.oidc_urlpatterns if p.name != "rp-initiated-logout"),
    path("logout/", views.SilentLogoutView.as_view(), name="rp-initiated-logout"),
]

urlpatterns = [
    path("o/", include((oauth2_patterns, "oauth2_provider"))),
    path("login/", views.ProviderLoginView.as_view(), name="login"),
    path("_test/users/", views.create_user),
    path("_test/reset/", views.reset),
    path("_test/tamper/", views.set_tamper_mode),
    path("_test/redirect-uris/", views.set_redirect_uris),
]
