"""Data hub pages under /datahub/."""

from django.urls import path

from fupin.datahub import views

app_name = "datahub"
urlpatterns = [
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_upload, name="batch_upload"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:batch_id>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:batch_id>/mapping/", views.batch_mapping, name="batch_mapping"),
    path("batches/<int:batch_id>/promote/", views.batch_promote, name="batch_promote"),
    path("batches/<int:batch_id>/discard/", views.batch_discard, name="batch_discard"),
    path("batches/<int:batch_id>/rollback/", views.batch_rollback, name="batch_rollback"),
    path("batches/<int:batch_id>/errors/", views.batch_errors, name="batch_errors"),
]
