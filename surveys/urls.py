from django.urls import path

from . import kiosk_views, views

app_name = "surveys"

urlpatterns = [
    path("", views.my_surveys, name="mine"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/repondre/", views.answer, name="answer"),
    path("repondre/<str:token>/", views.answer_link, name="answer_link"),
    path("<int:pk>/resultats/", views.results, name="results"),
    path("<int:pk>/resultats.csv", views.export, {"file_format": "csv"}, name="export_csv"),
    path("<int:pk>/resultats.xlsx", views.export, {"file_format": "xlsx"}, name="export_xlsx"),
    path("<int:pk>/clore/", views.close, name="close"),
    path("<int:pk>/feuilles/", kiosk_views.invitation_sheets, name="invitation_sheets"),
]
