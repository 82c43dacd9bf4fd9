"""Network URLs: board (see urls.py)."""

urlpatterns: list = []
