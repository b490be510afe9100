"""A synthetic department's true accounts, drawn from a seeded ``random.Random``.

Money is held as whole hundredths of 万元 (:data:`Money`, "fen" of 万元: ``88590`` is 885.90万元),
so every printed amount is exact and every printed total is the sum of its printed parts. Rates
and shares are not stored: the renderer computes them from these integers and rounds them once.

The accounts hang together the way domain.md describes a clean department:

* functional 类/款/项 lines (§2.1) carry the general-budget fiscal spending; personnel-linked
  项 (pension, annuity, medical, housing fund, retirees) equal their economic items (X9);
* basic spending (人员经费 + 公用经费, itemised by economic 款, §2.2) is the sum of the basic
  parts of the 项, project spending the sum of their project parts (T05.1, X5);
* income = fiscal appropriation + other income; 收入总计 = 支出总计 (T01.5) with the
  carry-overs (T01.6); the prior year is derived the same way;
* “三公” items (T07) with counts, vehicle running cost ≥ its basic economic item (X8), vehicle
  stock ≤ the asset section's vehicles (X11), procurement by category with SME amounts (N7),
  vehicles by category (N8), 机关运行经费 ≤ 公用经费 (N9);
* 1–8 performance projects whose indicator scores follow domain.md §4 through
  :func:`juesuan.scoring.indicator_score_range`, so scores are right by construction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from ..intervals import exact
from ..scoring import GRADE_BANDS, indicator_score_range

__all__ = [
    "VEHICLE_CATEGORIES",
    "Department",
    "EconItem",
    "FunctionalClass",
    "FunctionalItem",
    "Indicator",
    "Money",
    "PerfProject",
    "PriorYear",
    "Procurement",
    "ProjectEconClass",
    "Sangong",
    "Vehicles",
    "fmt_money",
    "generate",
    "grade_of",
    "ratio_pct",
    "round_half_up",
]

Money = int
"""Hundredths of 万元 (100 元)."""


# --------------------------------------------------------------------------------------------
# Numbers


def round_half_up(x: Fraction | float, places: int = 2) -> Decimal:
    """``x`` rounded half-up to ``places`` decimals, exactly (no binary noise)."""
    q = Decimal(1).scaleb(-places)
    if isinstance(x, Fraction):
        d = Decimal(x.numerator) / Decimal(x.denominator)
    else:
        d = Decimal(str(x))
    return d.quantize(q, rounding=ROUND_HALF_UP)


def ratio_pct(part: int | Fraction, whole: int | Fraction, places: int = 2) -> Decimal | None:
    """``100 · part / whole`` rounded; ``None`` for a zero whole."""
    if whole == 0:
        return None
    return round_half_up(Fraction(part) * 100 / Fraction(whole), places)


def fmt_money(v: Money) -> str:
    """``88590`` → ``"885.90"`` (万元, two decimals)."""
    sign = "-" if v < 0 else ""
    v = abs(v)
    return f"{sign}{v // 100}.{v % 100:02d}"


def _m(x: float) -> Money:
    """A float amount in 万元 → Money, at least 0.01."""
    return max(1, round(x * 100))


# --------------------------------------------------------------------------------------------
# The accounts


@dataclass(frozen=True)
class FunctionalItem:
    """One functional 项 of general-budget fiscal spending (section 五)."""

    code: str
    """7 digits: 类 (3) + 款 (2) + 项 (2)."""
    kuan: str
    """款 name as printed before ``（款）``."""
    name: str
    """项 name as printed before ``（项）``."""
    budget: Money
    """年初预算 (0: added during the year)."""
    basic: Money
    project: Money

    @property
    def actual(self) -> Money:
        return self.basic + self.project


@dataclass(frozen=True)
class FunctionalClass:
    code: str
    name: str
    """类 name as printed before ``（类）``."""
    items: tuple[FunctionalItem, ...]

    @property
    def actual(self) -> Money:
        return sum(i.actual for i in self.items)

    @property
    def budget(self) -> Money:
        return sum(i.budget for i in self.items)


@dataclass(frozen=True)
class EconItem:
    """One economic 款 of the department classification (§2.2)."""

    code: str
    name: str
    amount: Money


@dataclass(frozen=True)
class ProjectEconClass:
    """Project spending of one economic 类 (section 七) with its items."""

    name: str
    items: tuple[EconItem, ...]

    @property
    def amount(self) -> Money:
        return sum(i.amount for i in self.items)


@dataclass(frozen=True)
class Sangong:
    """“三公” budget and actual (fiscal appropriation), with counts and the prior year's actuals."""

    abroad_budget: Money
    abroad: Money
    abroad_groups: int
    abroad_people: int
    car_buy_budget: Money
    car_buy: Money
    cars_bought: int
    car_run_budget: Money
    car_run: Money
    car_stock: int
    """公务用车保有量 paid from fiscal appropriation."""
    reception_budget: Money
    reception: Money
    reception_batches: int
    reception_people: int
    abroad_prev: Money
    car_buy_prev: Money
    car_run_prev: Money
    reception_prev: Money

    @property
    def car(self) -> Money:
        return self.car_buy + self.car_run

    @property
    def car_budget(self) -> Money:
        return self.car_buy_budget + self.car_run_budget

    @property
    def total(self) -> Money:
        return self.abroad + self.car + self.reception

    @property
    def total_budget(self) -> Money:
        return self.abroad_budget + self.car_budget + self.reception_budget

    @property
    def car_prev(self) -> Money:
        return self.car_buy_prev + self.car_run_prev


@dataclass(frozen=True)
class Procurement:
    goods: Money
    works: Money
    services: Money
    sme_goods: Money
    sme_works: Money
    sme_services: Money
    small: Money
    """Part of the SME amount awarded to small and micro firms."""

    @property
    def total(self) -> Money:
        return self.goods + self.works + self.services

    @property
    def sme(self) -> Money:
        return self.sme_goods + self.sme_works + self.sme_services


VEHICLE_CATEGORIES: tuple[str, ...] = (
    "副部（省）级及以上领导用车", "主要负责人用车", "机要通信用车", "应急保障用车", "执法执勤用车",
    "特种专业技术用车", "离退休干部服务用车", "其他用车")


@dataclass(frozen=True)
class Vehicles:
    """Vehicles by category (N8, D8) and high-value equipment."""

    counts: tuple[int, ...]
    """One count per :data:`VEHICLE_CATEGORIES` entry."""
    equipment: int

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Indicator:
    """One 三级指标 row of a self-evaluation table."""

    level1: str
    level2: str
    name: str
    nature: str
    """``正向``, ``反向`` or ``定性``."""
    direction: str
    """``大于等于``, ``小于等于``, ``等于`` or ``""`` (定性)."""
    target: str
    """年度指标值 as printed (``"95"``, ``"提升"``)."""
    actual: str
    """实际完成值 as printed (``"98.00"``, ``"提升"``)."""
    unit: str
    weight: str
    """分值 as printed (exact: ``"7.5"``)."""
    score: str
    """得分 as printed (two decimals at most)."""
    reason: str = ""
    """偏差原因分析及改进措施 (non-empty when 得分 < 分值)."""

    @property
    def quantitative(self) -> bool:
        return self.nature != "定性"


@dataclass(frozen=True)
class PerfProject:
    """One 项目支出绩效自评表 and what its 自评综述 says."""

    name: str
    budget_initial: Money
    budget: Money
    """全年预算数."""
    actual: Money
    """全年执行数."""
    rate: str
    """执行率 (%), two decimals."""
    execution_score: str
    indicators: tuple[Indicator, ...]
    total: str
    """总分 = execution score + Σ indicator scores, from the printed scores."""
    grade: str
    goal: str
    outcome: str
    problem: str
    measure: str
    execution_weight: str = "10"


@dataclass(frozen=True)
class PriorYear:
    """Last year's figures the text compares with (derived like this year's)."""

    fiscal_spending: Money
    other_income: Money
    carry_start: Money
    carry_end: Money
    public: Money
    running_costs: Money

    @property
    def fiscal_income(self) -> Money:
        return self.fiscal_spending + self.carry_end - self.carry_start

    @property
    def income(self) -> Money:
        return self.fiscal_income + self.other_income

    @property
    def expenditure(self) -> Money:
        return self.fiscal_spending + self.other_income

    @property
    def total(self) -> Money:
        return self.income + self.carry_start

    @property
    def fiscal_total(self) -> Money:
        return self.fiscal_income + self.carry_start


@dataclass(frozen=True)
class Department:
    """One department's accounts for one year, and the choices of wording its text uses."""

    id: str
    name: str
    year: int
    units: tuple[tuple[str, str], ...]
    """(unit name, 性质) of every unit in the accounts."""
    duties: tuple[str, ...]
    functional: tuple[FunctionalClass, ...]
    personnel: tuple[EconItem, ...]
    public: tuple[EconItem, ...]
    project_econ: tuple[ProjectEconClass, ...]
    business_income: Money
    """事业收入 (spent as basic spending, outside the fiscal lines)."""
    other_income: Money
    """其他收入 (likewise)."""
    carry_start: Money
    """年初结转和结余 (fiscal)."""
    carry_end: Money
    running_costs: Money
    """机关运行经费 (≤ 公用经费; equal for a department of 行政 units only)."""
    sangong: Sangong
    procurement: Procurement
    vehicles: Vehicles
    projects: tuple[PerfProject, ...]
    prior: PriorYear
    variance_reasons: tuple[tuple[str, Money], ...] = field(default=())
    """(what, amount) explaining the total's variance against the budget; amounts add up to it
    exactly, or empty for a reason in words only."""

    # ---- derived totals (always from the parts)

    @property
    def fiscal_spending(self) -> Money:
        """一般公共预算财政拨款支出 (T05 合计) = Σ 项."""
        return sum(c.actual for c in self.functional)

    @property
    def fiscal_budget(self) -> Money:
        return sum(c.budget for c in self.functional)

    @property
    def personnel_total(self) -> Money:
        return sum(i.amount for i in self.personnel)

    @property
    def public_total(self) -> Money:
        return sum(i.amount for i in self.public)

    @property
    def basic_fiscal(self) -> Money:
        return self.personnel_total + self.public_total

    @property
    def project_total(self) -> Money:
        return sum(c.amount for c in self.project_econ)

    @property
    def fiscal_income(self) -> Money:
        """一般公共预算财政拨款收入: spending + carry-over left − carry-over used."""
        return self.fiscal_spending + self.carry_end - self.carry_start

    @property
    def other_total(self) -> Money:
        return self.business_income + self.other_income

    @property
    def income(self) -> Money:
        return self.fiscal_income + self.other_total

    @property
    def expenditure(self) -> Money:
        return self.fiscal_spending + self.other_total

    @property
    def basic_all(self) -> Money:
        """本年基本支出 (all funds): fiscal basic + the other income, spent on basic needs."""
        return self.basic_fiscal + self.other_total

    @property
    def total(self) -> Money:
        """收入总计 = 支出总计."""
        return self.income + self.carry_start

    @property
    def total_budget(self) -> Money:
        """The year-start budget of the totals: fiscal budget + other income + carry-over."""
        return self.fiscal_budget + self.other_total + self.carry_start

    @property
    def fiscal_total(self) -> Money:
        """财政拨款收入支出决算总计."""
        return self.fiscal_income + self.carry_start

    @property
    def fiscal_total_budget(self) -> Money:
        return self.fiscal_budget + self.carry_start

    @property
    def covered(self) -> Money:
        """Project spending covered by self-evaluation."""
        return sum(p.actual for p in self.projects)

    @property
    def has_institutions(self) -> bool:
        return any(nature != "行政单位" for _, nature in self.units)


# --------------------------------------------------------------------------------------------
# Vocabulary


@dataclass(frozen=True)
class _Archetype:
    suffix: str
    """Department name after the region (人民政府办公室)."""
    sub: str
    """A subordinate 事业单位's name after the region ('' when none fits)."""
    cls: tuple[str, str]
    kuan: tuple[str, str]
    """(code, name) of the 款 that holds 行政运行 and the project lines."""
    projects: tuple[tuple[str, str], ...]
    """(项 code suffix, 项 name) of project lines."""
    project_names: tuple[str, ...]
    duty: str


_ARCHETYPES: tuple[_Archetype, ...] = (
    _Archetype("人民政府办公室", "发展研究中心", ("201", "一般公共服务支出"), ("20103", "政府办公厅（室）及相关机构事务"),
               (("02", "一般行政管理事务"), ("99", "其他政府办公厅（室）及相关机构事务支出")),
               ("法律顾问经费", "政府重要活动保障经费", "档案整理经费", "政府门户网站维护经费", "电子政务运行维护经费",
                "应急值守保障经费", "政务信息编报经费", "督查督办工作经费"),
               "负责协助政府领导组织起草和审核以政府名义发布的公文"),
    _Archetype("发展和改革委员会", "价格认证中心", ("201", "一般公共服务支出"), ("20104", "发展与改革事务"),
               (("02", "一般行政管理事务"), ("08", "物价管理")),
               ("重点项目前期工作经费", "价格监测经费", "国民经济规划编制经费", "粮食安全考核经费", "节能审查工作经费",
                "社会信用体系建设经费"),
               "负责拟订并组织实施国民经济和社会发展战略、中长期规划和年度计划"),
    _Archetype("统计局", "统计普查中心", ("201", "一般公共服务支出"), ("20105", "统计信息事务"),
               (("07", "专项普查活动"), ("08", "统计抽样调查")),
               ("经济普查工作经费", "人口抽样调查经费", "农业统计调查经费", "统计执法检查经费", "统计信息化建设经费"),
               "负责组织领导和协调全区统计工作，确保统计数据真实、准确、及时"),
    _Archetype("财政局", "财政事务服务中心", ("201", "一般公共服务支出"), ("20106", "财政事务"),
               (("02", "一般行政管理事务"), ("07", "信息化建设")),
               ("预算绩效评价经费", "财政信息化运维经费", "政府采购监管经费", "财政投资评审经费", "国有资产管理经费"),
               "负责拟订财政发展战略、规划、政策和改革方案并组织实施"),
    _Archetype("审计局", "", ("201", "一般公共服务支出"), ("20108", "审计事务"),
               (("04", "审计业务"),),
               ("经济责任审计经费", "政府投资审计经费", "审计信息化建设经费", "专项审计调查经费"),
               "负责本级预算执行情况和其他财政收支情况的审计监督"),
    _Archetype("司法局", "公证处", ("204", "公共安全支出"), ("20406", "司法"),
               (("04", "基层司法业务"), ("05", "普法宣传"), ("10", "社区矫正")),
               ("人民调解工作经费", "普法宣传经费", "社区矫正工作经费", "法律援助经费", "公共法律服务体系建设经费"),
               "负责拟订全区法治建设规划并组织实施，承担统筹规划法治社会建设的责任"),
    _Archetype("教育局", "教育研究室", ("205", "教育支出"), ("20501", "教育管理事务"),
               (("02", "一般行政管理事务"), ("99", "其他教育管理事务支出")),
               ("教师培训经费", "教育质量监测经费", "校园安全管理经费", "学生资助管理经费", "教育信息化建设经费"),
               "负责贯彻执行国家教育方针、政策和法律法规，统筹全区教育事业发展"),
    _Archetype("文化旅游体育局", "文化馆", ("207", "文化旅游体育与传媒支出"), ("20701", "文化和旅游"),
               (("09", "群众文化"), ("11", "文化创作与保护")),
               ("群众文化活动经费", "非物质文化遗产保护经费", "全民健身活动经费", "旅游宣传推介经费", "文物保护经费"),
               "负责贯彻落实文化、旅游、体育工作方针政策，统筹规划文化旅游体育事业发展"),
    _Archetype("民政局", "社会福利中心", ("208", "社会保障和就业支出"), ("20802", "民政管理事务"),
               (("08", "基层政权建设和社区治理"), ("99", "其他民政管理事务支出")),
               ("社区治理工作经费", "婚姻登记服务经费", "养老服务监管经费", "社会组织管理经费", "殡葬改革工作经费"),
               "负责拟订并组织实施社会救助、养老服务、社区治理等民政事业发展规划"),
    _Archetype("卫生健康委员会", "疾病预防控制中心", ("210", "卫生健康支出"), ("21001", "卫生健康管理事务"),
               (("02", "一般行政管理事务"), ("99", "其他卫生健康管理事务支出")),
               ("基本公共卫生服务经费", "卫生监督执法经费", "家庭医生签约服务经费", "健康教育宣传经费", "妇幼健康服务经费"),
               "负责贯彻执行国民健康政策，统筹规划卫生健康资源配置"),
    _Archetype("住房和城乡建设局", "建设工程质量安全监督站", ("212", "城乡社区支出"), ("21201", "城乡社区管理事务"),
               (("04", "城管执法"), ("99", "其他城乡社区管理事务支出")),
               ("城市管理执法经费", "建筑市场监管经费", "老旧小区改造前期经费", "物业管理监督经费", "燃气安全检查经费"),
               "负责贯彻执行住房和城乡建设的法律法规和方针政策，拟订全区城乡建设规划"),
    _Archetype("农牧局", "农牧业技术推广中心", ("213", "农林水支出"), ("21301", "农业农村"),
               (("08", "病虫害控制"), ("22", "农业生产发展")),
               ("动物疫病防控经费", "农作物病虫害防治经费", "农业技术推广经费", "高标准农田建设管理经费", "农产品质量安全监测经费"),
               "负责统筹研究和组织实施全区农牧业和农村牧区发展战略、中长期规划"),
    _Archetype("自然资源局", "不动产登记中心", ("220", "自然资源海洋气象等支出"), ("22001", "自然资源事务"),
               (("06", "自然资源利用与保护"), ("99", "其他自然资源事务支出")),
               ("国土空间规划编制经费", "耕地保护监督经费", "不动产登记服务经费", "地质灾害防治经费", "自然资源执法监察经费"),
               "负责履行全民所有土地、矿产、森林等自然资源资产所有者职责"),
    _Archetype("应急管理局", "应急救援保障中心", ("224", "灾害防治及应急管理支出"), ("22401", "应急管理事务"),
               (("06", "安全监管"), ("99", "其他应急管理支出")),
               ("安全生产监管经费", "应急救援物资储备经费", "防汛抗旱工作经费", "安全生产宣传教育经费", "应急演练经费"),
               "负责组织编制全区应急体系建设、安全生产和综合防灾减灾规划"),
)

_REGIONS: tuple[str, ...] = (
    "赤峰市松山区", "赤峰市红山区", "赤峰市元宝山区", "宁城县", "敖汉旗", "翁牛特旗", "喀喇沁旗", "林西县",
    "巴林左旗", "巴林右旗", "阿鲁科尔沁旗", "克什克腾旗", "通辽市科尔沁区", "开鲁县", "奈曼旗", "库伦旗",
    "扎鲁特旗", "霍林郭勒市", "乌兰浩特市", "突泉县", "科尔沁右翼前旗", "呼和浩特市新城区", "托克托县", "和林格尔县",
)

_PUBLIC_POOL: tuple[tuple[str, str, float, float], ...] = (
    # code, name, min, max 万元 per staff member
    ("30201", "办公费", 0.10, 0.45),
    ("30202", "印刷费", 0.02, 0.15),
    ("30205", "水费", 0.01, 0.05),
    ("30206", "电费", 0.03, 0.12),
    ("30207", "邮电费", 0.02, 0.08),
    ("30208", "取暖费", 0.05, 0.20),
    ("30209", "物业管理费", 0.05, 0.30),
    ("30211", "差旅费", 0.10, 0.80),
    ("30213", "维修（护）费", 0.02, 0.20),
    ("30215", "会议费", 0.01, 0.05),
    ("30216", "培训费", 0.01, 0.06),
    ("30226", "劳务费", 0.05, 0.40),
    ("30228", "工会经费", 0.05, 0.15),
    ("30229", "福利费", 0.02, 0.10),
    ("30239", "其他交通费用", 0.20, 0.90),
    ("30299", "其他商品和服务支出", 0.02, 0.20),
    ("31002", "办公设备购置", 0.02, 0.25),
)

_PROJECT_GOODS: tuple[tuple[str, str], ...] = (
    ("30201", "办公费"), ("30202", "印刷费"), ("30203", "咨询费"), ("30211", "差旅费"),
    ("30213", "维修（护）费"), ("30215", "会议费"), ("30216", "培训费"), ("30226", "劳务费"),
    ("30227", "委托业务费"), ("30299", "其他商品和服务支出"),
)

_SATISFACTION = ("服务对象满意度", "群众满意度", "工作人员满意度", "受益对象满意度")
_QUALITATIVE = (("社会效益指标", "提升服务保障水平"), ("社会效益指标", "促进全区经济社会发展"),
                ("可持续影响指标", "长效管理机制健全性"), ("可持续影响指标", "持续提升工作水平"),
                ("经济效益指标", "有效节约行政成本"), ("社会效益指标", "提高群众办事便利度"))
_QUAL_WORDS = ("提升", "有效", "持续", "优良中低差", "显著")


def _pick(rng: random.Random, seq: tuple, k: int) -> list:
    return rng.sample(list(seq), k)


def _split(rng: random.Random, total: Money, n: int, lo: float = 0.15) -> list[Money]:
    """``n`` positive amounts adding up to ``total`` exactly."""
    if n <= 1:
        return [total]
    weights = [rng.uniform(lo, 1.0) for _ in range(n)]
    s = sum(weights)
    parts = [max(1, int(total * w / s)) for w in weights]
    parts[-1] = total - sum(parts[:-1])
    if parts[-1] <= 0:  # tiny totals: fall back to an even split
        parts = [total // n] * n
        parts[-1] += total - sum(parts)
    return parts


# --------------------------------------------------------------------------------------------
# Performance projects


def _weights(rng: random.Random, total: Fraction, n: int) -> list[Fraction]:
    """``n`` weights in steps of 0.5 adding up to ``total``."""
    units = int(total * 2)
    if n <= 1:
        return [total]
    base = [1] * n
    for _ in range(units - n):
        base[rng.randrange(n)] += 1
    return [Fraction(b, 2) for b in base]


def _fmt_weight(w: Fraction) -> str:
    return str(w.numerator) if w.denominator == 1 else str(float(w))


def _fmt_score(x: Fraction) -> str:
    d = round_half_up(x, 2)
    return f"{d:.2f}"


def _quantitative(rng: random.Random, level2: str, name: str, unit: str, weight: Fraction,
                  project: Money | None = None) -> Indicator:
    """A quantitative indicator scored by domain.md §4 (P6–P8)."""
    if level2 == "成本指标":
        # total cost against the year's budget: 反向, met (P17: cost = 全年执行数)
        assert project is not None
        nature, direction, sense = "反向", "小于等于", "<="
        target, actual = fmt_money(project[0]), fmt_money(project[1])  # type: ignore[index]
        t, a = Fraction(project[0]), Fraction(project[1])  # type: ignore[index]
    elif unit == "%":
        if rng.random() < 0.5:
            nature, direction, sense = "正向", "等于", "="
            target_v = Fraction(100)
            met = rng.random() < 0.85
            actual_v = target_v if met else Fraction(rng.randint(80, 97))
        else:
            nature, direction, sense = "正向", "大于等于", ">="
            target_v = Fraction(rng.choice((80, 85, 90, 95)))
            met = rng.random() < 0.85
            actual_v = Fraction(rng.randint(int(target_v), 100)) if met else \
                Fraction(rng.randint(int(target_v * Fraction(7, 10)), int(target_v) - 1))
        target, actual = str(target_v), f"{int(actual_v)}.00"
        t, a = target_v, actual_v
    elif unit in ("月", "天", "小时", "个工作日"):
        nature, direction, sense = "反向", "小于等于", "<="
        target_v = Fraction(rng.choice((12, 10, 6, 3, 30, 15, 48, 24)))
        met = rng.random() < 0.85
        actual_v = Fraction(rng.randint(max(1, int(target_v * Fraction(1, 2))), int(target_v))) if met else \
            Fraction(int(target_v) + rng.randint(1, max(1, int(target_v) // 3)))
        target, actual = str(target_v), f"{int(actual_v)}.00"
        t, a = target_v, actual_v
    else:
        nature, direction, sense = "正向", "大于等于", ">="
        target_v = Fraction(rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 30, 50, 100, 200)))
        met = rng.random() < 0.85
        if met:
            actual_v = Fraction(rng.randint(int(target_v), max(int(target_v), int(target_v * Fraction(13, 10)))))
        else:
            actual_v = Fraction(max(1, int(target_v * Fraction(rng.randint(55, 90), 100))))
            if actual_v >= target_v:
                actual_v = target_v - 1 if target_v > 1 else target_v
        target, actual = str(target_v), f"{int(actual_v)}.00"
        t, a = target_v, actual_v
    rng_score = indicator_score_range(sense, exact(t), exact(a), weight)
    score = rng_score.lo  # exact inputs: a single value
    reason = "" if score >= weight else rng.choice((
        "受客观因素影响，部分工作未按计划完成，下一步将加强统筹调度。",
        "实际工作量低于预期，下一步将科学合理设定绩效目标。",
        "项目实施进度滞后，下一步将加强过程监控。"))
    return Indicator("", level2, name, nature, direction, target, actual, unit,
                     _fmt_weight(weight), _fmt_score(score), reason)


_OUTPUT_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "数量指标": (("开展专项活动次数", "次"), ("完成工作任务数量", "项"), ("服务单位数量", "家"),
              ("印发宣传资料数量", "份"), ("组织培训场次", "场"), ("完成调研报告数量", "篇"),
              ("检查覆盖单位数量", "个"), ("受益人数", "人次")),
    "质量指标": (("任务完成合格率", "%"), ("资金使用合规率", "%"), ("验收通过率", "%"), ("数据准确率", "%")),
    "时效指标": (("项目完成时间", "月"), ("问题整改时限", "天"), ("信息报送时限", "小时")),
}


def _project(rng: random.Random, name: str, actual: Money, year: int) -> PerfProject:
    budget = actual if rng.random() < 0.6 else _m(actual / 100 * rng.uniform(1.0, 1.35))
    budget_initial = budget if rng.random() < 0.6 else _m(budget / 100 * rng.uniform(0.7, 1.3))
    rate = ratio_pct(actual, budget)
    assert rate is not None
    exec_weight = Fraction(10)
    exec_score = min(Fraction(actual, budget), Fraction(1)) * exec_weight
    inds: list[Indicator] = []
    # 产出 50: quantity, quality, timeliness, cost
    n_qty, n_qual, n_time = rng.randint(1, 3), rng.randint(1, 2), rng.randint(0, 2)
    out_w = _weights(rng, Fraction(45), n_qty + n_qual + n_time)  # + 成本 5 = 50
    k = 0
    for level2, n in (("数量指标", n_qty), ("质量指标", n_qual), ("时效指标", n_time)):
        for nm, unit in _pick(rng, _OUTPUT_NAMES[level2], n):
            inds.append(_with_levels(_quantitative(rng, level2, nm, unit, out_w[k]), "产出指标"))
            k += 1
    inds.append(_with_levels(_quantitative(rng, "成本指标", "项目总成本", "万元", Fraction(5),
                                           project=(budget, actual)), "产出指标"))  # type: ignore[arg-type]
    # 效益 30
    n_eff = rng.randint(1, 3)
    eff_w = _weights(rng, Fraction(30), n_eff)
    for (level2, nm), w in zip(_pick(rng, _QUALITATIVE, n_eff), eff_w):
        word = rng.choice(_QUAL_WORDS)
        actual_word = "优秀" if word == "优良中低差" else word
        partial = rng.random() < 0.15
        score = w * Fraction(9, 10) if partial else w
        inds.append(Indicator("效益指标", level2, nm, "定性", "", word, actual_word, "", _fmt_weight(w),
                              _fmt_score(score), "效果较预期略有差距，下一步将持续改进。" if partial else ""))
    # 满意度 10
    sat = _quantitative_satisfaction(rng, rng.choice(_SATISFACTION), Fraction(10))
    inds.append(sat)
    total_scores = sum((Fraction(Decimal(i.score)) for i in inds), Fraction(0))
    exec_printed = _fmt_score(exec_score)
    total = Fraction(Decimal(exec_printed)) + total_scores
    total_s = _fmt_score(total)
    return PerfProject(
        name=name, budget_initial=budget_initial, budget=budget, actual=actual, rate=f"{rate:.2f}",
        execution_score=exec_printed, indicators=tuple(inds), total=total_s, grade=grade_of(Decimal(total_s)),
        goal=f"{year}年通过实施{name}项目，保障相关工作有序开展，提升工作质量和效率",
        outcome="项目按计划组织实施，资金使用规范，相关工作有序推进",
        problem=rng.choice(("预算编制精细化程度不够，年初预算与实际需求存在差距", "绩效目标设置不够细化，部分指标量化程度不高",
                            "项目实施进度前松后紧，资金支付集中在下半年")),
        measure=rng.choice(("加强预算编制的科学性和准确性，合理设定绩效目标", "强化绩效运行监控，及时纠正执行偏差",
                            "加强与业务科室的沟通，提高资金使用效益")),
        execution_weight=_fmt_weight(exec_weight))


def _quantitative_satisfaction(rng: random.Random, name: str, weight: Fraction) -> Indicator:
    target = Fraction(rng.choice((80, 85, 90, 95)))
    met = rng.random() < 0.9
    actual = Fraction(rng.randint(int(target), 100)) if met else Fraction(rng.randint(int(target) - 10, int(target) - 1))
    score = indicator_score_range(">=", exact(target), exact(actual), weight).lo
    reason = "" if score >= weight else "满意度调查反映部分服务环节有待改进，下一步将优化服务流程。"
    return Indicator("满意度指标", "服务对象满意度指标", name, "正向", "大于等于", str(target), f"{int(actual)}.00", "%",
                     _fmt_weight(weight), _fmt_score(score), reason)


def _with_levels(ind: Indicator, level1: str) -> Indicator:
    return Indicator(level1, ind.level2, ind.name, ind.nature, ind.direction, ind.target, ind.actual, ind.unit,
                     ind.weight, ind.score, ind.reason)


def grade_of(score: Decimal) -> str:
    """P15's grade for a score (half-open bands of GRADE_BANDS)."""
    for lower, name in GRADE_BANDS:
        if score >= lower:
            return name
    return GRADE_BANDS[-1][1]


# --------------------------------------------------------------------------------------------
# The department


def generate(rng: random.Random, index: int, year: int = 2024) -> Department:
    """Draw one clean department from ``rng`` (the ``index`` names it: ``synth-0007``)."""
    arch = rng.choice(_ARCHETYPES)
    region = rng.choice(_REGIONS)
    name = region + arch.suffix
    units: list[tuple[str, str]] = [(name, "行政单位")]
    if arch.sub and rng.random() < 0.5:
        units.append((region + arch.sub, rng.choice(("公益一类事业单位", "参照公务员法管理事业单位", "公益二类事业单位"))))
    institutions = len(units) > 1
    staff = rng.randint(8, 90)

    # ---- personnel (人员经费): wages, then the insurance items the functional lines mirror (X9)
    wage_items = [EconItem("30101", "基本工资", _m(staff * rng.uniform(3.0, 4.6))),
                  EconItem("30102", "津贴补贴", _m(staff * rng.uniform(1.8, 3.8))),
                  EconItem("30103", "奖金", _m(staff * rng.uniform(0.4, 1.2)))]
    if institutions:
        wage_items.append(EconItem("30107", "绩效工资", _m(staff * rng.uniform(0.5, 1.5))))
    if rng.random() < 0.3:
        wage_items.append(EconItem("30106", "伙食补助费", _m(staff * rng.uniform(0.1, 0.4))))
    base = sum(i.amount for i in wage_items)
    pension = _m(base / 100 * 0.16)
    annuity = _m(base / 100 * rng.choice((0.04, 0.08)))
    med_admin = _m(base / 100 * rng.uniform(0.05, 0.08))
    med_inst = _m(base / 100 * rng.uniform(0.01, 0.03)) if institutions else 0
    med_aid = _m(base / 100 * rng.uniform(0.005, 0.015)) if rng.random() < 0.4 else 0
    housing = _m(base / 100 * 0.12)
    other_social = _m(base / 100 * rng.uniform(0.002, 0.01)) if rng.random() < 0.5 else 0
    retirees = _m(staff * rng.uniform(0.3, 2.5)) if rng.random() < 0.4 else 0
    personnel = list(wage_items)
    personnel += [EconItem("30108", "机关事业单位基本养老保险缴费", pension),
                  EconItem("30109", "职业年金缴费", annuity),
                  EconItem("30110", "职工基本医疗保险缴费", med_admin + med_inst + med_aid)]
    if other_social:
        personnel.append(EconItem("30112", "其他社会保障缴费", other_social))
    personnel.append(EconItem("30113", "住房公积金", housing))
    if rng.random() < 0.5:
        personnel.append(EconItem("30199", "其他工资福利支出", _m(staff * rng.uniform(0.1, 0.8))))
    if retirees:
        personnel.append(EconItem("30302", "退休费", retirees))
    if rng.random() < 0.3:
        personnel.append(EconItem("30399", "其他对个人和家庭的补助", _m(staff * rng.uniform(0.01, 0.1))))

    # ---- public (公用经费), with the vehicle running cost when the department has cars
    car_stock = rng.randint(1, 9)
    pool = [p for p in _PUBLIC_POOL]
    chosen = sorted(_pick(rng, tuple(pool), rng.randint(5, 11)), key=lambda p: p[0])
    public = [EconItem(code, nm, _m(staff * rng.uniform(lo, hi))) for code, nm, lo, hi in chosen]
    public.append(EconItem("30231", "公务用车运行维护费", _m(car_stock * rng.uniform(1.0, 3.0))))
    has_reception = rng.random() < 0.6
    if has_reception:
        public.append(EconItem("30217", "公务接待费", _m(rng.uniform(0.2, 4.0))))
    public.sort(key=lambda i: i.code)
    public_total = sum(i.amount for i in public)
    personnel_total = sum(i.amount for i in personnel)
    basic_fiscal = personnel_total + public_total

    # ---- performance projects and project spending
    n_proj = rng.randint(1, 8)
    names = _pick(rng, arch.project_names, min(n_proj, len(arch.project_names)))
    proj_actuals = [_m(rng.uniform(3, 180)) for _ in names]
    extra = 0 if rng.random() < 0.75 else _m(sum(proj_actuals) / 100 * rng.uniform(0.05, 0.3))
    project_total = sum(proj_actuals) + extra
    projects = tuple(_project(rng, nm, a, year) for nm, a in zip(names, proj_actuals))

    # project spending by economic class (section 七)
    shares = _split(rng, project_total, 3, lo=0.05) if project_total >= 300 else [project_total, 0, 0]
    n_goods = rng.randint(1, 4) if shares[0] >= 400 else 1
    goods_items = tuple(EconItem(c, n, a) for (c, n), a in zip(
        sorted(_pick(rng, _PROJECT_GOODS, n_goods)), _split(rng, shares[0], n_goods)))
    project_econ = (
        ProjectEconClass("工资福利支出", ()),
        ProjectEconClass("商品和服务支出", goods_items),
        ProjectEconClass("对个人和家庭的补助支出", (EconItem("30399", "其他对个人和家庭的补助", shares[1]),) if shares[1] else ()),
        ProjectEconClass("资本性支出", (EconItem("31002", "办公设备购置", shares[2]),) if shares[2] else ()),
    )

    # ---- functional lines
    kuan_code, kuan_name = arch.kuan
    lines: dict[str, list[FunctionalItem]] = {}
    social = (pension + annuity + med_admin + med_inst + med_aid + housing + other_social + retirees)
    admin_basic = basic_fiscal - social

    def budget_of(actual: Money, lo: float, hi: float) -> Money:
        return _m(actual / 100 * rng.uniform(lo, hi))

    def add(cls: tuple[str, str], item: FunctionalItem) -> None:
        lines.setdefault(cls[0] + "\t" + cls[1], []).append(item)

    add(arch.cls, FunctionalItem(kuan_code + "01", kuan_name, "行政运行", budget_of(admin_basic, 0.95, 1.3),
                                 admin_basic, 0))
    proj_lines = list(arch.projects)[: rng.randint(1, len(arch.projects))]
    for (suffix, item_name), amount in zip(proj_lines, _split(rng, project_total, len(proj_lines))):
        budget = 0 if rng.random() < 0.1 else budget_of(amount, 0.8, 1.6)
        add(arch.cls, FunctionalItem(kuan_code + suffix, kuan_name, item_name, budget, 0, amount))
    ss = ("208", "社会保障和就业支出")
    if retirees:
        add(ss, FunctionalItem("2080501", "行政事业单位养老支出", "行政单位离退休", budget_of(retirees, 1.0, 1.3), retirees, 0))
    add(ss, FunctionalItem("2080505", "行政事业单位养老支出", "机关事业单位基本养老保险缴费支出",
                           budget_of(pension, 1.0, 1.5), pension, 0))
    add(ss, FunctionalItem("2080506", "行政事业单位养老支出", "机关事业单位职业年金缴费支出",
                           budget_of(annuity, 1.0, 1.8), annuity, 0))
    if other_social:
        add(ss, FunctionalItem("2089999", "其他社会保障和就业支出", "其他社会保障和就业支出",
                               budget_of(other_social, 1.0, 2.5), other_social, 0))
    hc = ("210", "卫生健康支出")
    add(hc, FunctionalItem("2101101", "行政事业单位医疗", "行政单位医疗", budget_of(med_admin, 1.0, 1.4), med_admin, 0))
    if med_inst:
        add(hc, FunctionalItem("2101102", "行政事业单位医疗", "事业单位医疗", budget_of(med_inst, 1.0, 1.4), med_inst, 0))
    if med_aid:
        add(hc, FunctionalItem("2101103", "行政事业单位医疗", "公务员医疗补助", budget_of(med_aid, 1.0, 1.4), med_aid, 0))
    hs = ("221", "住房保障支出")
    add(hs, FunctionalItem("2210201", "住房改革支出", "住房公积金", budget_of(housing, 1.0, 1.4), housing, 0))
    functional = tuple(FunctionalClass(k.split("\t")[0], k.split("\t")[1], tuple(sorted(v, key=lambda i: i.code)))
                       for k, v in sorted(lines.items()))
    fiscal_spending = sum(c.actual for c in functional)

    # ---- other income, carry-overs
    business = _m(rng.uniform(10, 150)) if institutions and rng.random() < 0.4 else 0
    other = _m(rng.uniform(1, 40)) if rng.random() < 0.2 else 0
    carry = rng.random() < 0.3
    carry_start = _m(rng.uniform(5, 80)) if carry else 0
    carry_end = _m(rng.uniform(5, 80)) if carry else 0
    running = public_total if not institutions else _m(public_total / 100 * rng.uniform(0.6, 0.95))

    # ---- “三公”
    abroad = _m(rng.uniform(2, 15)) if rng.random() < 0.15 else 0
    car_run_basic = next(i.amount for i in public if i.code == "30231")
    car_run = car_run_basic + (_m(rng.uniform(0.5, 5)) if rng.random() < 0.3 else 0)
    car_buy = _m(rng.uniform(12, 30)) if rng.random() < 0.15 else 0
    reception_basic = next((i.amount for i in public if i.code == "30217"), 0)
    reception = reception_basic + (_m(rng.uniform(0.2, 3)) if rng.random() < 0.3 else 0)

    def sg_budget(actual: Money) -> Money:
        if actual == 0:
            return 0 if rng.random() < 0.8 else _m(rng.uniform(1, 10))
        return actual if rng.random() < 0.3 else _m(actual / 100 * rng.uniform(1.0, 1.6))

    def prev(actual: Money) -> Money:
        if actual == 0:
            return 0 if rng.random() < 0.8 else _m(rng.uniform(1, 10))
        return _m(actual / 100 * rng.uniform(0.6, 1.4))

    batches = rng.randint(3, 40) if reception else 0
    sangong = Sangong(
        abroad_budget=sg_budget(abroad), abroad=abroad, abroad_groups=rng.randint(1, 3) if abroad else 0,
        abroad_people=0, car_buy_budget=car_buy if car_buy else (0 if rng.random() < 0.9 else _m(rng.uniform(10, 25))),
        car_buy=car_buy, cars_bought=rng.randint(1, 2) if car_buy else 0,
        car_run_budget=sg_budget(car_run), car_run=car_run, car_stock=car_stock,
        reception_budget=sg_budget(reception), reception=reception, reception_batches=batches,
        reception_people=batches * rng.randint(2, 8),
        abroad_prev=prev(abroad), car_buy_prev=0 if rng.random() < 0.8 else _m(rng.uniform(10, 30)),
        car_run_prev=prev(car_run), reception_prev=prev(reception))
    if sangong.abroad_groups:
        sangong = replace(sangong, abroad_people=sangong.abroad_groups * rng.randint(2, 5))

    # ---- procurement
    base_p = max(public_total + project_total, 500)
    p_total = _m(base_p / 100 * rng.uniform(0.05, 0.4))
    if rng.random() < 0.3:
        goods, works, services = _split(rng, p_total, 3, lo=0.1)
    else:
        goods, services = _split(rng, p_total, 2, lo=0.1)
        works = 0

    def sme_of(amount: Money) -> Money:
        r = rng.random()
        if amount == 0 or r < 0.15:
            return 0
        if r < 0.6:
            return amount
        return max(1, int(amount * rng.uniform(0.3, 0.95)))

    sme = (sme_of(goods), sme_of(works), sme_of(services))
    small = sum(sme) if rng.random() < 0.6 else int(sum(sme) * rng.uniform(0.4, 1.0))
    procurement = Procurement(goods, works, services, *sme, small=small)

    # ---- vehicles (asset section): the fiscal stock plus cars kept from other funds
    total_cars = car_stock + (rng.randint(1, 2) if rng.random() < 0.3 else 0)
    counts = [0] * len(VEHICLE_CATEGORIES)
    slots = [2, 3, 4, 5, 7] if rng.random() < 0.7 else [1, 2, 3, 4, 5, 7]
    for _ in range(total_cars):
        counts[rng.choice(slots)] += 1
    vehicles = Vehicles(tuple(counts), rng.choice((0, 0, 0, 1, 2)))

    # ---- the prior year
    fiscal_prev = _m(fiscal_spending / 100 * rng.uniform(0.75, 1.25))
    public_prev = _m(public_total / 100 * rng.uniform(0.7, 1.3))
    running_prev = public_prev if running == public_total else min(
        public_prev, _m(running / 100 * rng.uniform(0.7, 1.3)))
    prior = PriorYear(fiscal_spending=fiscal_prev,
                      other_income=_m((business + other) / 100 * rng.uniform(0.7, 1.3)) if business + other else 0,
                      carry_start=_m(rng.uniform(5, 80)) if carry else 0, carry_end=carry_start,
                      public=public_prev, running_costs=running_prev)

    dept = Department(
        id=f"synth-{index:04d}", name=name, year=year, units=tuple(units),
        duties=(arch.duty, "负责本部门预算编制、执行和决算工作", "承办上级交办的其他事项"),
        functional=functional, personnel=tuple(personnel), public=tuple(public), project_econ=project_econ,
        business_income=business, other_income=other, carry_start=carry_start, carry_end=carry_end,
        running_costs=running, sangong=sangong, procurement=procurement, vehicles=vehicles, projects=projects,
        prior=prior)
    return replace(dept, variance_reasons=_variance_reasons(rng, dept))


def _variance_reasons(rng: random.Random, d: Department) -> tuple[tuple[str, Money], ...]:
    """Amounts that explain the totals' variance against the budget, adding up to it exactly."""
    gap = abs(d.total - d.total_budget)
    if gap < 300 or rng.random() < 0.4:
        return ()
    words = ("工资福利支出" if d.total < d.total_budget else "人员经费", "商品和服务支出", "项目支出")
    n = rng.randint(2, 3)
    return tuple(zip(words[:n], _split(rng, gap, n, lo=0.2)))
