from django.urls import path

from . import action_views, announcement_views, idea_views, reassignment_views, views

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

# --- Ideas (issue 16, section 6) ---
urlpatterns += [
    path("idees/", idea_views.idea_list, name="ideas"),
    path("idees/nouvelle/", idea_views.new_idea, name="idea_new"),
    path("idees/<int:pk>/", idea_views.detail, name="idea"),
    path("idees/<int:pk>/soutien/", idea_views.support, name="idea_support"),
    path("idees/<int:pk>/commentaire/", idea_views.add_comment, name="idea_comment"),
    path("idees/<int:pk>/moderation/", idea_views.moderate, name="idea_moderate"),
    path("idees/<int:pk>/statut/", idea_views.set_status, name="idea_status"),
    path("idees/<int:pk>/adopter/", idea_views.adopt, name="idea_adopt"),
]

# --- You said, we did (issue 16, section 5) ---
urlpatterns += [
    path(
        "<int:pk>/vous-avez-dit/",
        announcement_views.announce_changes,
        name="announce_changes",
    ),
]

# --- Actions tracked to the end (issue 16, section 3) ---
urlpatterns += [
    path("<int:pk>/actions/<int:action_pk>/", action_views.action, name="action"),
    path("<int:pk>/suivre/", action_views.follow, name="follow"),
]
