"""Conflicts of interest, reviewer assignment and review (``views_review``), under /programme/."""

from django.urls import path

from . import views_review as views

urlpatterns = [
    path("calls/<slug:key>/conflicts/", views.conflict_register, name="programme-conflicts"),
    path("calls/<slug:key>/conflicts.csv", views.conflict_register_csv, name="programme-conflicts-csv"),
    path("calls/<slug:key>/assignment/", views.assignment_page, name="programme-assignment"),
    path("calls/<slug:key>/assignment/change/", views.assignment_change, name="programme-assignment-change"),
    path("calls/<slug:key>/review-progress/", views.progress_page, name="programme-review-progress"),
    path("calls/<slug:key>/scores/", views.scores_page, name="programme-scores"),
    path("calls/<slug:key>/scores.csv", views.scores_csv, name="programme-scores-csv"),
    path("reviews/mine/", views.my_reviews, name="programme-my-reviews"),
    path("conflicts/mine/", views.my_conflicts, name="programme-my-conflicts"),
    path("applications/<str:number>/review/", views.review_page, name="programme-review"),
    path("applications/<str:number>/reviews/", views.application_reviews, name="programme-reviews"),
    path(
        "applications/<str:number>/declare-conflict/",
        views.declare_conflict,
        name="programme-declare-conflict",
    ),
    path("applications/<str:number>/feedback/", views.feedback_page, name="programme-feedback"),
]
