"""Org units, users, API tokens and audit events."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import CAPABILITIES, Role, has_capability


class OrgUnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")
    GROUP = "group", _("Village group")
    DEPARTMENT = "department", _("Department")


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def subtree_of(self, unit: OrgUnit) -> OrgUnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def villages(self) -> OrgUnitQuerySet:
        return self.filter(kind=OrgUnitKind.VILLAGE)


class OrgUnit(models.Model):
    """A node of county ▸ township ▸ village ▸ group; departments hang under their township.

    `path` is the chain of codes from the root ("500110/500110103/500110103201/"), so a
    subtree is one indexed prefix query on any database.
    """

    code = models.CharField(_("statistical code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("org unit")

    def __str__(self) -> str:
        return self.name

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)

    @staticmethod
    def path_for(code: str, parent: OrgUnit | None) -> str:
        return f"{parent.path if parent else ''}{code}/"


class User(AbstractUser):
    """A person who works in fupin, with one role at one org unit."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, related_name="users", verbose_name=_("unit")
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Set when a manager generates or resets the password, so it is known to someone else;
    # cleared when the user sets their own. While set, every page leads to the change-password
    # page and the API answers 403 `password_change_required` (docs/accounts.md).
    password_change_required = models.BooleanField(_("must change password"), default=False)

    def __str__(self) -> str:
        return self.display_name or self.username

    def can(self, capability: str) -> bool:
        return self.is_active and has_capability(self.role, capability)

    @property
    def capabilities(self) -> frozenset[str]:
        """What the user may do (for menus: `{% if "datahub.view" in user.capabilities %}`)."""
        return CAPABILITIES.get(self.role, frozenset()) if self.is_active else frozenset()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the raw token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    label = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class AuditEvent(models.Model):
    """Who did what to which record, when, old → new, and why (DESIGN non-negotiable 3)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    # The household (or other root record) the change belongs to, for its history page.
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, related_name="+")
    changes = models.JSONField(default=dict)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]
