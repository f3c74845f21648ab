"""Account pages under /accounts/."""

from django.urls import path

from fupin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("users/<int:user_id>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:user_id>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:user_id>/password/", views.user_password, name="user_password"),
    path(
        "users/<int:user_id>/tokens/revoke/",
        views.user_tokens_revoke,
        name="user_tokens_revoke",
    ),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
]
