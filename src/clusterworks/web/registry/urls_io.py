"""Import and export of the register (see ``io_views``)."""

from django.urls import path

from . import io_views

urlpatterns = [
    path("registry/import/", io_views.import_view, name="registry-import"),
    path("registry/export/", io_views.export_view, name="registry-export"),
]
