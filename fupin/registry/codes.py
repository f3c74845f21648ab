"""National code lists of the household collection form (POLICY.md §4).

Values are the Chinese terms the national system exports (so an Excel round trip needs
no translation table); labels go through gettext for the English UI.
Source: 全国防返贫监测信息系统 采集表 code tables 100A03, 100A09–100A14, 100A27, 1010.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "1", _("Male")
    FEMALE = "2", _("Female")


class IdType(models.TextChoices):
    RESIDENT_ID = "居民身份证", _("Resident ID card")
    DISABILITY_CERT = "残疾人证", _("Disability certificate")


class HouseholdType(models.TextChoices):
    """户类型."""

    POOR = "贫困户", _("Registered poor (not yet lifted out)")
    LIFTED_OUT = "脱贫户", _("Lifted out of poverty")
    ORDINARY = "一般农户", _("Ordinary household")


class MonitoringCategory(models.TextChoices):
    """监测对象类别: the 2020 pair and the 2021+ triple (中农组发〔2021〕7号)."""

    UNSTABLE_2020 = "脱贫监测户", _("Lifted-out household under monitoring (2020)")
    EDGE_2020 = "边缘户", _("Edge household (2020)")
    UNSTABLE = "脱贫不稳定户", _("Unstable lifted-out household")
    EDGE = "边缘易致贫户", _("Edge household prone to poverty")
    SUDDEN_HARDSHIP = "突发严重困难户", _("Household in sudden severe hardship")


CATEGORIES_2020 = (MonitoringCategory.UNSTABLE_2020, MonitoringCategory.EDGE_2020)
CATEGORIES_2021 = (
    MonitoringCategory.UNSTABLE,
    MonitoringCategory.EDGE,
    MonitoringCategory.SUDDEN_HARDSHIP,
)


def categories_in_force(year: int) -> tuple[MonitoringCategory, ...]:
    """The monitoring vocabulary in force in a year: 2020 and before, or 2021 on."""
    return CATEGORIES_2020 if year <= 2020 else CATEGORIES_2021


class EliminationMode(models.TextChoices):
    """风险消除方式 (dm_fxxcfs)."""

    ASSISTED = "帮扶消除", _("Eliminated through assistance")
    NATURAL = "自然消除", _("Eliminated by itself")


class PovertyCause(models.TextChoices):
    """致贫原因."""

    ILLNESS = "因病", _("Illness")
    DISABILITY = "因残", _("Disability")
    SCHOOLING = "因学", _("Schooling costs")
    DISASTER = "因灾", _("Disaster")
    NO_LAND = "缺土地", _("Lack of land")
    NO_WATER = "缺水", _("Lack of water")
    NO_SKILLS = "缺技术", _("Lack of skills")
    NO_LABOUR = "缺劳力", _("Lack of labour")
    NO_CAPITAL = "缺资金", _("Lack of capital")
    POOR_TRANSPORT = "交通条件落后", _("Poor transport")
    LOW_MOTIVATION = "自身发展动力不足", _("Low motivation")
    OTHER = "其他", _("Other")


class RiskType(models.TextChoices):
    """致贫/返贫风险 (100A27, with the natural-disaster sub-items 100A271)."""

    ILLNESS = "01", _("01 Illness")
    DISASTER = "02", _("02 Natural disaster")
    FLOOD = "0201", _("0201 Flood")
    GEOLOGICAL = "0202", _("0202 Geological disaster")
    DROUGHT = "0203", _("0203 Drought")
    BIOLOGICAL = "0204", _("0204 Biological disaster")
    WEATHER = "0205", _("0205 Weather disaster")
    EARTHQUAKE = "0206", _("0206 Earthquake")
    DISASTER_OTHER = "0299", _("0299 Other natural disaster")
    DISABILITY = "03", _("03 Disability")
    NO_LABOUR = "04", _("04 Lack of labour")
    ACCIDENT = "05", _("05 Accident")
    BUSINESS_FAILURE = "06", _("06 Failed business project")
    UNSTABLE_JOB = "07", _("07 Unstable employment")
    SCHOOLING = "09", _("09 Schooling costs")
    HOUSING_UNSAFE = "housing", _("Housing became unsafe")
    DROPOUT = "dropout", _("School-age child out of school")
    WATER_UNSAFE = "water", _("Drinking water became unsafe")
    UNINSURED = "uninsured", _("A member lacks basic medical insurance")
    OTHER = "99", _("99 Other")


class Relation(models.TextChoices):
    """与户主关系 (1010, as exported)."""

    HEAD = "户主", _("Head of household")
    SPOUSE = "配偶", _("Spouse")
    SON = "之子", _("Son")
    DAUGHTER = "之女", _("Daughter")
    DAUGHTER_IN_LAW = "之儿媳", _("Daughter-in-law")
    SON_IN_LAW = "之女婿", _("Son-in-law")
    GRANDSON = "之孙子", _("Grandson")
    GRANDDAUGHTER = "之孙女", _("Granddaughter")
    GRANDSON_DAUGHTERS = "之外孙子", _("Grandson (daughter's son)")
    GRANDDAUGHTER_DAUGHTERS = "之外孙女", _("Granddaughter (daughter's daughter)")
    FATHER = "之父", _("Father")
    MOTHER = "之母", _("Mother")
    FATHER_IN_LAW = "之岳父", _("Father-in-law (wife's father)")
    MOTHER_IN_LAW = "之岳母", _("Mother-in-law (wife's mother)")
    HUSBANDS_FATHER = "之公公", _("Father-in-law (husband's father)")
    HUSBANDS_MOTHER = "之婆婆", _("Mother-in-law (husband's mother)")
    GRANDFATHER = "之祖父", _("Grandfather")
    GRANDMOTHER = "之祖母", _("Grandmother")
    SIBLING = "之兄弟姐妹", _("Sibling")
    OTHER = "其他", _("Other")


FEMALE_ONLY_RELATIONS = frozenset(
    {
        Relation.DAUGHTER,
        Relation.DAUGHTER_IN_LAW,
        Relation.GRANDDAUGHTER,
        Relation.GRANDDAUGHTER_DAUGHTERS,
        Relation.MOTHER,
        Relation.MOTHER_IN_LAW,
        Relation.HUSBANDS_MOTHER,
        Relation.GRANDMOTHER,
    }
)
MALE_ONLY_RELATIONS = frozenset(
    {
        Relation.SON,
        Relation.SON_IN_LAW,
        Relation.GRANDSON,
        Relation.GRANDSON_DAUGHTERS,
        Relation.FATHER,
        Relation.FATHER_IN_LAW,
        Relation.HUSBANDS_FATHER,
        Relation.GRANDFATHER,
    }
)


class Education(models.TextChoices):
    """文化程度 (100A11)."""

    ILLITERATE = "文盲或半文盲", _("Illiterate or semi-literate")
    PRIMARY = "小学", _("Primary school")
    JUNIOR = "初中", _("Junior secondary")
    SENIOR = "高中", _("Senior secondary")
    VOCATIONAL = "中专", _("Secondary vocational")
    COLLEGE = "大专及以上", _("College or above")
    PRESCHOOL = "学龄前儿童", _("Pre-school child")


class SchoolStatus(models.TextChoices):
    """在校生状况 (100A12)."""

    NOT_IN_SCHOOL = "非在校生", _("Not in school")
    PRESCHOOL = "学前教育", _("Pre-school")
    PRIMARY = "小学", _("Primary school")
    JUNIOR = "七年级", _("Junior secondary")
    SENIOR = "普通高中", _("Senior secondary")
    VOCATIONAL = "中职", _("Secondary vocational")
    HIGHER_VOCATIONAL = "高职", _("Higher vocational")
    UNDERGRADUATE = "本科及以上", _("Undergraduate or above")
    HOME_TEACHING = "送教上门", _("Taught at home")
    DROPPED_OUT = "失学辍学", _("Out of school")


class Health(models.TextChoices):
    """健康状况 (100A13)."""

    HEALTHY = "健康", _("Healthy")
    CHRONIC = "长期慢性病", _("Long-term chronic illness")
    SERIOUS = "患有大病", _("Serious illness")
    DISABLED = "残疾", _("Disabled")


class LabourSkill(models.TextChoices):
    """劳动技能 (100A14)."""

    ORDINARY = "普通劳动力", _("Ordinary labour")
    SKILLED = "技能劳动力", _("Skilled labour")
    WEAK = "弱劳动力或半劳动力", _("Weak or half labour")
    LOST = "丧失劳动力", _("Lost working capacity")
    NONE = "无劳动力", _("No working capacity")


WORKING_CAPACITY = frozenset({LabourSkill.ORDINARY, LabourSkill.SKILLED, LabourSkill.WEAK})


class PoliticalStatus(models.TextChoices):
    """政治面貌 (100A10)."""

    PARTY_MEMBER = "中共党员", _("Communist Party member")
    PROBATIONARY = "中共预备党员", _("Probationary party member")
    LEAGUE_MEMBER = "共青团员", _("Youth League member")
    MASSES = "群众", _("Ordinary citizen")


class HousingGrade(models.TextChoices):
    """危房等级: A and B are safe; C (局部危房) and D (整幢危房) must be repaired or rebuilt."""

    A = "A", _("A: safe")
    B = "B", _("B: basically safe")
    C = "C", _("C: partly dangerous")
    D = "D", _("D: wholly dangerous")


UNSAFE_GRADES = frozenset({HousingGrade.C, HousingGrade.D})


ETHNIC_GROUPS = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS]
