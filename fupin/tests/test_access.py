"""Nothing leaks across villages: every page and API route, walked with every role.

DESIGN non-negotiable 1. The routes are discovered from the URL resolver when the tests are
collected, so a page or endpoint added later is walked too, with no list to keep up to date.
A path parameter this test cannot fill, or a required body field it has no plausible value
for, fails the walk until it is taught here (PLAUSIBLE, `_parameter_value`).

The household under test is household_a of 凉风村, with a second member, income, a risk, a
status change and an audited history. Who may see it:
- everyone whose area holds 凉风村 (village cadre and work team of 凉风村, township office,
  department staff, leader, county office, system administrator) and the helper paired to it;
- not the cadre of 示范一村, nor a helper cadre paired to another household.
A write form the role lacks the capability for may answer 403 (the API always checks the
capability in the action, so API reads never do).

Department data (fupin.datahub) is the work of the township office and its departments: the
village roles and the helper cadre take no part in it, inside 凉风村 or not (NOT_THEIR_WORK).
The world holds a 民政 batch with a row about household_a's head, one promoted batch and a
saved column mapping, so a leak through an import shows up like any other.

Monitoring (fupin.monitoring): household_a has a case posted in 凉风村 with an objection and an
attachment, whose file only the roles that may see ID numbers open (OPENS_FILES); each API step
is walked from the state it is taken in by the role that takes it
(fupin/monitoring/tests/walk.py), so a refusal from outside the village is the scope's.

User management (fupin.accounts) is the work of the roles with `accounts.manage_users`: the
others get 403 (lists, forms) or 404 (one account, as if it did not exist). The world holds a
cadre of 凉风村 with a phone and a live token, and a deactivated one to reactivate
(fupin/accounts/tests/walk.py). Changing one's own password (OWN_ACCOUNT) is open to everyone
and changes only the caller's own account.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern

from fupin.accounts.models import AuditEvent, User
from fupin.accounts.tests import walk as accounts_walk
from fupin.accounts.tests.factories import UserFactory
from fupin.api import api
from fupin.datahub import actions as datahub_actions
from fupin.datahub import pipeline
from fupin.datahub.models import ColumnMapping, ImportBatch
from fupin.monitoring.tests import walk as monitoring_walk
from fupin.registry import actions
from fupin.registry.models import Household, HouseholdRisk, IncomeRecord, Member, StatusChange
from fupin.registry.tests.factories import id_number
from fupin.screening.tests import walk as screening_walk

# Routes that never show a household, and why each is not walked.
NOT_WALKED = {
    "login/": "the login form; shows no records",
    "logout/": "ends the session; shows no records",
    "i18n/setlang/": "sets the language cookie; shows no records",
    "api/v1/": "django-ninja's root: only a reverse target, always 404",
    "api/v1/docs": "the API documentation page (swagger-ui); no records",
    "api/v1/openapi.json": "the API's schema; no records",
}
NOT_WALKED_PREFIXES = {"static/": "static files (CSS, JS, fonts); no records"}

API_NAMESPACE = "api"
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
HEAD_NAME = "张凉风"  # distinctive: no generated display name can contain it
CHILD_NAME = "张小凉"
HEAD_PHONE = "13800001234"

DENIED = ["village_cadre_b", "helper_cadre"]
# Routes whose work some roles that may see household_a have no part in (see the docstring).
NOT_THEIR_WORK = {
    "datahub/": ("village_cadre_a", "work_team_a", "paired_helper"),
    "api/v1/datahub/": ("village_cadre_a", "work_team_a", "paired_helper"),
    # screening runs: village roles and helpers work with the findings, not the runs
    "api/v1/screening/runs": ("village_cadre_a", "work_team_a", "paired_helper"),
    "screening/runs/": ("village_cadre_a", "work_team_a", "paired_helper"),
    # user management: only the township office and the system administrator manage users
    "accounts/users/": accounts_walk.NOT_MANAGERS,
    "api/v1/accounts/users": accounts_walk.NOT_MANAGERS,
}
# Routes that open a case's files (ID card copies, medical bills): only roles that may see ID
# numbers, phones and health open them; the read-only roles see the list and get 403 here.
OPENS_FILES = {
    "monitoring/attachments/<int:attachment_id>/",
    "api/v1/monitoring/attachments/<attachment_id>/file",
}
# Routes whose path names a policy parameter, not a record: the numbers are public policy, the
# same for every role; only the county office and the administrator set them (WRITERS).
NOT_RECORDS = ("parameters/", "api/v1/parameters/")
WRITERS = {"api/v1/parameters/": "county_officer"}
SEES_EVERYTHING = ["township_officer", "county_officer", "system_admin"]
SEES_AND_EDITS = ["village_cadre_a", "work_team_a", "paired_helper"]
READ_ONLY = ["leader", "department_staff"]


# ---- discovering the routes ---------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # as Django holds it: "registry/households/<int:household_id>/"
    methods: tuple[str, ...]
    is_api: bool

    def __str__(self) -> str:
        return f"/{self.pattern}"

    @property
    def parameters(self) -> list[str]:
        return PARAMETER.findall(self.pattern)

    def refuses(self, persona: str) -> bool:
        return any(
            self.pattern.startswith(prefix) and persona in roles
            for prefix, roles in NOT_THEIR_WORK.items()
        )

    @property
    def is_object(self) -> bool:
        """A route about one household or member (as opposed to a list or a form)."""
        return bool(self.parameters) and not self.pattern.startswith(NOT_RECORDS)

    @property
    def openapi_path(self) -> str:
        return "/" + PARAMETER.sub(r"{\1}", self.pattern)

    def url(self, world: World) -> str:
        def fill(match: re.Match[str]) -> str:
            return str(_parameter_value(self.pattern, match, world))

        return "/" + PARAMETER.sub(fill, self.pattern)


def _parameter_value(pattern: str, match: re.Match[str], world: World) -> int | str:
    name = match.group(1)
    if name == "year":
        return 2025
    if name == "name" and "parameters/" in pattern:
        return "posting_working_days"
    if name == "batch_id":
        # a rollback needs a promoted batch; every other route takes the staged one
        return world.promoted.pk if "rollback" in pattern else world.batch.pk
    if name == "mapping_id":
        return world.mapping.pk
    if name in ("case_id", "objection_id", "attachment_id") and world.monitoring:
        return getattr(world.monitoring, name.removesuffix("_id")).pk
    if name == "user_id" and world.accounts:
        return world.accounts.user_for(pattern).pk
    if name in ("run_id", "finding_id") and world.screening:
        return getattr(world.screening, name.removesuffix("_id")).pk
    # A bare `pk`/`id` is named by the path segment before it: members/<pk>, households/<pk>.
    context = name if name not in ("pk", "id") else pattern[: match.start()].rstrip("/")
    context = context.rsplit("/", 1)[-1]
    if "member" in context:
        return world.member.pk
    if "household" in context:
        return world.household.pk
    raise AssertionError(f"/{pattern}: teach test_access how to fill <{name}>")


def _text(pattern: Any) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$").removesuffix("\\Z")
        assert not re.search(r"[\\()\[\]?*+|{}]", text), f"teach test_access the route {text!r}"
    return text


def _patterns(entries: list[Any], prefix: str = "", in_api: bool = False):
    for entry in entries:
        text = prefix + _text(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(
                entry.url_patterns, text, in_api or entry.namespace == API_NAMESPACE
            )
        elif isinstance(entry, URLPattern):
            yield text, in_api


@cache
def _openapi() -> dict[str, Any]:
    return api.get_openapi_schema()


def discover_routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for pattern, is_api in _patterns(get_resolver().url_patterns):
        if pattern in NOT_WALKED or pattern.startswith(tuple(NOT_WALKED_PREFIXES)):
            continue
        if is_api:
            probe = Route(pattern, (), True)
            operations = _openapi()["paths"][probe.openapi_path]
            methods = tuple(sorted(method.upper() for method in operations))
        else:
            # Pages take GET and POST; those that take only one answer 405 to the other.
            methods = ("GET", "POST")
        routes.setdefault(pattern, Route(pattern, methods, is_api))
    return list(routes.values())


ROUTES = discover_routes()
READS = [route for route in ROUTES if "GET" in route.methods]
WRITES = [(route, method) for route in ROUTES for method in route.methods if method != "GET"]
API_WRITES = [(route, method) for route, method in WRITES if route.is_api]


# ---- the household under test -------------------------------------------------------------


@dataclass
class World:
    household: Household
    head: Member
    member: Member  # a member who is not the head, so removing them is allowed
    batch: ImportBatch  # a staged 民政 batch with the head's 低保 (and a duplicate of it)
    promoted: ImportBatch  # a promoted 民政 batch with the head's 低保 of an earlier month
    mapping: ColumnMapping
    monitoring: monitoring_walk.MonitoringWorld | None = None  # household_a's posted case
    screening: screening_walk.ScreeningWorld | None = None  # a finding about household_a
    accounts: accounts_walk.AccountsWorld | None = None  # accounts of 凉风村 to manage

    def markers(self) -> set[str]:
        """What would show that household_a leaked."""
        return {
            HEAD_NAME,
            CHILD_NAME,
            self.head.id_number,
            self.member.id_number,
            self.household.national_number or "",
            HEAD_PHONE,
        }

    def sensitive(self) -> set[str]:
        """What a role without sensitive access must not see even of a household it may see."""
        return {self.head.id_number, self.member.id_number, HEAD_PHONE}

    def state(self, but: User | None = None) -> dict[str, Any]:
        """Everything a write could change; `but`'s own account is left out (OWN_ACCOUNT)."""
        household = self.household
        audit = AuditEvent.objects.all()
        if but is not None:
            audit = audit.exclude(subject_type="accounts.user", subject_id=str(but.pk))
        return {
            **accounts_walk.state(but=but),
            "household": Household.objects.filter(pk=household.pk).values().get(),
            "members": list(Member.objects.filter(household=household).values()),
            "incomes": list(IncomeRecord.objects.filter(household=household).values()),
            "risks": list(HouseholdRisk.objects.filter(household=household).values()),
            "status_changes": StatusChange.objects.filter(household=household).count(),
            "audit": audit.count(),
            "households_of_the_village": Household.objects.filter(
                village=household.village
            ).count(),
        }


@pytest.fixture
def paired_helper(org):
    return UserFactory(username="helper_a", role="helper_cadre", org_unit=org["township"])


@pytest.fixture
def world(org, household_a, household_b, township_officer, helper_cadre, paired_helper, pair):
    head = household_a.members.get()
    Member.objects.filter(pk=head.pk).update(name=HEAD_NAME)
    member = actions.member_add(
        actor=township_officer,
        household=household_a,
        expected_version=None,
        data={"name": CHILD_NAME, "id_number": id_number(dt.date(2012, 1, 1)), "relation": "之子"},
    )
    actions.income_record(
        actor=township_officer,
        household=household_a,
        expected_version=None,
        year=2025,
        amounts={"wage": "10000"},
    )
    actions.household_set_risks(
        actor=township_officer, household=household_a, expected_version=None, risk_types=["0201"]
    )
    actions.household_change_status(
        actor=township_officer,
        household=household_a,
        expected_version=None,
        household_type="脱贫户",
        monitoring_category="脱贫不稳定户",
        effective_on=dt.date(2025, 5, 1),
        reason="县级审定",
    )
    pair(paired_helper, household_a)
    pair(helper_cadre, household_b)  # paired, but not to household_a
    head.refresh_from_db()
    household_a.refresh_from_db()
    promoted = _import(township_officer, head, "2025-04")
    datahub_actions.batch_promote(actor=township_officer, batch=promoted, queue=False)
    pipeline.run_promotion(promoted.pk)
    mapping = datahub_actions.mapping_save(
        actor=township_officer,
        feed="civil_affairs",
        name="县民政局格式",
        columns={"id_number": "公民身份号码", "name": "姓名", "benefit": "=低保"},
    )
    built = World(
        household=household_a,
        head=head,
        member=member,
        batch=_import(township_officer, head, "2025-05"),
        promoted=ImportBatch.objects.get(pk=promoted.pk),
        mapping=mapping,
    )
    built.monitoring = monitoring_walk.build_world(household_a, [township_officer, paired_helper])
    built.screening = screening_walk.build_world(household_a, township_officer)
    built.accounts = accounts_walk.build_world(household_a.village)
    return built


def _civil_affairs_file(head: Member) -> bytes:
    """A 民政 list with the head's 低保 twice (the second a duplicate) and a stranger's."""
    rows = [
        "姓名,身份证号,救助类别,发放金额",
        f"{HEAD_NAME},{head.id_number},低保,450",
        f"{HEAD_NAME},{head.id_number},低保,450",
        f"{HEAD_NAME},{id_number(dt.date(1990, 1, 1))},低保,450",
    ]
    return ("\n".join(rows) + "\n").encode()


def _import(actor, head: Member, period: str) -> ImportBatch:
    batch = datahub_actions.batch_upload(
        actor=actor,
        feed="civil_affairs",
        file_name="民政.csv",
        chunks=[_civil_affairs_file(head)],
        period=period,
        queue=False,
    )
    pipeline.run_staging(batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


def plausible(world: World) -> dict[str, Any]:
    """A value for each field a write may require, all valid together for household_a."""
    return {
        # a policy parameter's new value (posting_working_days); the steps' own dates win
        "value": "6",
        "starts_on": "2025-01-01",
        "reference": "渝乡振发〔2025〕1号",
        "version": Household.objects.get(pk=world.household.pk).version,
        "village": "500110103201",
        "group": "500110103201-01",
        "household_type": "一般农户",
        "housing_grade": "D",
        "phone": "13911112222",
        "name": "新来的",
        "id_number": id_number(dt.date(2015, 2, 3)),
        "relation": "之子",
        "head": {"name": "新户主", "id_number": id_number(dt.date(1970, 2, 3))},
        "year": 2025,
        "wage": "1000",
        "risk_types": ["01"],
        "effective_on": "2025-01-01",
        "reason": "deceased",  # a removal reason code; also a reason text for a status change
        "removed_on": "2025-01-01",
        **monitoring_walk.plausible(world.monitoring, world.household),
        **screening_walk.plausible(),
        **accounts_walk.plausible(),
        "feed": "civil_affairs",
        "columns": {"id_number": "身份证号", "name": "姓名", "benefit": "救助类别"},
        "period": "2025-06",
    }


def _upload(world: World, route: Route) -> dict[str, Any]:
    """A file for a multipart upload: a case's photo, or the head's 低保 of another month."""
    if route.pattern.startswith("api/v1/monitoring/"):
        return {"file": monitoring_walk.upload()}
    content = _civil_affairs_file(world.head)
    return {"file": io.BytesIO(content)}


def _body_schema(route: Route, method: str) -> tuple[str, dict[str, Any]] | None:
    operation = _openapi()["paths"][route.openapi_path][method.lower()]
    if "requestBody" not in operation:
        return None
    content_type, content = next(iter(operation["requestBody"]["content"].items()))
    schema = content["schema"]
    if "$ref" in schema:
        schema = _openapi()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return content_type, schema


def _api_body(route: Route, method: str, values: dict[str, Any]) -> dict[str, Any] | None:
    found = _body_schema(route, method)
    if found is None:
        return None
    _content_type, schema = found
    body = {name: values[name] for name in schema["properties"] if name in values}
    missing = set(schema.get("required", ())) - set(body)
    assert not missing, f"{method} {route}: teach PLAUSIBLE a value for {sorted(missing)}"
    return body


def _write(client: Client, route: Route, method: str, world: World):
    url, values = route.url(world), plausible(world)
    found = _body_schema(route, method) if route.is_api else None
    if found is not None and found[0] == "multipart/form-data":
        body = _api_body(route, method, {**values, **_upload(world, route)})
        return client.post(url, body)
    if route.is_api:
        body = _api_body(route, method, values)
        return client.generic(method, url, data=_json(body), content_type="application/json")
    form = {name: value for name, value in values.items() if not isinstance(value, dict)}
    return client.post(url, form)


def _json(body: dict[str, Any] | None) -> str:
    return json.dumps(body) if body is not None else ""


def _content(response) -> str:
    """The response as text, with xlsx/zip members unpacked so an export is searched too."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(name) for name in archive.namelist())
    return raw.decode("utf-8", errors="replace")


def _leaks(response, secrets: set[str]) -> set[str]:
    text = _content(response)
    return {secret for secret in secrets if secret and secret in text}


def _get_variants(route: Route, world: World) -> list[tuple[str, dict[str, str], set[str]]]:
    """The route as a plain GET, as a search for household_a (lists) and as an htmx swap,
    each with the markers that must not appear (a search may echo its own term)."""
    url, markers = route.url(world), world.markers()
    variants = [(url, {}, markers)]
    if not route.is_object:
        for term in (world.head.id_number, HEAD_NAME):
            variants.append((f"{url}?q={term}", {}, markers - {term}))
    if not route.is_api:
        variants.append((url, {"hx-request": "true"}, markers))
    return variants


def _as(request, persona: str) -> Client:
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    return client


# ---- the walk -----------------------------------------------------------------------------


def test_the_walk_covers_every_api_operation_and_the_registry_pages():
    # then: every documented API operation is walked
    walked = {(route.openapi_path, method) for route in ROUTES for method in route.methods}
    documented = {
        (path, method.upper())
        for path, operations in _openapi()["paths"].items()
        for method in operations
    }
    assert documented <= walked
    # and the registry pages are found without being listed here
    pages = {str(route) for route in ROUTES if not route.is_api}
    assert {"/registry/households/", "/registry/households/<int:household_id>/"} <= pages
    # and nothing is skipped that does not exist
    every = {pattern for pattern, _ in _patterns(get_resolver().url_patterns)}
    assert set(NOT_WALKED) <= every


@pytest.mark.parametrize("route", READS, ids=str)
@pytest.mark.parametrize("persona", DENIED)
def test_a_role_outside_the_village_cannot_read_household_a_on_any_route(
    request, world, route, persona
):
    client = _as(request, persona)
    for url, headers, markers in _get_variants(route, world):
        # when
        response = client.get(url, headers=headers, follow=not route.is_object)
        # then
        if route.is_api and route.is_object:
            assert (response.status_code, response.json()["code"]) == (404, "not_found"), url
        elif route.is_object:
            assert response.status_code in (403, 404), url
        else:
            assert response.status_code in (200, 403), url  # 403: a form they may not use
        assert _leaks(response, markers) == set(), url


@pytest.mark.parametrize(("route", "method"), WRITES, ids=str)
@pytest.mark.parametrize("persona", DENIED)
def test_a_role_outside_the_village_cannot_change_household_a_on_any_route(
    request, world, route, method, persona
):
    # given
    client = _as(request, persona)
    own = request.getfixturevalue(persona) if route.pattern in accounts_walk.OWN_ACCOUNT else None
    before = world.state(but=own)
    # when
    response = _write(client, route, method, world)
    # then
    if route.is_api and route.is_object:
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    elif route.is_object:
        assert response.status_code in (403, 404, 405)
    else:
        assert response.status_code < 500
    assert world.state(but=own) == before
    assert _leaks(response, world.markers()) == set()


@pytest.mark.parametrize(("route", "method"), API_WRITES, ids=str)
def test_the_bodies_of_the_walk_are_accepted_from_inside_the_village(request, world, route, method):
    """Proves the refusals above come from the scope check, not from a malformed body."""
    # given (a monitoring step is taken from its state by the role that takes it)
    persona = monitoring_walk.prepare(route.openapi_path, world.monitoring) or next(
        (role for prefix, role in WRITERS.items() if route.pattern.startswith(prefix)),
        "township_officer",
    )
    before = world.state()
    # when
    response = _write(_as(request, persona), route, method, world)
    # then
    assert response.status_code in (200, 201), response.content
    assert world.state() != before


@pytest.mark.parametrize("route", READS, ids=str)
@pytest.mark.parametrize("persona", SEES_EVERYTHING + SEES_AND_EDITS + READ_ONLY)
def test_a_role_that_may_see_household_a_opens_every_route(request, world, route, persona):
    # given
    client = _as(request, persona)
    url = route.url(world)
    # when
    response = client.get(url, follow=True)
    # then
    if route.refuses(persona):
        expected = (404,) if route.is_api and route.is_object else (200, 403, 404)
        assert response.status_code in expected, url
        assert _leaks(response, world.markers()) == set(), url
        return
    if route.pattern in OPENS_FILES and persona in READ_ONLY:
        assert response.status_code == 403, url
    elif route.is_api or persona in SEES_EVERYTHING:
        assert response.status_code == 200
    elif _as(request, "leader").get(url, follow=True).status_code == 200:
        assert response.status_code == 200  # a page even a read-only role may open
    else:
        assert response.status_code in (200, 403)  # a write form: needs the capability
    if persona in READ_ONLY:
        assert _leaks(response, world.sensitive()) == set()


@pytest.mark.parametrize(
    ("route", "method"),
    [(route, "GET") for route in READS] + WRITES,
    ids=str,
)
def test_an_anonymous_visitor_is_sent_to_login_by_pages_and_refused_by_the_api(
    world, route, method
):
    # given
    client = Client()
    before = world.state()
    # when
    if method == "GET":
        response = client.get(route.url(world))
    else:
        response = _write(client, route, method, world)
    # then
    if route.is_api:
        assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
    else:
        assert _redirects_to_login(client, response)
    assert world.state() == before
    assert _leaks(response, world.markers()) == set()


def _redirects_to_login(client: Client, response) -> bool:
    login = reverse("login")
    for _ in range(3):  # the home page redirects to the list, which redirects to login
        if response.status_code != 302:
            return False
        location = response["Location"]
        if location.split("?", 1)[0] == login:
            return True
        response = client.get(location)
    return False
