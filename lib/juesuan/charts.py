"""Charts for the audit report: a CJK-capable seaborn theme and the composition chart.

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
import os
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["FONT_ENV_VAR", "composition_chart", "use_cjk_font"]

FONT_ENV_VAR = "JUESUAN_CJK_FONT"
"""Environment variable naming a font file (.otf/.ttf) to use instead of the bundled one."""

_FALLBACK_FONT = "DejaVu Sans"
_COLUMNS = ("item", "amount_wan", "share_pct")

# Fixed size and resolution: the same data must give the same PNG bytes in every run,
# and the report reads well on A4 at this size.
_FIGSIZE = (10.0, 7.5)
_DPI = 100


def _bundled_font() -> Path | None:
    """Noto Sans SC from the ``pylopdf_fonts_zh_cn`` package, if it is installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def _font_path() -> Path | None:
    """The CJK font to use: ``$JUESUAN_CJK_FONT``, else the bundled font, else None."""
    configured = os.environ.get(FONT_ENV_VAR)
    if configured:
        path = Path(configured).expanduser()
        if path.is_file():
            return path
        warnings.warn(f"{FONT_ENV_VAR}={configured} is not a font file; using the bundled CJK font",
                      stacklevel=3)
    return _bundled_font()


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
    path = _font_path()
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
        # SVG ids derive from this salt instead of a random one: reproducible SVG too.
        "svg.hashsalt": "juesuan",
        "figure.dpi": _DPI,
        "savefig.dpi": _DPI,
    })
    return name


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
    positions = list(range(len(labels)))
    ax.barh(positions, amounts, color=color, height=0.6)
    ax.set_yticks(positions, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first row on top, as printed
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
    return fig
