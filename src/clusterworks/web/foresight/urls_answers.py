"""The expert's pages under /foresight/: my rounds, self-assessment, declining, answering and feedback."""

from django.urls import path

from . import views_answers

urlpatterns = [
    path("my-rounds/", views_answers.my_rounds, name="foresight-my-rounds"),
    path(
        "surveys/<str:key>/self-assessment/",
        views_answers.self_assessment,
        name="foresight-self-assessment",
    ),
    path("surveys/<str:key>/decline/", views_answers.decline, name="foresight-decline"),
    path(
        "surveys/<str:key>/rounds/<int:number>/answer/",
        views_answers.answer,
        name="foresight-answer",
    ),
    path(
        "surveys/<str:key>/rounds/<int:number>/feedback/",
        views_answers.feedback,
        name="foresight-feedback",
    ),
]
