"""Registry endpoints under /api/v1/registry/: parse ▸ selector or action ▸ schema.

Every read starts from a selector scoped to the caller, so a household outside the caller's
area answers 404 `not_found`, exactly like one that does not exist. Every write goes through
the action of its use case (capability, scope, stale-version check, validation, audit) and
answers with the household as it now stands, so the client has the new `version` at once.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from ninja import Query, Router, Status

from fupin.accounts.api import caller
from fupin.accounts.models import User
from fupin.core.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from fupin.registry import actions, codes, schemas, selectors
from fupin.registry.models import Household, Member, MemberStatus
from fupin.registry.national import export

router = Router(tags=["registry"])

_ACTIVE_HEADS = Prefetch(
    "members",
    queryset=Member.objects.filter(status=MemberStatus.ACTIVE, relation=codes.Relation.HEAD),
    to_attr="active_heads",
)


def _head(household: Household) -> Member | None:
    heads = household.active_heads  # type: ignore[attr-defined]  # from _ACTIVE_HEADS
    return heads[0] if heads else None


def _household_out(household_id: int, user: User) -> schemas.HouseholdOut:
    household = selectors.household_get(user=user, household_id=household_id)
    return schemas.HouseholdOut.build(
        household,
        user=user,
        members=selectors.household_members(household=household),
        incomes=household.incomes.order_by("-year"),
        risks=household.risks.order_by("risk_type"),
        pairings=selectors.active_helpers(household=household),
    )


# ---- households ---------------------------------------------------------------------------


@router.get(
    "/households",
    response={200: schemas.HouseholdPageOut, 400: ErrorOut, **READ_ERRORS},
    summary="List and search households (一户一档)",
)
def household_list(request: HttpRequest, query: Query[schemas.HouseholdQuery]) -> object:
    """Households within your area, a page at a time, ordered by village.

    `q` finds a household by a member's name (or part of it), an ID number or its 户编号.
    A code filter that is not in its code list is refused with `unknown_code`.
    """
    user = caller(request)
    households = selectors.household_list(user=user, filters=query.filters())
    return schemas.HouseholdPageOut.of(
        households.prefetch_related(_ACTIVE_HEADS),
        query,
        lambda household: schemas.HouseholdListItemOut.build(
            household, head=_head(household), user=user
        ),
    )


@router.post(
    "/households",
    response={201: schemas.HouseholdOut, **WRITE_ERRORS},
    summary="Register a household with its head (建档)",
)
def household_register(request: HttpRequest, payload: schemas.HouseholdCreateIn) -> object:
    """Create a household in a village of your area, with its head of household (户主).

    The head's birth date and sex come from the ID number; a wrong check character is
    refused with `id_checksum`, an ID number already registered with `duplicate_id_number`.
    """
    user = caller(request)
    household = actions.household_register(
        actor=user,
        village_code=payload.village,
        group_code=payload.group,
        household=payload.household_fields(),
        head=payload.head.model_dump(exclude_unset=True),
    )
    return Status(201, _household_out(household.pk, user))


@router.get(
    "/households/{household_id}",
    response={200: schemas.HouseholdOut, **READ_ERRORS},
    summary="One household with its members, income, risks and helpers",
)
def household_detail(request: HttpRequest, household_id: int) -> object:
    """The whole record (一户一档). ID numbers, phones and health are masked unless your role
    may see them. A household outside your area answers 404 as if it did not exist."""
    return _household_out(household_id, caller(request))


@router.patch(
    "/households/{household_id}",
    response={200: schemas.HouseholdOut, **WRITE_ERRORS},
    summary="Edit a household's facts",
)
def household_update(
    request: HttpRequest, household_id: int, payload: schemas.HouseholdPatchIn
) -> object:
    """Change only the fields sent. 户类型 and 监测对象类别 change through `/status`.

    Send the `version` you read; if someone saved in between, the edit is refused (409
    `stale_edit`) and nothing is written.
    """
    user = caller(request)
    household = selectors.household_get(user=user, household_id=household_id)
    actions.household_update(
        actor=user,
        household=household,
        expected_version=payload.version,
        data=payload.changes(),
        reason=payload.reason,
    )
    return _household_out(household_id, user)


@router.post(
    "/households/{household_id}/status",
    response={200: schemas.HouseholdOut, **WRITE_ERRORS},
    summary="Change 户类型 or 监测对象类别 (dated, with reason)",
)
def household_change_status(
    request: HttpRequest, household_id: int, payload: schemas.StatusChangeIn
) -> object:
    """Record a status change on a date with its reason; only township and county offices.

    The monitoring category must be one in force in the year of `effective_on`
    (2020: 脱贫监测户/边缘户; 2021 on: 脱贫不稳定户/边缘易致贫户/突发严重困难户)."""
    user = caller(request)
    household = selectors.household_get(user=user, household_id=household_id)
    actions.household_change_status(
        actor=user,
        household=household,
        expected_version=payload.version,
        household_type=payload.household_type,
        monitoring_category=payload.monitoring_category,
        effective_on=payload.effective_on,
        reason=payload.reason,
    )
    return _household_out(household_id, user)


@router.put(
    "/households/{household_id}/risks",
    response={200: schemas.HouseholdOut, **WRITE_ERRORS},
    summary="Set the household's risk types (致贫/返贫风险)",
)
def household_set_risks(
    request: HttpRequest, household_id: int, payload: schemas.RisksIn
) -> object:
    """Replace the list of risk types; codes as in `/codes` → `risk_type`."""
    user = caller(request)
    household = selectors.household_get(user=user, household_id=household_id)
    actions.household_set_risks(
        actor=user,
        household=household,
        expected_version=payload.version,
        risk_types=payload.risk_types,
        noted_on=payload.noted_on,
    )
    return _household_out(household_id, user)


@router.put(
    "/households/{household_id}/incomes/{year}",
    response={200: schemas.HouseholdOut, **WRITE_ERRORS},
    summary="Record or correct a year's income",
)
def income_record(
    request: HttpRequest, household_id: int, year: int, payload: schemas.IncomeIn
) -> object:
    """The year's income by the national formula: 家庭纯收入 = 工资性 + 生产经营性 + 财产性 +
    转移性 − 生产经营性支出; 人均 = 家庭纯收入 ÷ 家庭人口数. Amounts not sent count as 0;
    amounts may be numbers or strings such as "12,000" — anything else is `invalid_amount`."""
    user = caller(request)
    household = selectors.household_get(user=user, household_id=household_id)
    actions.income_record(
        actor=user,
        household=household,
        expected_version=payload.version,
        year=year,
        amounts=payload.amounts(),
        household_size=payload.household_size,
        note=payload.note,
    )
    return _household_out(household_id, user)


@router.get(
    "/households/{household_id}/history",
    response={200: schemas.HistoryOut, **READ_ERRORS},
    summary="Audit trail and status history of a household",
)
def household_history(request: HttpRequest, household_id: int) -> object:
    """Who changed what, when, old → new and why; ID numbers, phones and health in the
    changes are masked unless your role may see them."""
    user = caller(request)
    household = selectors.household_get(user=user, household_id=household_id)
    return schemas.HistoryOut(
        events=[
            schemas.AuditEventOut.build(event, user=user)
            for event in selectors.household_history(household=household)
        ],
        status_changes=[
            schemas.StatusChangeOut.build(change)
            for change in selectors.household_status_changes(household=household)
        ],
    )


# ---- members ------------------------------------------------------------------------------


@router.post(
    "/households/{household_id}/members",
    response={201: schemas.HouseholdOut, **WRITE_ERRORS},
    summary="Add a member to a household",
)
def member_add(request: HttpRequest, household_id: int, payload: schemas.MemberAddIn) -> object:
    """Add a person; the ID number is checked (format, date, check character) and must not
    be registered in another household. A second head of household is refused."""
    user = caller(request)
    household = selectors.household_get(user=user, household_id=household_id)
    actions.member_add(
        actor=user, household=household, expected_version=payload.version, data=payload.fields()
    )
    return Status(201, _household_out(household_id, user))


@router.patch(
    "/members/{member_id}",
    response={200: schemas.HouseholdOut, **WRITE_ERRORS},
    summary="Edit a member",
)
def member_update(request: HttpRequest, member_id: int, payload: schemas.MemberPatchIn) -> object:
    """Change only the fields sent; `version` is the household's. Answers with the household."""
    user = caller(request)
    member = selectors.member_get(user=user, member_id=member_id)
    actions.member_update(
        actor=user, member=member, expected_version=payload.version, data=payload.changes()
    )
    return _household_out(member.household_id, user)


@router.post(
    "/members/{member_id}/remove",
    response={200: schemas.HouseholdOut, **WRITE_ERRORS},
    summary="Remove a member (death, moving out …); the record stays",
)
def member_remove(request: HttpRequest, member_id: int, payload: schemas.MemberRemoveIn) -> object:
    """Mark the person removed with a reason and date; the head is removed last."""
    user = caller(request)
    member = selectors.member_get(user=user, member_id=member_id)
    actions.member_remove(
        actor=user,
        member=member,
        expected_version=payload.version,
        reason=payload.reason,
        removed_on=payload.removed_on,
        note=payload.note,
    )
    return _household_out(member.household_id, user)


# ---- reference data and figures -----------------------------------------------------------


@router.get(
    "/codes",
    response={200: dict[str, list[schemas.CodeOut]], 401: ErrorOut},
    summary="Code lists for forms (value and label)",
)
def code_lists(request: HttpRequest) -> object:
    """Every code list the registry accepts, keyed by the field that takes it (`cause` is
    for main/second/third cause). Send `value`; show `label`."""
    return {name: schemas.code_list(choices) for name, choices in schemas.CODE_LISTS.items()}


@router.get(
    "/summary",
    response={200: list[schemas.SummaryRowOut], 401: ErrorOut},
    summary="户数/人数 by 户类型 and 监测对象类别 per village",
)
def summary(request: HttpRequest) -> object:
    """Active households and people per village within your area, by household type and by
    monitoring category."""
    rows = selectors.registry_summary(user=caller(request))
    return [schemas.SummaryRowOut(**vars(row)) for row in rows]


@router.get(
    "/export/national",
    response={200: None, 400: ErrorOut, **READ_ERRORS},
    summary="The registry in the national layout (（自定义）监测对象信息, xlsx)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Title on row 1, 收入年度 on row 2, the header on row 3; one row "
                "per person.",
                "content": {export.XLSX: {}},
            }
        }
    },
)
def national_export(request: HttpRequest, village: str = "", year: int | None = None) -> object:
    """The active households of your area (or of one `village`, by its code) with their active
    members, in the national 防返贫监测信息系统 layout (a), with the income of `year` (default:
    last year). ID numbers, phones and health are masked unless your role may see them. Import
    the file with the data hub's `national` source."""
    user = caller(request)
    chosen_village = export.check_village(user, village)
    chosen_year = export.check_year(year)
    stream = export.workbook(
        user=user,
        village=chosen_village,
        year=chosen_year,
        sensitive=selectors.can_see_sensitive(user),
    )
    return FileResponse(
        stream,
        as_attachment=True,
        filename=export.download_name(chosen_village, chosen_year),
        content_type=export.XLSX,
    )
