"""Shared fixtures: the org tree of a small township and one persona per role.

alice-style personas, by role: township_officer, department_staff, village_cadre_a (凉风村),
village_cadre_b (示范一村), work_team_a, helper_cadre (paired to households via `pair`),
leader, county_officer, system_admin.
"""

import datetime as dt

import pytest
from django.db import connections
from pytest_django.plugin import blocking_manager_key

from fupin.accounts.tests.factories import UserFactory, unit
from fupin.registry.models import Pairing
from fupin.registry.tests.factories import HouseholdFactory, MemberFactory


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back the rows migrations load (the rule pack) once a transactional test has flushed.

    A transactional test empties every table when it ends; the next test on the same worker
    would find no rule pack. Django serialises the migrated database for tests marked
    ``serialized_rollback=True``; after the flush this hook loads that copy again.
    """
    result = yield
    marker = item.get_closest_marker("django_db")
    # After the last test the test database is gone (the session's teardown ran): nothing to do.
    if nextitem is not None and marker is not None and marker.kwargs.get("transaction"):
        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all(initialized_only=True):
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents:
                    connection.creation.deserialize_db_from_string(contents)
    return result


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Tests hash many passwords; PBKDF2's deliberate slowness is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks (django-tasks) run when queued, in the test's own transaction."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def datahub_dir(settings, tmp_path):
    """Uploads, staged rows and error workbooks of the data hub go to the test's own folder."""
    settings.DATAHUB_DIR = tmp_path / "datahub"
    return settings.DATAHUB_DIR


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (case attachments) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def org(db):
    county = unit("500110", "綦江区", "county")
    township = unit("500110103", "关坝镇", "township", county)
    village_a = unit("500110103201", "凉风村", "village", township)
    village_b = unit("500110103202", "示范一村", "village", township)
    return {
        "county": county,
        "township": township,
        "village_a": village_a,
        "village_b": village_b,
        "group_a1": unit("500110103201-01", "1组", "group", village_a),
        "group_b1": unit("500110103202-01", "1组", "group", village_b),
        "civil_affairs": unit("500110103-MZ", "民政办", "department", township),
        "social_security": unit("500110103-SB", "社保所", "department", township),
    }


def _persona(role, unit_obj, username):
    return UserFactory(username=username, role=role, org_unit=unit_obj)


@pytest.fixture
def township_officer(org):
    return _persona("township_officer", org["township"], "township")


@pytest.fixture
def department_staff(org):
    return _persona("department_staff", org["civil_affairs"], "civil")


@pytest.fixture
def village_cadre_a(org):
    return _persona("village_cadre", org["village_a"], "cadre_a")


@pytest.fixture
def village_cadre_b(org):
    return _persona("village_cadre", org["village_b"], "cadre_b")


@pytest.fixture
def work_team_a(org):
    return _persona("work_team", org["village_a"], "team_a")


@pytest.fixture
def helper_cadre(org):
    return _persona("helper_cadre", org["township"], "helper")


@pytest.fixture
def leader(org):
    return _persona("leader", org["township"], "leader")


@pytest.fixture
def county_officer(org):
    return _persona("county_officer", org["county"], "county")


@pytest.fixture
def system_admin(org):
    return _persona("system_admin", org["county"], "admin")


@pytest.fixture
def household_a(org):
    """A lifted-out household of 凉风村 with its head."""
    household = HouseholdFactory(village=org["village_a"], group=org["group_a1"])
    MemberFactory(household=household, name="张三", phone="13800001234")
    return household


@pytest.fixture
def household_b(org):
    """A lifted-out household of 示范一村 with its head."""
    household = HouseholdFactory(village=org["village_b"], group=org["group_b1"])
    MemberFactory(household=household, name="李四")
    return household


@pytest.fixture
def pair():
    def _pair(helper, household, start=dt.date(2020, 1, 1), end=None):
        return Pairing.objects.create(
            household=household, helper=helper, start_on=start, end_on=end
        )

    return _pair
