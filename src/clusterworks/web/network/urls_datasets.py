"""Network URLs: datasets (see urls.py)."""

urlpatterns: list = []
