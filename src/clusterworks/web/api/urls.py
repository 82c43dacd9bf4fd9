"""REST API under /api/v1/ (placeholder until the API lands)."""

urlpatterns: list = []
