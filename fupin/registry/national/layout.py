"""Layout (a) of the national 防返贫监测信息系统, （自定义）监测对象信息: one row per person.

reference/national-formats.md lists the columns seen in real exports; this is the order fupin
writes them in. Each column says what it holds (`target`) and how its cells read (`kind`):

- ``place.county|township|village``: the names of the household's county, township, village;
- ``household.<field>``, ``member.<field>``, ``income.<field>``: a registry field (income of
  the year the file is for);
- ``risk.<n>``: the n-th 致贫/返贫风险 of the household; ``measure.<kind>``: the assistance
  measures of a kind, comma-joined; ``derived.<name>``: a fact computed from the others;
- ``""``: a column of the layout fupin holds no data for (written empty, ignored on import).

Three columns are not in the exports listed there but in the national 采集表 of the same
system: 危房等级, 财产性收入 and 生产经营性支出. fupin writes them so that its own file carries
the registry whole (the yes/no 是否危房户 alone cannot give back a grade, nor 人均纯收入 two
of the income parts); a file without them still imports (docs/datahub.md says how).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fupin.registry import codes


class Kind(StrEnum):
    TEXT = "text"
    NAME = "name"
    CODE = "code"  # one value of `choices`, stored as the national Chinese term
    SEX = "sex"  # 男/女, stored as GB/T 2261.1 codes 1/2
    FLAG = "flag"  # 是/否
    DATE = "date"
    MONEY = "money"
    DECIMAL = "decimal"  # areas and distances
    MONTHS = "months"  # a whole number of months, 0–12
    ID_NUMBER = "id_number"
    PHONE = "phone"
    RISK = "risk"  # a 致贫/返贫风险 by its national name
    UNSAFE_HOUSE = "unsafe_house"  # 是否危房户: the grade is C or D
    MEASURES = "measures"
    DERIVED = "derived"
    UNUSED = "unused"


@dataclass(frozen=True)
class NationalColumn:
    header: str
    target: str
    kind: Kind
    aliases: tuple[str, ...] = ()  # other headers the same column goes by (layout (b), 采集表)
    choices: Any = None  # the TextChoices (or (value, label) pairs) of a CODE column
    sensitive: bool = False  # masked unless the role may see ID numbers, phones, health

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    @property
    def scope(self) -> str:
        """household, member, income, place, risk … (the part of `target` before the dot)."""
        return self.target.split(".", 1)[0]

    @property
    def field(self) -> str:
        return self.target.split(".", 1)[1] if "." in self.target else ""


def _col(header: str, target: str, kind: Kind, *aliases: str, **options: Any) -> NationalColumn:
    return NationalColumn(header, target, kind, aliases, **options)


def _flag(header: str, target: str, *aliases: str) -> NationalColumn:
    return NationalColumn(header, target, Kind.FLAG, aliases)


def _code(header: str, target: str, choices: Any, *aliases: str) -> NationalColumn:
    return NationalColumn(header, target, Kind.CODE, aliases, choices=choices)


def _unused(header: str) -> NationalColumn:
    return NationalColumn(header, "", Kind.UNUSED)


K = Kind
COLUMNS: tuple[NationalColumn, ...] = (
    _col("县", "place.county", K.TEXT, "县(市、区、旗)", "县(市、区)", "区县"),
    _col("乡", "place.township", K.TEXT, "乡(镇)", "乡镇"),
    _col("村", "place.village", K.TEXT, "行政村"),
    _col("户编号", "household.national_number", K.TEXT, "户编号(国家平台的编号)"),
    _col("姓名", "member.name", K.NAME, "人员姓名"),
    _col("证件号码", "member.id_number", K.ID_NUMBER, "证件号码(残疾人证)", sensitive=True),
    _code("证件类型", "member.id_type", codes.IdType),
    _col("性别", "member.sex", K.SEX),
    _col("出生日期", "member.birth_date", K.DATE),
    _code("民族", "member.ethnicity", codes.ETHNICITY_CHOICES),
    _code("与户主关系", "member.relation", codes.Relation),
    _code("文化程度", "member.education", codes.Education),
    _code("在校生状况", "member.school_status", codes.SchoolStatus, "在校生情况"),
    _unused("失学或辍学原因"),
    _unused("义务教育阶段未上学原因"),
    NationalColumn("健康状况", "member.health", K.CODE, choices=codes.Health, sensitive=True),
    _code("劳动技能", "member.labour_skill", codes.LabourSkill),
    _col("务工所在地", "member.work_place", K.TEXT, "务工地点"),
    _col("公益性岗位", "member.public_job", K.TEXT, "公益岗位"),
    _col("公益性岗位(月数)", "member.public_job_months", K.MONTHS, "聘用月数"),
    _flag(
        "是否参加城乡居民基本医疗保险",
        "member.resident_medical_insurance",
        "是否参加居民医疗保险",
    ),
    _flag(
        "是否参加城镇职工基本医疗保险",
        "member.employee_medical_insurance",
        "是否参加职工医疗保险",
    ),
    _flag("是否参加大病保险", "member.critical_illness_insurance"),
    _flag("是否接受医疗救助", "member.medical_assistance"),
    _flag("是否参加城乡居民基本养老保险", "member.resident_pension", "是否参加居民基本养老保险"),
    _flag("是否参加城镇职工基本养老保险", "member.employee_pension", "是否参加职工基本养老保险"),
    _flag("享受低保政策情况", "member.dibao", "是否享受最低生活保障"),
    _flag("享受特困供养政策情况", "member.tekun", "是否特困供养人员"),
    _col("家庭成员联系电话", "member.phone", K.PHONE, "人联系电话", sensitive=True),
    _col("户联系电话", "household.phone", K.PHONE, "农户联系电话", sensitive=True),
    _code("户类型", "household.household_type", codes.HouseholdType),
    _code(
        "监测对象类别",
        "household.monitoring_category",
        codes.MonitoringCategory,
        "易返贫致贫户(监测对象)类型",
        "监测对象类型",
    ),
    *(_col(f"致贫/返贫风险{n}", f"risk.{n}", K.RISK) for n in range(1, 6)),
    _unused("其他备注"),
    _col("识别监测时间", "household.monitoring_identified_on", K.DATE, "风险识别时间"),
    _flag("风险是否已消除", "household.risk_eliminated", "风险是否消除"),
    _code("风险消除方式", "household.elimination_mode", codes.EliminationMode),
    _col("消除监测时间", "household.risk_eliminated_on", K.DATE, "风险消除时间"),
    _flag("整户无劳动能力兜底保障户", "household.fully_incapable", "是否兜底保障户"),
    _col("是否危房户", "household.unsafe_house", K.UNSAFE_HOUSE, "危房户"),
    _code("危房等级", "household.housing_grade", codes.HousingGrade),
    _flag("是否解决安全饮用水", "household.water_safe"),
    _flag("是否通生活用电", "household.electricity"),
    _flag("是否有卫生厕所", "household.sanitary_toilet"),
    _flag("入户道路是否硬化", "household.road_hardened"),
    _col("与村主干路距离", "household.distance_to_road_km", K.DECIMAL, "与村主干路距离(公里)"),
    _col("住房面积", "household.house_area", K.DECIMAL, "住房面积(平方米)"),
    _col("耕地面积（亩）", "household.arable_land_mu", K.DECIMAL, "耕地面积"),
    _col("林地面积（亩）", "household.forest_land_mu", K.DECIMAL, "林地面积"),
    _col("退耕还林面积（亩）", "household.returned_farmland_mu", K.DECIMAL, "退耕还林面积"),
    _col("林果面积（亩）", "household.orchard_mu", K.DECIMAL, "林果面积"),
    _col("牧草地面积", "household.pasture_mu", K.DECIMAL, "牧草地面积(亩)"),
    _col("水面面积", "household.water_surface_mu", K.DECIMAL, "水面面积(亩)"),
    _col(
        "人均纯收入（元）",
        "income.per_capita_net_income",
        K.MONEY,
        "人均纯收入",
        "家庭人均纯收入(元)",
    ),
    _col("工资性收入", "income.wage", K.MONEY, "工资性收入(元)"),
    _col("生产经营性收入", "income.business", K.MONEY, "生产经营性收入(元)"),
    _col("财产性收入", "income.property", K.MONEY, "财产性收入(元)"),
    _col("转移性收入", "income.transfer", K.MONEY, "转移性收入(元)"),
    _col("生产经营性支出", "income.business_expense", K.MONEY, "生产经营性支出(元)"),
    _col("合规自付支出", "income.compliant_out_of_pocket", K.MONEY, "合规自付支出(元)"),
    _col("是否义务教育阶段适龄儿童少年失学辍学", "derived.dropout", K.DERIVED),
    _col("是否有家庭成员未参加城乡居民（职工）基本医疗保险", "derived.uninsured", K.DERIVED),
    _unused("风险消除后是否住房损毁"),
    _unused("风险消除后是否饮水设施损毁"),
    _unused("风险消除后是否义务教育阶段适龄儿童少年失学辍学"),
    _col("实施开发式帮扶措施情况", "derived.development", K.DERIVED),
    _col("产业帮扶", "measure.产业", K.MEASURES),
    _col("就业帮扶", "measure.就业", K.MEASURES),
    _col("金融帮扶", "measure.金融", K.MEASURES),
    _col("公益岗位帮扶", "measure.公益岗位", K.MEASURES),
    _unused("公益性岗位帮扶"),
    _unused("公益性岗位帮扶其他备注"),
    _col("健康帮扶", "measure.健康", K.MEASURES),
    _col("教育帮扶", "measure.教育", K.MEASURES),
    _unused("义务教育保障"),
    _col("住房安全保障", "measure.住房安全", K.MEASURES),
    _col("饮水安全保障", "measure.饮水安全", K.MEASURES),
    _col("综合保障", "measure.综合保障", K.MEASURES),
    _col("社会帮扶", "measure.社会帮扶", K.MEASURES),
    _col("搬迁", "measure.搬迁", K.MEASURES),
    _unused("基础设施建设"),
    _unused("生产生活条件改善"),
    _unused("就业渠道（易地搬迁后扶使用）"),
    _unused("信息采集人"),
    _unused("信息采集人联系电话"),
    _col("其他信息", "measure.防贫保险/其他", K.MEASURES),
)
HEADERS = [column.header for column in COLUMNS]
TITLE = "（自定义）监测对象信息"
# The columns a national import reads (the others are written, and ignored when read).
IMPORTED_KINDS = frozenset(Kind) - {Kind.MEASURES, Kind.DERIVED, Kind.UNUSED}
IMPORTED = tuple(column for column in COLUMNS if column.kind in IMPORTED_KINDS)
# The one note fupin writes above the header: the year of the income columns.
INCOME_YEAR_NOTE = "收入年度：{year}"
