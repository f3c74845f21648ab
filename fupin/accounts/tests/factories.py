"""Org units and users for tests."""

import factory

from fupin.accounts.models import OrgUnit, User


def unit(code: str, name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    return OrgUnit.objects.create(
        code=code, name=name, kind=kind, parent=parent, path=OrgUnit.path_for(code, parent)
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
