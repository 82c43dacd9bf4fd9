"""Network URLs: the partner-search board under /network/board/ (see urls.py)."""

from django.urls import path

from . import views_board as board

urlpatterns = [
    path("board/", board.need_list, name="network-board"),
    path("board/new/", board.need_create, name="network-board-create"),
    path("board/<int:pk>/", board.need_detail, name="network-board-need"),
    path("board/<int:pk>/edit/", board.need_edit, name="network-board-edit"),
    path("board/<int:pk>/status/", board.need_status, name="network-board-status"),
    path("board/<int:pk>/follow/", board.need_follow, name="network-board-follow"),
    path("board/<int:pk>/answer/", board.need_answer, name="network-board-answer"),
    path("board/answers/<int:pk>/decide/", board.answer_decide, name="network-board-answer-decide"),
    path("board/answers/<int:pk>/withdraw/", board.answer_withdraw, name="network-board-answer-withdraw"),
    path("board/answers/<int:pk>/agreement/", board.answer_agreement, name="network-board-answer-agreement"),
]
