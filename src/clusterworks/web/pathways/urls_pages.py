"""The pathway pages under /pathways/: the pipeline board, product timelines, bottlenecks, the barrier
register and the report for the ministry (see ``views_pages``). The records' forms are in
``urls_records``, included first, so that their fixed paths (e.g. ``products/_new/``) win."""

from django.urls import path

from . import views_pages as views

urlpatterns = [
    path("", views.board, name="pathways-board"),
    path("products/<str:key>/", views.product_detail, name="pathways-product"),
    path("bottlenecks/", views.bottlenecks, name="pathways-bottlenecks"),
    path("barriers/", views.barrier_list, name="pathways-barriers"),
    path("barriers/<int:pk>/", views.barrier_detail, name="pathways-barrier"),
    path("report/", views.report, name="pathways-report"),
    path("report.xlsx", views.report_xlsx, name="pathways-report-xlsx"),
]
