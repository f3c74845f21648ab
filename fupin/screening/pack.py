"""The standard rule pack (标准规则包, rulepack/standard.yaml), loaded idempotently: a rule is
created on first load, and gets a new version only when its text, explanation or reference
changed (the same text ▸ no new version)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from fupin.accounts.models import User
from fupin.screening import actions
from fupin.screening.models import Rule

PACK_FILE = Path(__file__).resolve().parent / "rulepack" / "standard.yaml"


@dataclass
class PackResult:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def read_pack(path: Path = PACK_FILE) -> list[dict[str, Any]]:
    """The pack's rules, each with its effective dates filled in from the pack's default."""
    data = yaml.safe_load(path.read_text("utf-8"))
    default_from = data.get("effective_from", dt.date(2020, 1, 1))
    return [
        {"effective_from": default_from, "effective_to": None, "severity": "medium", **spec}
        for spec in data["rules"]
    ]


@transaction.atomic
def load_pack(*, actor: User | None = None, path: Path = PACK_FILE) -> PackResult:
    """Load (or refresh) the rule pack; answers which rules were created, revised, unchanged."""
    result = PackResult()
    for spec in read_pack(path):
        rule = Rule.objects.filter(code=spec["code"]).first()
        if rule is None:
            actions.rule_create(actor=actor, **_rule_fields(spec), **_version_fields(spec))
            result.created.append(spec["code"])
            continue
        Rule.objects.filter(pk=rule.pk).update(**_rule_fields(spec, with_code=False))
        latest = rule.versions.order_by("-number").first()
        wanted = _version_fields(spec)
        if latest is not None and all(getattr(latest, k) == v for k, v in wanted.items()):
            result.unchanged.append(spec["code"])
            continue
        actions.rule_version_create(actor=actor, rule=rule, note="standard pack", **wanted)
        result.revised.append(spec["code"])
    return result


def _rule_fields(spec: dict[str, Any], *, with_code: bool = True) -> dict[str, Any]:
    fields = {key: spec[key] for key in ("name", "category", "subject", "severity")}
    if not with_code:
        fields.pop("subject")
        return fields
    return {"code": spec["code"], **fields}


def _version_fields(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        key: spec.get(key, "")
        for key in ("text", "explanation", "reference", "effective_from", "effective_to")
    }
