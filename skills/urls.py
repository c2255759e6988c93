from django.urls import path

from . import views

app_name = "skills"
urlpatterns = [
    path("", views.my_skills, name="my_skills"),
    path("evolution/", views.evolution, name="evolution"),
]
