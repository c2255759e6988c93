from django.urls import path

from . import views

urlpatterns = [
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/telecharger/", views.my_data_download, name="my_data_download"),
    path("deconnexion-partout/", views.logout_everywhere, name="logout_everywhere"),
]
