"""Installs the standard rule pack as it stood when this migration was written (version 1 of
each rule). Later revisions of the pack are loaded by `fupin rules load-pack`, which makes new
versions only for rules whose text changed."""

from django.db import migrations

from fupin.rules.language import RuleSource, Scope, compile_rule


def install(apps, schema_editor):
    from fupin.screening.pack import read_pack

    rule_model = apps.get_model("screening", "Rule")
    version_model = apps.get_model("screening", "RuleVersion")
    for spec in read_pack():
        if rule_model.objects.filter(code=spec["code"]).exists():
            continue
        compiled = compile_rule(
            RuleSource(spec["code"], spec["subject"], spec["text"]),
            scope=Scope(code_prefixes=("0",)),
        )
        rule = rule_model.objects.create(
            code=spec["code"],
            name=spec["name"],
            category=spec["category"],
            subject=spec["subject"],
            severity=spec["severity"],
        )
        version_model.objects.create(
            rule=rule,
            number=1,
            text=spec["text"],
            explanation=spec.get("explanation", ""),
            reference=spec["reference"],
            effective_from=spec["effective_from"],
            effective_to=spec["effective_to"],
            tables=sorted(compiled.tables),
            note="standard pack",
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
