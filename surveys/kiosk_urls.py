"""The kiosk, mounted at /borne/ by the project's URLconf (no namespace: a short address)."""

from django.urls import path

from . import kiosk_views

urlpatterns = [
    path("", kiosk_views.kiosk, name="surveys_kiosk"),
    path("repondre/", kiosk_views.kiosk_answer, name="surveys_kiosk_answer"),
]
