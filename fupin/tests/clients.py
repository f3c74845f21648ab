"""Test clients signed in as a user (Django's session login, no password involved)."""

from __future__ import annotations

from typing import Any

from django.test import Client


def session(user: Any, *, csrf: bool = False) -> Client:
    """A client signed in as `user`; with `csrf`, it enforces CSRF checks as a browser would."""
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client
