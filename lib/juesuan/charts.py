"""Charts for the audit report: a CJK-capable seaborn theme and the report's figures.

- :func:`composition_chart` — income and expenditure composition;
- :func:`budget_variance_chart` — budget vs actual per functional 项 as diverging bars, with the
  execution rate beside each;
- :func:`explained_variance_chart` — each variance split into the reasons' amounts and what
  they leave unexplained;
- :func:`score_chart` — claimed vs recomputed performance scores over the grade bands;
- :func:`achievement_chart` — indicator achievement ratios, targets set far below actuals in red.

Each takes a tidy frame from :mod:`juesuan.analysis` (or ``AuditResult.figures``) and returns a
pyplot figure of fixed width and dpi; the same data always gives the same PNG bytes.

Chinese labels need a font with CJK glyphs. We never rely on system fonts: the OFL font
Noto Sans SC ships in the environment (the ``pylopdf_fonts_zh_cn`` package) and is
registered with matplotlib by path, so a fresh venv on a bare server renders the same
PNG bytes as a developer's laptop.

This module does not pick a matplotlib backend. In a notebook ipykernel's inline backend
must stay in charge (``matplotlib.use("agg")`` silently drops every chart from the
report); outside a notebook pyplot falls back to Agg on its own when there is no display.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import matplotlib.pyplot as plt
import matplotlib.ticker
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .fonts import FONT_ENV_VAR, font_path

__all__ = ["FONT_ENV_VAR", "achievement_chart", "budget_variance_chart", "composition_chart",
           "explained_variance_chart", "score_chart", "use_cjk_font"]

_FALLBACK_FONT = "DejaVu Sans"
_COLUMNS = ("item", "amount_wan", "share_pct")

# Fixed size and resolution: the same data must give the same PNG bytes in every run,
# and the report reads well on A4 at this size.
_FIGSIZE = (10.0, 7.5)
_DPI = 100


@functools.cache
def _register(path: str) -> str:
    """Add one font file to matplotlib's font manager (once per process); return its family name."""
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def use_cjk_font() -> str:
    """Register a CJK font and apply the report's seaborn theme with it; return the font's name.

    The font is looked up in this order: the file named by ``$JUESUAN_CJK_FONT``, then
    Noto Sans SC from the ``pylopdf_fonts_zh_cn`` package; if neither exists a warning is
    issued and DejaVu Sans is used (Chinese then renders as boxes).

    Call it again after anything that resets matplotlib's rcParams (``sns.set_theme()``,
    ``plt.rcdefaults()``, a reused kernel): the theme is re-applied on every call, the
    font file is registered only once.
    """
    path = font_path()
    if path is None:
        warnings.warn("no CJK font found (install pylopdf-fonts-zh-cn or set "
                      f"{FONT_ENV_VAR}); Chinese labels will render as empty boxes", stacklevel=2)
        name = _FALLBACK_FONT
    else:
        name = _register(str(path.resolve()))
    # The font goes through rc=: a plain sns.set_theme() resets font.sans-serif to Arial.
    sns.set_theme(style="whitegrid", font="sans-serif", rc={
        "font.sans-serif": [name, _FALLBACK_FONT],
        # Not every CJK font has U+2212 (the typographic minus); use the ASCII hyphen.
        "axes.unicode_minus": False,
        # Labels come from the disclosure: a "$" in them is text, not the start of mathtext.
        "text.parse_math": False,
        # SVG ids derive from this salt instead of a random one: reproducible SVG too.
        "svg.hashsalt": "juesuan",
        "figure.dpi": _DPI,
        "savefig.dpi": _DPI,
    })
    return name


def _laid_out(fig: Figure) -> Figure:
    """Run the figure's constrained layout once, now, and keep the result.

    Saving a figure that still has a layout engine draws it twice: a layout pass that walks every
    artist, then the real drawing. A chart is complete when it is returned, so its layout can be
    settled here and the engine dropped (same pixels, one drawing instead of two). A caller who
    adds to a chart calls ``fig.set_layout_engine("constrained")`` to have it laid out again.
    """
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine(None)
    return fig


def _rows(ax: Axes, labels: list[str], **tick_kw: Any) -> list[int]:
    """One row per label, the first on top as printed, no grid lines across the rows.

    The charts draw their bars and points at these positions with plain matplotlib: the frames
    are already one row per bar, so seaborn's grouping and estimating would only cost time.
    """
    positions = list(range(len(labels)))
    ax.set_yticks(positions, labels, **tick_kw)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    return positions


def _check_frame(frame: pd.DataFrame, what: str) -> None:
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} frame lacks column(s) {', '.join(missing)}; "
                         f"composition_chart needs {', '.join(_COLUMNS)}")


def _bar_label(amount: float, share: float) -> str:
    """``885.90 万元（100.00%）``; the share is left out when it was not disclosed."""
    text = f"{amount:,.2f} 万元"
    if share is not None and not pd.isna(share):
        text += f"（{share:.2f}%）"
    return text


def _amounts(frame: pd.DataFrame) -> list[float]:
    # A missing amount is drawn as zero, like a disclosed zero: the row stays visible.
    return [float(x) for x in frame["amount_wan"].fillna(0.0)]


def _x_limits(*frames: pd.DataFrame) -> tuple[float, float]:
    """One scale for both panels, with room beside the bars for their value labels."""
    values = [0.0] + [a for f in frames for a in _amounts(f)]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return (low - 0.3 * span if low < 0 else 0.0), high + 0.3 * span


def _panel(ax: Axes, frame: pd.DataFrame, heading: str, color: tuple[float, float, float]) -> None:
    """One horizontal bar panel, rows top to bottom in the order the disclosure lists them."""
    ax.set_title(heading, loc="left", fontsize=12)
    ax.grid(axis="y", visible=False)
    if frame.empty:
        ax.set_yticks([])
        ax.text(0.5, 0.5, "未披露", transform=ax.transAxes, ha="center", va="center", color="0.4")
        return
    labels = [str(x) for x in frame["item"]]
    amounts = _amounts(frame)
    positions = _rows(ax, labels)
    ax.barh(positions, amounts, color=color, height=0.6)
    low, high = ax.get_xlim()
    nudge = 0.01 * (high - low)
    for y, amount, share in zip(positions, amounts, frame["share_pct"], strict=True):
        # A zero row has no bar; its "0.00 万元" label at the axis is what keeps it visible.
        ax.text(amount + (nudge if amount >= 0 else -nudge), y, _bar_label(amount, share),
                va="center", ha="left" if amount >= 0 else "right", fontsize=9)
    ax.axvline(0.0, color="0.3", linewidth=0.8)


def composition_chart(income: pd.DataFrame, expenditure: pd.DataFrame, title: str) -> Figure:
    """Draw income and expenditure composition as two horizontal bar panels.

    Both frames have columns ``item`` (the label as printed), ``amount_wan`` (万元) and
    ``share_pct`` (percent of the total, NaN when the disclosure gives none). Rows are
    drawn in frame order; zero rows are kept and labelled ``0.00 万元``. The figure is a
    pyplot figure, so ``plt.show()`` in a notebook cell displays it; close it with
    ``plt.close(fig)`` when rendering outside a notebook.

    The output is deterministic: fixed size and dpi, no timestamps, and the theme from
    :func:`use_cjk_font` (applied here so the chart never renders Chinese as boxes).
    """
    _check_frame(income, "income")
    _check_frame(expenditure, "expenditure")
    use_cjk_font()
    palette = sns.color_palette("deep")
    # Panel heights follow the row counts so that bars have the same thickness in both.
    ratios = [max(len(income), 1), max(len(expenditure), 1)]
    # A shared 万元 axis lets the reader compare the two sides at a glance.
    fig, (top, bottom) = plt.subplots(2, 1, figsize=_FIGSIZE, dpi=_DPI, layout="constrained",
                                      sharex=True, gridspec_kw={"height_ratios": ratios})
    bottom.set_xlim(*_x_limits(income, expenditure))
    bottom.set_xlabel("万元")
    _panel(top, income, "收入构成", palette[0])
    _panel(bottom, expenditure, "支出构成", palette[1])
    fig.suptitle(title, fontsize=14)
    return _laid_out(fig)


# --------------------------------------------------------------------------------------------
# The analysis charts (frames from juesuan.analysis)

_WIDTH = 10.0
_ROW_IN = 0.42  # inches per bar row: room for a Chinese label at 10 pt
_MARGIN_IN = 1.7  # title, axis label and legend

# Colours that stay apart in greyscale print: a dark and a light of two hues.
_UNDER, _UNDER_LIGHT = "#2f6f9f", "#a9c7de"
_OVER, _OVER_LIGHT = "#c0602a", "#ecc0a4"
_ALERT = "#c62828"
_NEUTRAL = "#9e9e9e"


def _require(frame: pd.DataFrame, columns: tuple[str, ...], chart: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{chart} needs column(s) {', '.join(missing)}; pass the frame from juesuan.analysis")


def _height(rows: int) -> float:
    return max(3.0, _ROW_IN * max(rows, 1) + _MARGIN_IN)


def _empty(title: str, message: str) -> Figure:
    fig, ax = plt.subplots(figsize=(_WIDTH, 2.2), dpi=_DPI, layout="constrained")
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color="0.35", fontsize=12)
    fig.suptitle(title, fontsize=14)
    return _laid_out(fig)


def _unique_labels(names: list[str]) -> list[str]:
    """Category labels must be unique for seaborn: repeat names get a ' (2)' suffix."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def _wan(x: float) -> str:
    return f"{x:,.2f}"


def budget_variance_chart(lines: pd.DataFrame, *, execution_low_pct: float = 80.0, title: str = "") -> Figure:
    """Budget vs actual per functional 项: diverging variance bars and the execution rate beside them.

    ``lines`` is ``VarianceAnalysis.lines`` (item, budget_wan, actual_wan, variance_wan,
    execution_pct, material). Left: actual − budget in 万元, under budget to the left in blue,
    over budget to the right in orange, material variances dark and the others light, each bar
    labelled with its amount and ``budget → actual``. Right: the execution rate with the
    ``execution_low_pct`` threshold and 100% marked; a line with no 年初预算 says so.
    """
    _require(lines, ("item", "budget_wan", "actual_wan", "variance_wan", "execution_pct", "material"),
             "budget_variance_chart")
    use_cjk_font()
    title = title or "预算与决算：各功能分类科目的差异与执行率"
    if lines.empty:
        return _empty(title, "文本未列示功能分类科目的年初预算与决算")
    df = lines.reset_index(drop=True).copy()
    df["label"] = _unique_labels([str(x) for x in df["item"]])
    status = []
    for v, m in zip(df["variance_wan"], df["material"], strict=True):
        side = "少于预算" if v < 0 else "超出预算"
        status.append(f"{side}（重大）" if m else side)
    df["status"] = status
    palette = {"少于预算（重大）": _UNDER, "少于预算": _UNDER_LIGHT, "超出预算（重大）": _OVER, "超出预算": _OVER_LIGHT}
    fig, (left, right) = plt.subplots(1, 2, figsize=(_WIDTH, _height(len(df))), dpi=_DPI, layout="constrained",
                                      sharey=True, gridspec_kw={"width_ratios": [3, 1.4]})
    rows = _rows(left, list(df["label"]))  # the right panel shares these rows
    left.barh(rows, df["variance_wan"], height=0.62, color=[palette[s] for s in df["status"]])
    low, high = float(min(df["variance_wan"].min(), 0.0)), float(max(df["variance_wan"].max(), 0.0))
    span = (high - low) or 1.0
    left.set_xlim(low - 0.32 * span, high + 0.32 * span)
    left.axvline(0, color="0.25", linewidth=0.9)
    nudge = 0.012 * span
    for y, row in enumerate(df.itertuples(index=False)):
        v = float(row.variance_wan)
        left.text(v + (nudge if v >= 0 else -nudge), y, f"{v:+,.2f}", va="center",
                  ha="left" if v >= 0 else "right", fontsize=9, color="0.1" if row.material else "0.4")
        # budget → actual on the free side of the zero line
        left.text(-nudge if v >= 0 else nudge, y, f"{_wan(row.budget_wan)} → {_wan(row.actual_wan)}",
                  va="center", ha="right" if v >= 0 else "left", fontsize=8, color="0.3")
    left.set_xlabel("决算 − 年初预算（万元）")
    left.set_title("差异（条旁为 年初预算 → 决算）", loc="left", fontsize=11)
    rates = [float(x) if not pd.isna(x) else float("nan") for x in df["execution_pct"]]
    df["rate_plot"] = [0.0 if pd.isna(r) else min(r, 150.0) for r in rates]
    df["rate_status"] = ["低于阈值" if (not pd.isna(r) and r < execution_low_pct) else "达到阈值" for r in rates]
    right.barh(rows, df["rate_plot"], height=0.62,
               color=[_ALERT if s == "低于阈值" else _NEUTRAL for s in df["rate_status"]])
    right.axvline(execution_low_pct, color=_ALERT, linestyle="--", linewidth=0.9)
    right.axvline(100, color="0.25", linewidth=0.9)
    right.set_xlim(0, max(125.0, max(df["rate_plot"]) + 25))
    for y, r in enumerate(rates):
        if pd.isna(r):
            right.text(2, y, "无年初预算", va="center", ha="left", fontsize=9)
        elif r >= 30:  # inside the bar, clear of the threshold line
            right.text(min(r, 150.0) - 2, y, f"{r:.1f}%", va="center", ha="right", fontsize=9, color="white")
        else:
            right.text(r + 2, y, f"{r:.1f}%", va="center", ha="left", fontsize=9)
    right.set_xlabel("执行率（%）")
    right.set_title(f"执行率（虚线 {execution_low_pct:g}%）", loc="left", fontsize=11)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in palette.values()]
    fig.legend(handles, list(palette), loc="outside lower center", ncols=4, frameon=False, fontsize=9)
    fig.suptitle(title, fontsize=14)
    return _laid_out(fig)


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def explained_variance_chart(explained: pd.DataFrame, reasons: pd.DataFrame, *, title: str = "") -> Figure:
    """Each variance whose reasons give amounts, split into those amounts and the rest.

    ``explained`` and ``reasons`` are ``VarianceAnalysis.explained`` / ``.reasons``. One bar per
    variance: the grey outline is the variance as printed, the coloured segments the amounts the
    reasons give (named inside), and a red segment the part left unexplained beyond rounding.
    """
    _require(explained, ("claim_id", "basis", "direction", "variance_wan", "explained_wan", "unexplained_wan",
                         "beyond_rounding", "line"), "explained_variance_chart")
    _require(reasons, ("claim_id", "reason", "amount_wan"), "explained_variance_chart")
    use_cjk_font()
    title = title or "变动原因能解释多少差异"
    if explained.empty:
        return _empty(title, "文本没有给出带金额的变动原因")
    df = explained.reset_index(drop=True).copy()
    basis = {"预算": "与年初预算相比", "上年": "与上年决算相比"}
    df["label"] = _unique_labels([f"{basis.get(b, '差异')}{d}\n{_wan(v)} 万元（第 {ln} 行）" for b, d, v, ln in
                                  zip(df["basis"], df["direction"], df["variance_wan"], df["line"], strict=True)])
    fig, ax = plt.subplots(figsize=(_WIDTH, max(3.2, 1.35 * len(df) + 1.6)), dpi=_DPI, layout="constrained")
    rows = _rows(ax, list(df["label"]))
    ax.barh(rows, df["variance_wan"], height=0.66, color="white", edgecolor="0.35", linewidth=1.2)
    colours = sns.color_palette("Set2", 8)
    top = float(max(df["variance_wan"].max(), df["explained_wan"].max()))
    for y, row in enumerate(df.itertuples(index=False)):
        start = 0.0
        parts = reasons[reasons["claim_id"] == row.claim_id]
        for k, part in enumerate(parts.itertuples(index=False)):
            amount = float(part.amount_wan)
            ax.barh(y, amount, left=start, height=0.52, color=colours[k % len(colours)], edgecolor="white")
            # CJK characters at 8 pt that fit in the segment (the axis spans ~8 in, 0.11 in a character)
            chars = max(2, int(amount / (top * 1.32) * 58))
            name = str(part.reason)
            label = f"{_wrap(name, chars) if len(name) > chars else name}\n{_wan(amount)}"
            if amount / top > 0.06:
                ax.text(start + amount / 2, y, label, ha="center", va="center", fontsize=8, linespacing=1.1)
            start += amount
        gap = float(row.unexplained_wan)
        if row.beyond_rounding and gap > 0:
            ax.barh(y, gap, left=start, height=0.52, color=_ALERT, hatch="///", edgecolor="white")
            ax.text(start + gap + 0.01 * top, y, f"未说明 {_wan(gap)} 万元\n（占 {gap / row.variance_wan:.1%}）",
                    ha="left", va="center", fontsize=9, color=_ALERT)
        elif row.beyond_rounding and gap < 0:
            ax.text(start + 0.01 * top, y, f"原因合计超出差异 {_wan(-gap)} 万元", ha="left", va="center",
                    fontsize=9, color=_ALERT)
        else:
            ax.text(max(start, float(row.variance_wan)) + 0.01 * top, y, "原因合计与差异一致\n（四舍五入范围内）",
                    ha="left", va="center", fontsize=9, color="0.3")
    ax.set_xlim(0, top * 1.32)
    ax.set_xlabel("万元（外框为文本所列差异，色块为所列各项原因的金额）")
    fig.suptitle(title, fontsize=14)
    return _laid_out(fig)


# Grade bands of 财预〔2020〕10号 (domain.md §4.5), lightest for the best grade.
_GRADE_SPANS = ((0, 60, "差", "#f3d6d6"), (60, 80, "中", "#f6e7cf"), (80, 90, "良", "#e6eef6"),
                (90, 100, "优", "#e3f1e3"))


def score_chart(scores: pd.DataFrame, *, title: str = "") -> Figure:
    """Claimed vs recomputed score per project, over the grade bands (优 ≥ 90, 良 ≥ 80, 中 ≥ 60).

    ``scores`` is ``PerformanceAnalysis.scores`` (project, claimed_score, recomputed_score,
    claimed_grade, recomputed_grade). A line joins the two when they differ, labelled with the gap.
    """
    _require(scores, ("project", "claimed_score", "recomputed_score", "claimed_grade", "recomputed_grade"),
             "score_chart")
    use_cjk_font()
    title = title or "绩效自评得分：声称与复算"
    df = scores[scores["claimed_score"].notna() | scores["recomputed_score"].notna()].reset_index(drop=True)
    if df.empty:
        return _empty(title, "文本没有可复算的项目支出绩效自评表")
    df = df.copy()
    df["label"] = _unique_labels([str(x) for x in df["project"]])
    lowest = float(min(df["claimed_score"].min(skipna=True), df["recomputed_score"].min(skipna=True)))
    x0 = 0.0 if lowest < 45 else 50.0
    fig, ax = plt.subplots(figsize=(_WIDTH, _height(len(df)) + 0.3), dpi=_DPI, layout="constrained")
    for lo, hi, name, colour in _GRADE_SPANS:
        if hi <= x0:
            continue
        ax.axvspan(max(lo, x0), hi, color=colour, zorder=0)
        ax.text((max(lo, x0) + hi) / 2, -0.75, name, ha="center", va="center", fontsize=10, color="0.35")
    rows = _rows(ax, list(df["label"]))
    for y, row in enumerate(df.itertuples(index=False)):
        c, r = row.claimed_score, row.recomputed_score
        if pd.notna(c) and pd.notna(r) and abs(c - r) >= 0.05:
            ax.plot([r, c], [y, y], color=_ALERT, linewidth=2, zorder=2)
            ax.text(max(c, r) + 0.6 if max(c, r) < 98 else min(c, r) - 0.6, y - 0.32,
                    f"声称 {c:g} 分（{row.claimed_grade}），复算 {r:g} 分（{row.recomputed_grade}）",
                    ha="left" if max(c, r) < 98 else "right", va="center", fontsize=9, color=_ALERT)
    # a project with only one of the two scores keeps its own row: points are placed by row, not by label
    ax.scatter(df["claimed_score"], rows, s=230, facecolor="none", edgecolor="0.1", linewidth=1.6, zorder=3,
               label="声称得分（表中总分或自评综述）")
    ax.scatter(df["recomputed_score"], rows, marker="D", s=60, color=_OVER, edgecolor="white", linewidth=0.62,
               zorder=4, label="复算得分")
    ax.set_ylim(len(rows) - 0.5, -1.1)  # room above the first row for the grade names
    ax.set_xlim(x0, 101.5)
    ax.set_xlabel("得分（满分 100）")
    ax.legend(title=None, loc="lower left", frameon=True, fontsize=9,
              markerscale=0.7)
    fig.suptitle(title, fontsize=14)
    return _laid_out(fig)


def achievement_chart(indicators: pd.DataFrame, *, limit: float = 1.5, title: str = "") -> Figure:
    """Achievement ratio of every quantitative indicator (log scale), targets set too low in red.

    ``indicators`` is ``PerformanceAnalysis.indicators`` (project, indicator, achievement,
    target_too_low, target, actual). 1× is the target met exactly; the dashed line is ``limit``
    (``thresholds.target_too_low_ratio``): a 正向 actual beyond it suggests the target was set low
    (P9). A ratio of 0 (e.g. a satisfaction of 0) is drawn at the left edge and labelled.
    """
    _require(indicators, ("project", "indicator", "achievement", "target_too_low", "target", "actual"),
             "achievement_chart")
    use_cjk_font()
    title = title or "绩效指标完成比（实际值 ÷ 指标值；反向指标为 指标值 ÷ 实际值）"
    df = indicators[indicators["achievement"].notna()].reset_index(drop=True).copy()
    if df.empty:
        return _empty(title, "没有可计算完成比的定量指标")
    df["label"] = _unique_labels([f"{p} · {i}" for p, i in zip(df["project"], df["indicator"], strict=True)])
    statuses = []
    for a, low in zip(df["achievement"], df["target_too_low"], strict=True):
        statuses.append(f"目标过低（>{limit:g}×）" if low else ("未达标" if a < 1 - 1e-9 else "达标"))
    df["status"] = statuses
    floor = 0.1
    df["plot"] = [max(float(a), floor) for a in df["achievement"]]
    palette = {f"目标过低（>{limit:g}×）": _ALERT, "未达标": _UNDER, "达标": _NEUTRAL}
    fig, ax = plt.subplots(figsize=(_WIDTH, max(3.0, 0.3 * len(df) + _MARGIN_IN)), dpi=_DPI,
                           layout="constrained")
    rows = _rows(ax, list(df["label"]), fontsize=9)
    ax.hlines(rows, 1, df["plot"], colors=[palette[s] for s in df["status"]], linewidth=2, zorder=2)
    for status, colour in palette.items():  # one legend entry per status, present or not
        at = df["status"] == status
        ax.scatter(df["plot"][at], [y for y, hit in zip(rows, at, strict=True) if hit], s=45, color=colour,
                   edgecolor="white", linewidth=0.5, zorder=3, label=status)
    ax.set_xscale("log")
    # minor ticks on a log axis are a dozen invisible artists each (the theme draws no tick marks)
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    top = max(float(df["plot"].max()) * 3, limit * 2)
    ax.set_xlim(floor * 0.8, top)
    ax.axvline(1, color="0.25", linewidth=0.9)
    ax.axvline(limit, color=_ALERT, linestyle="--", linewidth=0.9)
    # a thin rule between projects: the rows are grouped by table
    projects = list(df["project"])
    for y in range(1, len(projects)):
        if projects[y] != projects[y - 1]:
            ax.axhline(y - 0.5, color="0.8", linewidth=0.8)
    for y, row in enumerate(df.itertuples(index=False)):
        a = float(row.achievement)
        if a == 0:
            text = f"0（实际 {row.actual}）"
        elif row.target_too_low or a < 1 - 1e-9:
            text = f"{a:.2g}×（指标值 {row.target} → 实际 {row.actual}）"
        elif abs(a - 1) < 1e-9:
            continue
        else:
            text = f"{a:.2g}×"
        at = 1.12 if a == 0 else float(row.plot) * 1.12  # a zero's line runs left of 1×: label it on the right
        ax.text(at, y, text, va="center", ha="left", fontsize=8,
                color=_ALERT if row.target_too_low or a == 0 else "0.3")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:g}×"))
    ax.set_xlabel("完成比（对数刻度；1× 为恰好完成目标）")
    ax.legend(title=None, loc="lower right", frameon=True, fontsize=9)
    fig.suptitle(title, fontsize=14)
    return _laid_out(fig)
