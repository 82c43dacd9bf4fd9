"""Network URLs: events (see urls.py)."""

urlpatterns: list = []
