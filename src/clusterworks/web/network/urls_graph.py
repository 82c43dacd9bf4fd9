"""Network URLs: graph (see urls.py)."""

urlpatterns: list = []
