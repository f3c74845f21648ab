"""Personas of user management: a second township (永新镇) with its own office and cadre, and
a system administrator of 关坝镇 itself."""

import pytest

from fupin.accounts.tests.factories import UserFactory, unit


@pytest.fixture
def other_township(org):
    township = unit("500110104", "永新镇", "township", org["county"])
    village = unit("500110104201", "梨园村", "village", township)
    return {"township": township, "village": village}


@pytest.fixture
def other_officer(other_township):
    return UserFactory(
        username="yongxin", role="township_officer", org_unit=other_township["township"]
    )


@pytest.fixture
def other_cadre(other_township):
    return UserFactory(
        username="cadre_y",
        role="village_cadre",
        org_unit=other_township["village"],
        phone="13700007777",
    )


@pytest.fixture
def township_admin(org):
    """The system administrator of 关坝镇 (a township-level administrator)."""
    return UserFactory(username="guanba_admin", role="system_admin", org_unit=org["township"])
