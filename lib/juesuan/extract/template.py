"""Figures of the standard template (domain.md §1–§3) and the identities between them.

Where :mod:`.narrative` reads sentence patterns anywhere, this module knows the template's
sections: 政府采购 (goods/works/services, SME and small-firm amounts and per-category SME
shares), 国有资产占用 (vehicles by category), “三公” budget and actual by item and the vehicle
stock, 一般公共预算财政拨款支出 by 类 and 项, 基本支出 = 人员经费 + 公用经费, 机关运行经费, and the
reasons given for a variance. Each identity becomes a claim with a ``structure.*``,
``cross_reference.*`` or ``variance.*`` rule that the suites judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..claims import Claim, Kind, Printed
from .text import Segment

__all__ = ["TemplateFigures", "extract_template"]

# (?<!\d): a number never starts inside a digit run. A match from the middle of a run could
# always start at the run's first digit instead, so this changes no match; it makes a long run of
# digits with no unit linear to search instead of quadratic (hostile-input catalogue, entry 7).
_N = r"(-?(?<!\d)\d+(?:\.\d+)?)"
_AMT = _N + r"\s*(万元|亿元|千元|元)"
_SEP = r"[,，]?[^,，。;；\d]{0,6}?"


@dataclass
class TemplateFigures:
    """Typed figures found in the template sections (missing ones stay ``None``/empty)."""

    procurement: dict[str, Printed] = field(default_factory=dict)
    """total, goods, works, services, sme, small, and sme_share_<category> (percentages)."""
    vehicles: dict[str, Printed] = field(default_factory=dict)
    """total and one entry per category (counts)."""
    sangong: dict[str, Printed] = field(default_factory=dict)
    """budget/actual for total, abroad, vehicle, reception; vehicle_stock, vehicle_running."""
    functional: list[dict[str, object]] = field(default_factory=list)
    """One row per 项: class (类 name), name, budget, actual (Printed)."""
    econ: dict[str, Printed] = field(default_factory=dict)
    """basic, personnel, public, running_costs and economic items of 公用经费 by name."""
    economic_items: list[dict[str, object]] = field(default_factory=list)
    """One row per itemised economic item of basic spending: group (人员经费/公用经费), item, amount."""


@dataclass
class _Doc:
    segs: list[tuple[Segment, str]]
    claims: list[Claim] = field(default_factory=list)

    def find(self, pattern: str, *, where: str = "", flags: int = 0) -> Iterator[tuple[Segment, str, re.Match[str]]]:
        rx = re.compile(pattern, flags)
        for seg, section in self.segs:
            if where and where not in seg.text and where not in section:
                continue
            for m in rx.finditer(seg.text):
                yield seg, section, m


def _p(seg: Segment, m: re.Match[str], g: int, unit: str | None = None, label: str = "") -> Printed:
    u = unit if unit is not None else (m.group(g + 1) or "")
    return Printed(m.group(g), u, seg.line_at(m.start(g)), label)


def _quote(seg: Segment, start: int, end: int) -> str:
    return seg.text[max(0, start): end].replace("\n", "")[:300]


def _at_most(d: _Doc, section: str, line: int, quote: str, part: Printed, whole: Printed, *, rule: str) -> None:
    """A claim that ``part`` (a subset) does not exceed ``whole`` (judged by checks' at-most rule)."""
    d.claims.append(Claim(Kind.CROSS_REF, section, line, quote, {"part": part, "whole": whole},
                          {"relation": "≤"}, rule=rule))


def _first(d: _Doc, pattern: str, where: str = "") -> tuple[Segment, str, re.Match[str]] | None:
    return next(d.find(pattern, where=where), None)


# --------------------------------------------------------------------------- 政府采购

_CATS = {"货物": "goods", "工程": "works", "服务": "services"}


def _procurement(d: _Doc, tf: TemplateFigures) -> None:
    hit = _first(d, rf"政府采购支出总额(?:为)?\s*{_AMT}")
    if hit is None:
        return
    seg, section, m = hit
    pr = tf.procurement
    pr["total"] = _p(seg, m, 1, label="政府采购支出总额")
    text = seg.text
    for cat, key in _CATS.items():
        cm = re.search(rf"(?:政府采购)?{cat}(?:采购)?支出(?:金额)?(?:为)?\s*{_AMT}", text)
        if cm:
            pr[key] = _p(seg, cm, 1, label=f"{cat}支出")
        sm = re.search(rf"{cat}采购授予中小企业合同金额占{cat}(?:采购)?支出(?:金额)?的?\s*{_N}\s*%", text)
        if sm:
            pr[f"sme_share_{key}"] = _p(seg, sm, 1, "%", f"{cat}中小企业占比")
    sme = re.search(rf"授予中小企业合同金额(?:为)?\s*{_AMT}", text)
    if sme:
        pr["sme"] = _p(seg, sme, 1, label="授予中小企业合同金额")
    small = re.search(rf"授予小微企业合同金额(?:为)?\s*{_AMT}", text)
    if small:
        pr["small"] = _p(seg, small, 1, label="授予小微企业合同金额")
    shares = [k for k in _CATS.values() if f"sme_share_{k}" in pr]
    if "sme" in pr and shares and all(k in pr for k in shares):
        # the SME total must equal what the per-category SME shares imply (N7, R11)
        d.claims.append(Claim(
            Kind.CROSS_REF, section, pr["sme"].line,
            _quote(seg, sme.start() if sme else m.start(), len(text)),
            {"total": pr["sme"], "amounts": [pr[k] for k in shares], "pcts": [pr[f"sme_share_{k}"] for k in shares]},
            {"implied_by": "per-category SME shares"}, rule="structure.procurement_sme"))
    if "sme" in pr and "small" in pr:
        _at_most(d, section, pr["small"].line, _quote(seg, sme.start() if sme else 0, small.end()),
                 pr["small"], pr["sme"], rule="structure.procurement_small_le_sme")


# --------------------------------------------------------------------------- 国有资产: vehicles

def _vehicles(d: _Doc, tf: TemplateFigures) -> None:
    hit = _first(d, r"(?:共有|共计|拥有)(?:各类)?车辆\s*(\d+)\s*(辆)")
    if hit is None:
        return
    seg, section, m = hit
    tf.vehicles["total"] = _p(seg, m, 1, label="车辆")
    rest = seg.text[m.end(): m.end() + 400].split("。")[0].split("单价")[0]
    parts = []
    for cm in re.finditer(r"([\u4e00-\u9fff()（）]{2,20}?用车)\s*(\d+)\s*(辆)", rest):
        pm = Printed(cm.group(2), "辆", seg.line_at(m.end() + cm.start(2)), cm.group(1))
        tf.vehicles[cm.group(1)] = pm
        parts.append(pm)
    if len(parts) >= 2:
        d.claims.append(Claim(Kind.SUM, section, tf.vehicles["total"].line,
                              _quote(seg, m.start(), m.end() + len(rest)),
                              {"total": tf.vehicles["total"], "parts": parts}, rule="structure.vehicles"))


# --------------------------------------------------------------------------- “三公”

_SG_ITEMS = {"abroad": r"因公出国\(境\)费(?:用)?", "vehicle": r"公务用车购置及运行(?:维护)?费",
             "reception": r"公务接待费"}


def _sangong(d: _Doc, tf: TemplateFigures) -> None:
    sg = tf.sangong
    total = _first(d, rf"三公”?经费(?:全年)?(?:年初)?预算(?:数)?(?:为)?\s*{_AMT}{_SEP}(?:支出)?决算(?:数)?(?:为)?\s*{_AMT}")
    if total is not None:
        seg, section, m = total
        sg["total_budget"], sg["total_actual"] = _p(seg, m, 1), _p(seg, m, 3)
        text = seg.text
        budgets, actuals = [], []
        for key, rx in _SG_ITEMS.items():
            im = re.search(rf"{rx}(?:全年)?(?:年初)?预算(?:数)?(?:为)?\s*{_AMT}{_SEP}(?:支出)?决算(?:数)?(?:为)?\s*{_AMT}",
                           text[m.end():])
            if im:
                off = m.end()
                sg[f"{key}_budget"] = Printed(im.group(1), im.group(2), seg.line_at(off + im.start(1)))
                sg[f"{key}_actual"] = Printed(im.group(3), im.group(4), seg.line_at(off + im.start(3)))
                budgets.append(sg[f"{key}_budget"])
                actuals.append(sg[f"{key}_actual"])
        if len(budgets) == 3:
            for col, parts in (("budget", budgets), ("actual", actuals)):
                d.claims.append(Claim(Kind.SUM, section, sg[f"total_{col}"].line, _quote(seg, m.start(), m.end()),
                                      {"total": sg[f"total_{col}"], "parts": parts},
                                      {"column": "预算" if col == "budget" else "决算"}, rule="structure.sangong"))
    stock = _first(d, r"公务用车保有量(?:为)?\s*(\d+)\s*(辆)")
    if stock is not None:
        seg, _s, m = stock
        sg["vehicle_stock"] = _p(seg, m, 1)
    running = _first(d, rf"公务用车运行(?:维护)?费(?:支出)?(?:决算)?(?:为)?\s*{_AMT}", where="三公")
    if running is not None:
        seg, _s, m = running
        sg["vehicle_running"] = _p(seg, m, 1)


# --------------------------------------------------------------------------- functional 类/项, basic spending

def _functional(d: _Doc, tf: TemplateFigures) -> None:
    current_class: str | None = None
    class_rows: dict[str, dict[str, object]] = {}
    for seg, section, m in d.find(
            rf"(?P<cls>[\u4e00-\u9fff]{{2,20}})[(（]类[)）]决算数?(?:为)?\s*{_AMT}"
            # "\n?": PDF text may break the line right after "（项）。", and segments join it with "\n"
            rf"|[(（]项[)）][^\n]{{0,6}}?\n?年初预算(?:数)?(?:为)?\s*{_AMT}[,，]?\s*(?:支出)?决算(?:数)?(?:为)?\s*{_AMT}"):
        if m.group("cls"):
            current_class = m.group("cls")
            text = seg.text[m.end(): m.end() + 40]
            dm = re.match(rf"[,，]?\s*与年初预算(?:数)?相比\s*(增加|减少|超支|节约)\s*{_AMT}", text)
            class_rows[current_class] = {
                "actual": _p(seg, m, 2), "section": section, "seg": seg, "start": m.start(),
                "change": Printed(dm.group(2), dm.group(3), seg.line_at(m.end() + dm.start(2))) if dm else None,
                "direction": ("inc" if dm.group(1) in ("增加", "超支") else "dec") if dm else "",
                "items": []}
        elif current_class is not None:
            name_start = seg.text.rfind("\n", 0, m.start()) + 1
            row = {"class": current_class, "name": re.sub(r"^\d+[.．、]", "", seg.text[name_start:m.start()]),
                   "budget": _p(seg, m, 4), "actual": _p(seg, m, 6)}
            tf.functional.append(row)
            class_rows[current_class]["items"].append(row)  # type: ignore[union-attr]
    for cls, row in class_rows.items():
        items: list[dict[str, Printed]] = row["items"]  # type: ignore[assignment]
        if not items:
            continue
        seg: Segment = row["seg"]  # type: ignore[assignment]
        q = _quote(seg, row["start"], row["start"] + 60)  # type: ignore[arg-type]
        d.claims.append(Claim(Kind.SUM, row["section"], row["actual"].line, q,  # type: ignore[union-attr]
                              {"total": row["actual"], "parts": [i["actual"] for i in items]},  # type: ignore[dict-item]
                              {"class": cls}, rule="structure.functional_sum"))
        if row["change"] is not None:
            d.claims.append(Claim(Kind.BUDGET_DIFF, row["section"], row["change"].line, q,  # type: ignore[union-attr]
                                  {"current": row["actual"], "change": row["change"],  # type: ignore[dict-item]
                                   "budget_parts": [i["budget"] for i in items]},
                                  {"direction": row["direction"], "class": cls},  # type: ignore[dict-item]
                                  rule="arithmetic.budget_diff"))


def _basic(d: _Doc, tf: TemplateFigures) -> None:
    hit = _first(d, rf"基本支出决算(?:数)?(?:为)?\s*{_AMT}")
    if hit is None:
        return
    seg, section, m = hit
    e = tf.econ
    e["basic"] = _p(seg, m, 1)
    after = [(s, sec) for s, sec in d.segs if s.first_line >= seg.first_line][:4]
    for s, _sec in after:
        for key, word in (("personnel", "人员经费"), ("public", "公用经费")):
            pm = re.search(rf"{word}(?:支出)?(?:为)?\s*{_AMT}", s.text)
            if pm and key not in e:
                e[key] = _p(s, pm, 1)
                # the list runs to the end of its line; a line broken right after "主要包括：" continues it
                items = re.sub(r"(?<=[:：])\n", "", s.text[pm.end():]).split("\n")[0]
                for im in re.finditer(rf"([\u4e00-\u9fff()（）]{{2,16}}?)\s*{_AMT}", items):
                    name = re.sub(r"^(?:主要包括|包括|其中)[:：]?", "", im.group(1).lstrip("、,，"))
                    item = Printed(im.group(2), im.group(3), s.line_at(pm.end() + im.start(2)), name)
                    tf.economic_items.append({"group": word, "item": name, "amount": item})
                    if key == "public":
                        e.setdefault(name, item)
    if "personnel" in e and "public" in e:
        d.claims.append(Claim(Kind.SUM, section, e["basic"].line, _quote(seg, m.start(), m.end()),
                              {"total": e["basic"], "parts": [e["personnel"], e["public"]]},
                              rule="structure.basic_split"))
    run = _first(d, rf"机关运行经费(?:支出)?(?:决算)?(?:为)?\s*{_AMT}")
    if run is not None and "public" in e:
        s, sec, rm = run
        e["running_costs"] = _p(s, rm, 1)
        _at_most(d, sec, e["running_costs"].line, _quote(s, rm.start(), rm.end()), e["running_costs"],
                 e["public"], rule="structure.running_costs_le_public")


# --------------------------------------------------------------------------- cross references

#: Social-insurance economic items and the functional 项 that carry the same payments (X9).
_SOCIAL_PAIRS = (("基本养老保险", ("基本养老保险",)), ("职业年金", ("职业年金",)),
                 ("医疗保险", ("行政单位医疗", "事业单位医疗", "公务员医疗补助")), ("住房公积金", ("住房公积金",)))


def _social_insurance(d: _Doc, tf: TemplateFigures) -> None:
    """30108 ≈ 2080505, 30109 ≈ 2080506, 30110+30111 ≈ 2101101–03, 30113 ≈ 2210201 (X9, soft)."""
    for econ_word, item_words in _SOCIAL_PAIRS:
        econ = [r["amount"] for r in tf.economic_items if econ_word in str(r["item"])]
        items = [r["actual"] for r in tf.functional if any(w in str(r["name"]) for w in item_words)]
        if len(econ) != 1 or not items:
            continue
        d.claims.append(Claim(Kind.CROSS_REF, "一般公共预算财政拨款基本支出", econ[0].line,
                              f"{econ[0].label} {econ[0].text}{econ[0].unit} / "
                              + " + ".join(f"{i.text}{i.unit}" for i in items),
                              {"total": econ[0], "parts": items}, {"pair": econ_word},
                              rule="cross_reference.social_insurance"))


def _cross_references(d: _Doc, tf: TemplateFigures) -> None:
    _social_insurance(d, tf)
    sg, veh, e = tf.sangong, tf.vehicles, tf.econ
    if "vehicle_stock" in sg and "total" in veh:
        _at_most(d, "国有资产占用", veh["total"].line,
                 f"公务用车保有量{sg['vehicle_stock'].text}辆 / 共有车辆{veh['total'].text}辆",
                 sg["vehicle_stock"], veh["total"], rule="cross_reference.vehicle_count")
    item = next((v for k, v in e.items() if "公务用车运行" in k), None)
    if "vehicle_running" in sg and item is not None:
        _at_most(d, "“三公”经费", sg["vehicle_running"].line,
                 f"“三公”公务用车运行维护费{sg['vehicle_running'].text}万元 / 公用经费中公务用车运行维护费{item.text}万元",
                 item, sg["vehicle_running"], rule="cross_reference.vehicle_running_cost")


# --------------------------------------------------------------------------- explained variance

_REASON = re.compile(r"(?:变动|变化|增减|差异)?原因(?:是|为|主要是|如下)?[:：]")
_REASON_ITEM = re.compile(rf"(增加|减少|节约|压减|未实施|未执行|预算|支出)?\s*{_AMT}")


def _explained_variance(d: _Doc) -> None:
    """Reasons that give amounts ('一是…减少167.71万元。二是…') vs the variance they explain."""
    for seg, section, m in d.find(rf"(增加|减少)\s*{_AMT}(?:[,，]\s*(?:增长|下降|降低)\s*{_N}\s*%)?[,，]\s*(?=(?:变动|变化|增减|差异)?原因)"):
        text = seg.text
        rm = _REASON.match(text, m.end())
        if not rm:
            continue
        # the reasons run until the next comparison ("；与上年…相比") or the end of the paragraph
        stop = re.search(r"[;；。]\s*(?:与|比|较)[^,，。]{0,12}相比|\n\d+[.．、]|\n[(（]", text[rm.end():])
        body = text[rm.end(): rm.end() + (stop.start() if stop else len(text))]
        if not re.search(r"一是|其一|1[.、)）]|[(（]1[)）]", body):
            continue  # a single narrative reason: no amounts to add up
        amounts = []
        for im in re.finditer(rf"(?:一|二|三|四|五|六|七|八|九|十)是[^。；;]*?{_AMT}", body):
            amounts.append(Printed(im.group(1), im.group(2), seg.line_at(rm.end() + im.start(1))))
        if len(amounts) < 2:
            continue
        variance = Printed(m.group(2), m.group(3), seg.line_at(m.start(2)))
        d.claims.append(Claim(Kind.EXPLAINED_VARIANCE, section, variance.line,
                              _quote(seg, m.start(), rm.end() + len(body)),
                              {"total": variance, "parts": amounts}, {"open": "reasons"},
                              rule="variance.unexplained"))


# --------------------------------------------------------------------------- lists under numbered headings

_HEAD_LIST = re.compile(rf"{_AMT}\s*[,，。]?\s*其中\s*[:：]?\s*$")
_ITEM_HEADING = re.compile(rf"^[(（]([一二三四五六七八九十]{{1,3}})[)）]\s*([\u4e00-\u9fff()（）]{{2,30}}?)(?:支出)?(?:决算)?(?:为)?\s*{_AMT}")


def _heading_lists(d: _Doc) -> None:
    """'项目支出决算90.15万元，其中：' followed by (一)…(二)… items, each a segment of its own."""
    for k, (seg, section) in enumerate(d.segs):
        m = _HEAD_LIST.search(seg.text)
        if not m:
            continue
        parts: list[Printed] = []
        for nxt, _sec in d.segs[k + 1:]:
            im = _ITEM_HEADING.match(nxt.text)
            if not im:
                break
            parts.append(Printed(im.group(3), im.group(4), nxt.line_at(im.start(3)), im.group(2)))
        if len(parts) >= 2:
            total = Printed(m.group(1), m.group(2), seg.line_at(m.start(1)),
                            seg.text[max(0, m.start() - 20): m.start()].split("\n")[-1])
            d.claims.append(Claim(Kind.SUM, section, total.line, _quote(seg, m.start() - 30, m.end()),
                                  {"total": total, "parts": parts}, {"list": "numbered headings"},
                                  rule="arithmetic.sum"))


def _performance_coverage(d: _Doc, tf: TemplateFigures) -> None:
    """'共涉及资金90.15万元，占一般公共预算项目支出总额的100%' vs the 项目支出 the text reports (X10)."""
    project = _first(d, rf"项目支出(?:决算)?(?:合计)?(?:为)?\s*{_AMT}")
    if project is None:
        return
    pseg, _psec, pm = project
    whole = _p(pseg, pm, 1, label="项目支出")
    for seg, section, m in d.find(rf"(?:共)?涉及(?:资金|金额)\s*{_AMT}[,，]\s*占([^,，。;；%\d]{{0,30}}?项目支出总额)的?\s*{_N}\s*%"):
        if "政府性基金" in m.group(3):
            continue
        d.claims.append(Claim(Kind.SHARE, section, seg.line_at(m.start()), _quote(seg, m.start(), m.end()),
                              {"part": _p(seg, m, 1), "total": whole, "pct": _p(seg, m, 4, "%")},
                              rule="cross_reference.performance_coverage"))


_UNIMPLEMENTED = re.compile(
    rf"(?P<name>[\u4e00-\u9fff“”()（）]{{2,30}}?项目)(?:年初)?预算(?:数|资金)?(?:为)?\s*{_AMT}[,，]\s*(?:该项目|项目)?"
    rf"(?:年内|当年|本年|全年)?(?:未实施|未执行|未开展|未启动|暂停实施|取消)")


def _unimplemented(d: _Doc) -> None:
    """'…建设项目预算103万元，该项目年内未实施' — budgeted work that did not happen (an observation)."""
    seen: set[tuple[str, str]] = set()
    for seg, section, m in d.find(_UNIMPLEMENTED.pattern):
        name = re.sub(r"^(?:[一二三四五六七八九十]是|其[一二三四五])", "", m.group("name"))
        key = (name, m.group(2))
        if key in seen:  # the same project restated in another section is one observation
            continue
        seen.add(key)
        amount = _p(seg, m, 2, label=name)
        c = Claim(Kind.NARRATIVE, section, amount.line, _quote(seg, m.start(), m.end()), {"budget": amount},
                  {"project": name}, rule="observation.unimplemented")
        c.observed = float(amount.interval().mid)
        c.at_stake_wan = c.observed
        d.claims.append(c)


def extract_template(segs: list[tuple[Segment, str]]) -> tuple[list[Claim], TemplateFigures]:
    """Claims about the template's identities, and the typed figures they rest on."""
    d = _Doc(segs)
    tf = TemplateFigures()
    _procurement(d, tf)
    _vehicles(d, tf)
    _sangong(d, tf)
    _functional(d, tf)
    _basic(d, tf)
    _cross_references(d, tf)
    _explained_variance(d)
    _heading_lists(d)
    _performance_coverage(d, tf)
    _unimplemented(d)
    return d.claims, tf
