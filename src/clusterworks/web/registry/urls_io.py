"""Import and export pages (placeholder until they land)."""

urlpatterns: list = []
