"""The pathway records under /pathways/ (see ``views_records``): new and edited products, consortia, gate
events, documents, the import of events and barriers. Included before ``urls_pages`` so that the fixed
paths (``products/_new/``, ``barriers/_new/``) win over the pages' ``<key>``."""

from django.urls import path

from . import views_records as views

urlpatterns = [
    path("products/_new/", views.product_create, name="pathways-product-create"),
    path("products/<str:key>/edit/", views.product_edit, name="pathways-product-edit"),
    path("products/<str:key>/consortium/", views.consortium, name="pathways-consortium"),
    path("products/<str:key>/events/_new/", views.event_create, name="pathways-event-create"),
    path("products/<str:key>/events/<int:pk>/delete/", views.event_delete, name="pathways-event-delete"),
    path("products/<str:key>/documents/", views.documents, name="pathways-documents"),
    path(
        "products/<str:key>/documents/<int:pk>/", views.document_download, name="pathways-document-download"
    ),
    path("clusters/<str:cluster_key>/events/import/", views.events_import, name="pathways-events-import"),
    path("barriers/_new/", views.barrier_create, name="pathways-barrier-create"),
    path("barriers/<int:pk>/edit/", views.barrier_edit, name="pathways-barrier-edit"),
    path(
        "barriers/<int:pk>/<str:action>/",
        views.barrier_action,
        name="pathways-barrier-action",
    ),
]
