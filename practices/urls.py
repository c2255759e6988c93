from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("charte/<int:page_id>/signer/", views.sign_charter, name="sign_charter"),
    path("charte/adhesion/", views.adhesion, name="adhesion"),
    path(
        "charte/adhesion.csv", views.adhesion_export, {"file_format": "csv"}, name="adhesion_csv"
    ),
    path(
        "charte/adhesion.xlsx",
        views.adhesion_export,
        {"file_format": "xlsx"},
        name="adhesion_xlsx",
    ),
    path("sessions/<int:session_id>/inscription/", views.register, name="register"),
    path("sessions/<int:session_id>/desinscription/", views.unregister, name="unregister"),
    path("integration/etapes/<int:step_id>/", views.onboarding_step, name="onboarding_step"),
]
