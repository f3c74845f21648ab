"""Column maps of the department feeds: (Chinese headers, field, parser, required) as data.

The first header of each column is the preset layout's (what docs/datahub.md shows); the others
are the names the same column goes by in other departments' files. A file is matched by header
text (blanks, line breaks, full-/half-width and a leading * do not matter), never by position.
"""

from __future__ import annotations

from dataclasses import dataclass

from fupin.datahub import parsers
from fupin.datahub.parsers import Parser


@dataclass(frozen=True)
class Column:
    headers: tuple[str, ...]
    field: str
    parser: Parser
    required: bool = False

    @property
    def preset(self) -> str:
        return self.headers[0]


# ---- every feed -----------------------------------------------------------------------------

ID_NUMBER = Column(
    ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证件号码", "证件号", "身份证"),
    "id_number",
    parsers.id_number,
    required=True,
)
NAME = Column(
    ("姓名", "人员姓名", "对象姓名", "救助对象姓名", "学生姓名", "患者姓名", "参保人姓名", "名字"),
    "name",
    parsers.name,
    required=True,
)
# A row's own month or year; without it the period comes from a date of the row or the batch.
PERIOD = Column(
    ("所属期", "月份", "所属月份", "发放月份", "年月", "统计月份", "所属年月", "年度"),
    "period",
    parsers.period,
)
PERSON = (ID_NUMBER, NAME)

# ---- 民政 -----------------------------------------------------------------------------------

BENEFIT = parsers.choice(
    ("低保", "特困供养", "临时救助"),
    {
        "最低生活保障": "低保",
        "农村低保": "低保",
        "城市低保": "低保",
        "农村最低生活保障": "低保",
        "低保户": "低保",
        "低保对象": "低保",
        "特困": "特困供养",
        "特困人员": "特困供养",
        "特困人员供养": "特困供养",
        "农村特困": "特困供养",
        "五保": "特困供养",
        "五保户": "特困供养",
        "临时求助": "临时救助",
        "临救": "临时救助",
    },
)
CIVIL_AFFAIRS = (
    *PERSON,
    Column(("救助类别", "救助类型", "保障类别", "类别", "救助项目"), "benefit", BENEFIT, True),
    Column(
        ("发放金额", "保障金额", "救助金额", "月保障金", "金额", "月发放金额"),
        "amount",
        parsers.amount,
    ),
    Column(
        ("开始日期", "享受开始时间", "起始日期", "批准日期", "纳入时间"), "start_on", parsers.date
    ),
    Column(("结束日期", "享受结束时间", "终止日期", "退出时间"), "end_on", parsers.date),
    PERIOD,
)

# ---- 医保 -----------------------------------------------------------------------------------

VISIT_TYPE = parsers.choice(
    ("住院", "门诊"),
    {
        "普通住院": "住院",
        "住院治疗": "住院",
        "普通门诊": "门诊",
        "门诊慢病": "门诊",
        "门诊慢特病": "门诊",
        "门诊特殊病": "门诊",
        "特殊门诊": "门诊",
        "门诊统筹": "门诊",
    },
)
MEDICAL = (
    *PERSON,
    Column(
        ("结算编号", "结算单号", "就诊流水号", "单据号", "报销单号", "结算流水号"),
        "claim_no",
        parsers.compact(64),
        True,
    ),
    Column(
        ("住院/门诊", "就诊类型", "医疗类别", "就诊方式", "类别"), "visit_type", VISIT_TYPE, True
    ),
    Column(
        ("就诊日期", "入院日期", "结算日期", "就诊时间", "出院日期"), "visit_on", parsers.date, True
    ),
    Column(
        ("医疗总费用", "总费用", "费用总额", "医疗费用总额"), "total_cost", parsers.amount, True
    ),
    Column(
        ("报销金额", "报销总额", "基金支付", "统筹支付", "医保报销金额"),
        "reimbursed",
        parsers.amount,
    ),
    Column(
        ("合规自付", "合规自付费用", "个人自付", "自付金额", "政策范围内自付"),
        "out_of_pocket",
        parsers.amount,
    ),
    Column(
        ("就诊医院", "医疗机构", "定点医疗机构", "医院名称", "医院"), "hospital", parsers.text(128)
    ),
)

# ---- 教育 -----------------------------------------------------------------------------------

ENROLMENT = parsers.choice(
    ("在读", "辍学", "休学", "送教上门", "毕业"),
    {
        "在校": "在读",
        "就读": "在读",
        "正常": "在读",
        "失学": "辍学",
        "失学辍学": "辍学",
        "辍学失学": "辍学",
        "送教": "送教上门",
        "已毕业": "毕业",
    },
)
EDUCATION = (
    *PERSON,
    Column(("就读学校", "学校", "学校名称"), "school", parsers.text(128)),
    Column(("学段", "就读学段", "年级", "在校生状况"), "stage", parsers.text(32)),
    Column(("就学状态", "在校状态", "学籍状态", "状态"), "enrolment", ENROLMENT, True),
    Column(("资助金额", "资助", "补助金额", "资助总额"), "aid_amount", parsers.amount),
    PERIOD,
)

# ---- 住建 / 规建 ----------------------------------------------------------------------------

GRADE = parsers.choice(
    ("A", "B", "C", "D"),
    {
        "A级": "A",
        "B级": "B",
        "C级": "C",
        "D级": "D",
        "C级危房": "C",
        "D级危房": "D",
        "局部危房": "C",
        "整幢危房": "D",
    },
)
HOUSING = (
    *PERSON,
    Column(("鉴定等级", "危房等级", "房屋等级", "评定等级", "鉴定结果"), "grade", GRADE, True),
    Column(("鉴定日期", "鉴定时间", "评定日期"), "appraised_on", parsers.date, True),
)

# ---- 水利 -----------------------------------------------------------------------------------

WATER = (
    *PERSON,
    Column(("是否饮水安全", "饮水安全", "是否安全"), "safe", parsers.yes_no, True),
    Column(("水量是否达标", "水量达标", "水量"), "quantity_ok", parsers.yes_no),
    Column(("水质是否达标", "水质达标", "水质"), "quality_ok", parsers.yes_no),
    Column(
        ("用水是否方便", "用水方便程度", "取水便利", "方便程度"), "convenience_ok", parsers.yes_no
    ),
    Column(("供水是否有保障", "供水保证率", "保证率"), "reliability_ok", parsers.yes_no),
    Column(("核查日期", "检查日期", "核查时间"), "checked_on", parsers.date, True),
)

# ---- 公安 -----------------------------------------------------------------------------------

EVENT = parsers.choice(
    ("死亡", "迁入", "迁出"),
    {
        "死亡注销": "死亡",
        "注销(死亡)": "死亡",
        "迁出注销": "迁出",
        "户口迁出": "迁出",
        "户口迁入": "迁入",
    },
)
POLICE = (
    *PERSON,
    Column(("变动类型", "变动原因", "业务类型", "事件"), "event", EVENT, True),
    Column(("变动日期", "注销日期", "办理日期", "日期"), "event_on", parsers.date, True),
)

# ---- 残联 -----------------------------------------------------------------------------------

DISABILITY_TYPE = parsers.choice(
    ("视力", "听力", "言语", "肢体", "智力", "精神", "多重"),
    {f"{kind}残疾": kind for kind in ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")},
)
DISABILITY_GRADE = parsers.choice(
    ("1", "2", "3", "4"),
    {
        **{f"{n}级": str(n) for n in range(1, 5)},
        **{f"{word}级": str(n) for n, word in enumerate("一二三四", start=1)},
        **{word: str(n) for n, word in enumerate("一二三四", start=1)},
    },
)
DISABILITY = (
    *PERSON,
    Column(("残疾证号", "残疾人证号", "证号"), "certificate_no", parsers.certificate_number),
    Column(("残疾类别", "残疾类型"), "disability_type", DISABILITY_TYPE, True),
    Column(("残疾等级", "等级"), "grade", DISABILITY_GRADE, True),
    Column(("发证日期", "办证日期", "发证时间"), "issued_on", parsers.date),
)

# ---- 人社 -----------------------------------------------------------------------------------

JOB_KIND = parsers.choice(
    ("务工", "公益岗位", "社保参保"),
    {
        "外出务工": "务工",
        "就业": "务工",
        "本地务工": "务工",
        "公益性岗位": "公益岗位",
        "公益岗": "公益岗位",
        "参保": "社保参保",
        "社保": "社保参保",
        "养老保险参保": "社保参保",
    },
)
EMPLOYMENT = (
    *PERSON,
    Column(("就业类型", "类型", "类别"), "job_kind", JOB_KIND, True),
    Column(
        ("用工单位", "单位名称", "工作单位", "务工单位", "参保单位"), "employer", parsers.text(128)
    ),
    Column(("开始日期", "入职日期", "参保日期", "务工开始时间"), "start_on", parsers.date, True),
    Column(("结束日期", "离职日期", "务工结束时间"), "end_on", parsers.date),
    Column(("月工资", "月收入", "务工月收入"), "monthly_wage", parsers.amount),
)

# ---- 市场监管 -------------------------------------------------------------------------------

BUSINESS = (
    *PERSON,
    Column(("企业名称", "市场主体名称", "名称"), "company_name", parsers.text(128), True),
    Column(("统一社会信用代码", "信用代码"), "credit_code", parsers.credit_code, True),
    Column(("职务", "人员类型", "身份", "投资人类型"), "role", parsers.text(32)),
    Column(("成立日期", "登记日期", "注册日期"), "registered_on", parsers.date),
)

# ---- 车管 -----------------------------------------------------------------------------------

VEHICLES = (
    *PERSON,
    Column(("号牌号码", "车牌号", "车牌号码"), "plate_no", parsers.compact(16), True),
    Column(("车辆类型", "车型", "号牌种类"), "vehicle_type", parsers.text(32)),
    Column(("初次登记日期", "登记日期", "注册登记日期"), "registered_on", parsers.date),
)

# ---- 农业 -----------------------------------------------------------------------------------

AGRICULTURE = (
    *PERSON,
    Column(("补贴项目", "项目名称", "产业项目", "补助项目"), "item", parsers.text(64), True),
    Column(("补贴金额", "补助金额", "金额"), "amount", parsers.amount, True),
    Column(("发放日期", "兑付日期", "发放时间"), "paid_on", parsers.date),
    PERIOD,
)
