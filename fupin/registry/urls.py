"""Registry pages under /registry/."""

from django.urls import path

from fupin.registry import views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("export/national.xlsx", views.national_export, name="national_export"),
    path("households/new/", views.household_register, name="household_register"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path(
        "households/<int:household_id>/status/",
        views.household_change_status,
        name="household_change_status",
    ),
    path("households/<int:household_id>/risks/", views.household_set_risks, name="household_risks"),
    path("households/<int:household_id>/income/", views.income_record, name="income_record"),
    path("households/<int:household_id>/members/new/", views.member_add, name="member_add"),
    path(
        "households/<int:household_id>/members/<int:member_id>/edit/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "households/<int:household_id>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
