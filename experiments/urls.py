from django.urls import path

from . import reassignment_views, views

app_name = "experiments"

urlpatterns = [
    path("", views.experiment_list, name="list"),
    path("nouvelle/", views.new_experiment, name="new"),
    path("taches/", views.my_tasks, name="my_tasks"),
    path("taches/<int:task_pk>/", views.task, name="task"),
    path(
        "taches/<int:task_pk>/reassigner/",
        reassignment_views.reassign_task,
        name="reassign",
    ),
    path("taches/sans-responsable/", reassignment_views.unassigned, name="unassigned"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/schema.svg", views.flow_chart, name="chart"),
    path("<int:pk>/journal/", views.add_journal_entry, name="journal"),
]
