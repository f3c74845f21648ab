"""The columns of the national source: the registry's layout (a) with a parser for each cell.

Headers come from fupin.registry.national.layout (the one definition of the layout); here each
gets the parser of its kind and the other ways offices write its code values (本人 for 户主,
汉 for 汉族, 大专 for 大专及以上 …). Parsed values are JSON-ready: dates as YYYY-MM-DD,
amounts as text with two decimals, yes/no as booleans.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fupin.core import ids
from fupin.datahub import parsers
from fupin.datahub.excel import GRADE, Column
from fupin.datahub.parsers import Parser
from fupin.registry import codes
from fupin.registry.national.layout import IMPORTED, Kind, NationalColumn
from fupin.registry.national.writer import risk_name
from fupin.tabular import values
from fupin.tabular.errors import ValueProblem

REQUIRED = frozenset({"place.village", "member.name", "member.id_number", "member.relation"})
TEXT_LENGTHS = {
    "household.national_number": 32,
    "member.public_job": 32,
    "member.phone": 20,
    "household.phone": 20,
}
LARGEST_AREA = 9_999_999  # the registry keeps areas and distances in 9 digits, 2 decimals
_YEAR_MONTH = re.compile(r"\d{6}")

CODE_ALIASES: dict[str, dict[str, str]] = {
    "member.id_type": {
        "身份证": "居民身份证",
        "居民身份证号码": "居民身份证",
        "残疾证": "残疾人证",
        "残疾人证号": "残疾人证",
    },
    "member.ethnicity": {name[:-1]: name for name in codes.ETHNIC_GROUPS if name.endswith("族")},
    "member.relation": {
        "本人": "户主",
        "户主本人": "户主",
        **dict.fromkeys(("妻", "妻子", "夫", "丈夫", "之妻", "之夫"), "配偶"),
        **dict.fromkeys(("子", "儿子", "长子", "次子", "三子"), "之子"),
        **dict.fromkeys(("女", "女儿", "长女", "次女", "三女"), "之女"),
        **dict.fromkeys(("兄", "弟", "姐", "妹", "兄弟", "姐妹", "之兄", "之弟"), "之兄弟姐妹"),
        **{
            word: f"之{word}"
            for word in (
                "儿媳",
                "女婿",
                "孙子",
                "孙女",
                "外孙子",
                "外孙女",
                "岳父",
                "岳母",
                "公公",
                "婆婆",
                "祖父",
                "祖母",
            )
        },
        "父亲": "之父",
        "母亲": "之母",
        "外孙": "之外孙子",
    },
    "member.education": {
        "文盲": "文盲或半文盲",
        "半文盲": "文盲或半文盲",
        "大专": "大专及以上",
        "本科": "大专及以上",
        "本科及以上": "大专及以上",
        "研究生": "大专及以上",
        "中职": "中专",
        "学龄前": "学龄前儿童",
    },
    "member.school_status": {
        **{f"{grade}年级": "小学" for grade in "一二三四五六"},
        **{f"小学{grade}年级": "小学" for grade in "一二三四五六"},
        "初中": "七年级",
        "八年级": "七年级",
        "九年级": "七年级",
        "高中": "普通高中",
        **{f"普通高中{grade}年级": "普通高中" for grade in "一二三"},
        **{f"中职{grade}年级": "中职" for grade in "一二三"},
        **{f"高职{grade}年级": "高职" for grade in "一二三"},
        "学前": "学前教育",
        "本科": "本科及以上",
        "研究生": "本科及以上",
        "辍学": "失学辍学",
        "失学": "失学辍学",
    },
    "member.health": {"慢性病": "长期慢性病", "大病": "患有大病", "患大病": "患有大病"},
    "member.labour_skill": {"弱劳动力": "弱劳动力或半劳动力", "半劳动力": "弱劳动力或半劳动力"},
    "household.household_type": {
        "已脱贫户": "脱贫户",
        "未脱贫户": "贫困户",
        "建档立卡贫困户": "贫困户",
        "一般户": "一般农户",
        "非贫困户": "一般农户",
    },
}
YES_NO_WORDS = {
    "享受": True,
    "已享受": True,
    "未享受": False,
    "不享受": False,
    "有": True,
    "无": False,
    "已消除": True,
    "未消除": False,
    "已参加": True,
    "未参加": False,
}


def code_parser(column: NationalColumn) -> Parser:
    choices = column.choices.choices if hasattr(column.choices, "choices") else column.choices
    return parsers.choice([value for value, _label in choices], CODE_ALIASES.get(column.target))


sex = parsers.choice(("1", "2"), {"男": "1", "女": "2", "男性": "1", "女性": "2"})


def yes_no(text: str) -> bool:
    word = YES_NO_WORDS.get(text.strip())
    return word if word is not None else parsers.yes_no(text)


def date(text: str) -> str:
    """A date as parsers.date takes it, or a month (202003: the national YYYYMM) as its 1st."""
    value = values.cleaned(text)
    if _YEAR_MONTH.fullmatch(value):
        year, month = values.parse_period(value)
        return dt.date(year, month or 1, 1).isoformat()
    return parsers.date(value)


def months(text: str) -> int:
    number = values.parse_int(text)
    if number > 12:
        raise ValueProblem(
            "out_of_range", _("Enter a whole number from 0 to %(limit)s.") % {"limit": 12}
        )
    return number


def area(text: str) -> str:
    amount = parsers.amount(text)
    if float(amount) > LARGEST_AREA:
        raise ValueProblem("out_of_range", _("The number is too large."))
    return amount


def id_number(text: str) -> str:
    """The number as written, cleaned of blanks and full-width digits (checked with its type,
    by fupin.registry.national.rows.check_identity)."""
    number = ids.normalize(text)
    if not number:
        raise ValueProblem("empty", _("The cell is empty."))
    if len(number) > 20:
        raise ValueProblem(
            "id_format", _("An ID number has 18 characters: 17 digits and a digit or X.")
        )
    return number


def name(text: str) -> str:
    cleaned = parsers.name(text)
    if len(cleaned) > 32:
        raise ValueProblem(
            "too_long", _("The text is longer than %(count)s characters.") % {"count": 32}
        )
    return cleaned


@cache
def _risks() -> dict[str, str]:
    """The national names of the risks (因病 …), their codes and "01 因病" ▸ the code."""
    with translation.override("zh-hans"):
        table = {risk_name(code): code for code in codes.RiskType.values}
        table.update({str(label): code for code, label in codes.RiskType.choices})
    table.update({code: code for code in codes.RiskType.values})
    return table


def risk(text: str) -> str:
    found = _risks().get(re.sub(r"\s+", "", text)) or _risks().get(text.strip())
    if found is None:
        raise ValueProblem("code_invalid", _("Not one of the national risk types."))
    return found


PARSERS: dict[Kind, Callable[[NationalColumn], Parser]] = {
    Kind.NAME: lambda column: name,
    Kind.ID_NUMBER: lambda column: id_number,
    Kind.CODE: code_parser,
    Kind.SEX: lambda column: sex,
    Kind.FLAG: lambda column: yes_no,
    Kind.UNSAFE_HOUSE: lambda column: yes_no,
    Kind.DATE: lambda column: date,
    Kind.MONEY: lambda column: parsers.amount,
    Kind.DECIMAL: lambda column: area,
    Kind.MONTHS: lambda column: months,
    Kind.RISK: lambda column: risk,
    Kind.PHONE: lambda column: parsers.text(20),
    Kind.TEXT: lambda column: parsers.text(TEXT_LENGTHS.get(column.target, 64)),
}


def parser_for(column: NationalColumn) -> Parser:
    if column.target == "household.housing_grade":
        return GRADE
    return PARSERS[column.kind](column)


COLUMNS: tuple[Column, ...] = tuple(
    Column(column.headers, column.target, parser_for(column), column.target in REQUIRED)
    for column in IMPORTED
)
