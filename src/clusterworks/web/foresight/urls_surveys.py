"""The foresight index and the survey management pages under /foresight/ (see ``views_surveys``).

Keys match ^[a-z0-9][a-z0-9._-]*$, so "_new" can never be a survey's, question's or item's key.
"""

from django.urls import path

from . import views_surveys as views

S = "surveys/<str:key>/"
Q = S + "questions/<str:question>/"
I = Q + "items/<str:item>/"  # noqa: E741

urlpatterns = [
    path("", views.index, name="foresight-index"),
    path("surveys/_new/", views.survey_create, name="foresight-survey-create"),
    path(S, views.survey_detail, name="foresight-survey-detail"),
    path(S + "edit/", views.survey_edit, name="foresight-survey-edit"),
    path(S + "close/", views.survey_close, name="foresight-survey-close"),
    path(S + "delete/", views.survey_delete, name="foresight-survey-delete"),
    path(S + "questions/", views.question_list, name="foresight-survey-questions"),
    path(S + "questions/_new/", views.question_create, name="foresight-question-create"),
    path(Q, views.question_edit, name="foresight-question-edit"),
    path(Q + "move/", views.question_move, name="foresight-question-move"),
    path(Q + "delete/", views.question_delete, name="foresight-question-delete"),
    path(Q + "items/_new/", views.item_create, name="foresight-item-create"),
    path(I, views.item_edit, name="foresight-item-edit"),
    path(I + "action/", views.item_action, name="foresight-item-action"),
    path(S + "panel/", views.panel, name="foresight-panel"),
    path(S + "panel/<str:code>/", views.panelist_action, name="foresight-panelist"),
    path(S + "rounds/", views.rounds, name="foresight-rounds"),
    path(S + "rounds/<int:number>/", views.round_action, name="foresight-round"),
    path(S + "results/", views.survey_results, name="foresight-results"),
    path(S + "responses/", views.responses, name="foresight-responses"),
    path(S + "responses.csv", views.responses_csv, name="foresight-responses-csv"),
]
