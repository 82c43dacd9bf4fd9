"""URLs of the cluster's plans under /foresight/: priority exercises and technology roadmaps.

Keys match ^[a-z0-9][a-z0-9._-]*$, so "_new" can never be a key.
"""

from django.urls import path

from . import views_plans as views

urlpatterns = [
    # priority exercises
    path("priorities/", views.exercise_list, name="foresight-exercise-list"),
    path("priorities/_new/", views.exercise_create, name="foresight-exercise-create"),
    path("priorities/<str:key>/", views.exercise_detail, name="foresight-exercise"),
    path("priorities/<str:key>/edit/", views.exercise_edit, name="foresight-exercise-edit"),
    path("priorities/<str:key>/weights/", views.exercise_weights_save, name="foresight-exercise-weights"),
    path("priorities/<str:key>/scores/", views.exercise_scores_edit, name="foresight-exercise-scores"),
    path("priorities/<str:key>/ranking.csv", views.exercise_ranking_csv, name="foresight-exercise-csv"),
    path("priorities/<str:key>/criteria/_new/", views.criterion_create, name="foresight-criterion-create"),
    path(
        "priorities/<str:key>/criteria/<str:criterion>/",
        views.criterion_edit,
        name="foresight-criterion-edit",
    ),
    path("priorities/<str:key>/candidates/_new/", views.candidate_create, name="foresight-candidate-create"),
    path(
        "priorities/<str:key>/candidates/<str:candidate>/",
        views.candidate_edit,
        name="foresight-candidate-edit",
    ),
    # technology roadmaps
    path("roadmaps/", views.roadmap_list, name="foresight-roadmap-list"),
    path("roadmaps/_new/", views.roadmap_create, name="foresight-roadmap-create"),
    path("roadmaps/<str:key>/", views.roadmap_detail, name="foresight-roadmap"),
    path("roadmaps/<str:key>/edit/", views.roadmap_edit, name="foresight-roadmap-edit"),
    path("roadmaps/<str:key>/nodes.csv", views.roadmap_nodes_csv, name="foresight-roadmap-nodes-csv"),
    path("roadmaps/<str:key>/links.csv", views.roadmap_links_csv, name="foresight-roadmap-links-csv"),
    path("roadmaps/<str:key>/nodes/_new/", views.node_create, name="foresight-node-create"),
    path("roadmaps/<str:key>/nodes/<str:node>/", views.node_edit, name="foresight-node-edit"),
    path("roadmaps/<str:key>/links/", views.link_create, name="foresight-link-create"),
    path("roadmaps/<str:key>/links/<int:pk>/delete/", views.link_delete, name="foresight-link-delete"),
]
