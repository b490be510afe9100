"""Charts render Chinese with the bundled OFL font, never with a system font, and reproducibly."""

from __future__ import annotations

import io
import sys
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pylopdf_fonts_zh_cn
import pytest
from matplotlib import font_manager

from juesuan.charts import FONT_ENV_VAR, composition_chart, use_cjk_font

TITLE = "赤峰市松山区人民政府办公室 2024 年度收支构成"


@pytest.fixture(autouse=True)
def _isolated_matplotlib(monkeypatch):
    """Each test starts without $JUESUAN_CJK_FONT and leaves rcParams and figures as it found them."""
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)
    with matplotlib.rc_context():
        yield
    plt.close("all")


def _income() -> pd.DataFrame:
    return pd.DataFrame({
        "item": ["本年一般公共预算财政拨款收入", "本年政府性基金预算财政拨款收入", "本年事业收入"],
        "amount_wan": [885.90, 0.0, 12.5],
        "share_pct": [98.61, 0.0, float("nan")],
    })


def _expenditure() -> pd.DataFrame:
    return pd.DataFrame({"item": ["基本支出", "项目支出"], "amount_wan": [795.75, 90.15],
                         "share_pct": [89.82, 10.18]})


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _missing_glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "missing" in str(w.message).lower()]


def test_the_bundled_font_is_registered_by_path_not_found_on_the_system():
    name = use_cjk_font()
    bundled = Path(pylopdf_fonts_zh_cn.sans_path()).resolve()
    assert name == "Noto Sans SC"
    assert matplotlib.rcParams["font.sans-serif"][0] == name
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    # The family resolves to the file inside the venv: no system font is involved.
    found = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    assert Path(found).resolve() == bundled
    assert Path(found).resolve().is_relative_to(Path(sys.prefix).resolve())


def test_registration_happens_once_but_the_theme_is_reapplied_on_every_call():
    use_cjk_font()
    registered = sum(1 for f in font_manager.fontManager.ttflist if f.name == "Noto Sans SC")
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]  # what sns.set_theme() or a reset does
    assert use_cjk_font() == "Noto Sans SC"
    assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans SC"
    assert sum(1 for f in font_manager.fontManager.ttflist if f.name == "Noto Sans SC") == registered


def test_the_env_var_names_another_font_file(monkeypatch):
    monkeypatch.setenv(FONT_ENV_VAR, str(pylopdf_fonts_zh_cn.serif_path()))
    assert use_cjk_font() == "Noto Serif SC"


def test_an_env_var_that_names_no_file_warns_and_falls_back_to_the_bundled_font(monkeypatch, tmp_path):
    monkeypatch.setenv(FONT_ENV_VAR, str(tmp_path / "nope.otf"))
    with pytest.warns(UserWarning, match=FONT_ENV_VAR):
        assert use_cjk_font() == "Noto Sans SC"


def test_without_any_cjk_font_it_warns_and_uses_dejavu(monkeypatch):
    monkeypatch.setattr("juesuan.fonts._bundled_font", lambda: None)
    with pytest.warns(UserWarning, match="no CJK font"):
        assert use_cjk_font() == "DejaVu Sans"


def test_chinese_renders_without_missing_glyph_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = composition_chart(_income(), _expenditure(), TITLE)
        _png(fig)
    assert _missing_glyph_warnings(caught) == []


def test_the_missing_glyph_check_would_catch_tofu():
    """The check above is not vacuous: with DejaVu alone, the same title warns."""
    dejavu_only = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}
    with matplotlib.rc_context(dejavu_only), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title(TITLE)
        _png(fig)
    assert _missing_glyph_warnings(caught)


def test_two_renders_of_the_same_data_give_identical_png_bytes():
    first = _png(composition_chart(_income(), _expenditure(), TITLE))
    plt.close("all")
    second = _png(composition_chart(_income(), _expenditure(), TITLE))
    assert first == second
    assert first.startswith(b"\x89PNG")


def test_layout_keeps_zero_rows_and_labels_amounts_and_shares():
    fig = composition_chart(_income(), _expenditure(), TITLE)
    top, bottom = fig.axes
    assert fig.get_size_inches().tolist() == [10.0, 7.5] and fig.dpi == 100
    assert fig.get_suptitle() == TITLE
    assert [t.get_text() for t in top.get_yticklabels()] == list(_income()["item"])
    texts = [t.get_text() for t in top.texts]
    assert texts == ["885.90 万元（98.61%）", "0.00 万元（0.00%）", "12.50 万元"]  # NaN share: amount only
    assert [t.get_text() for t in bottom.texts] == ["795.75 万元（89.82%）", "90.15 万元（10.18%）"]
    assert top.get_title(loc="left") == "收入构成" and bottom.get_title(loc="left") == "支出构成"


def test_an_empty_side_says_not_disclosed():
    empty = pd.DataFrame({"item": [], "amount_wan": [], "share_pct": []})
    fig = composition_chart(_income(), empty, TITLE)
    assert [t.get_text() for t in fig.axes[1].texts] == ["未披露"]
    _png(fig)


def test_a_frame_without_the_expected_columns_is_a_clear_error():
    with pytest.raises(ValueError, match="expenditure frame lacks column"):
        composition_chart(_income(), pd.DataFrame({"item": ["基本支出"]}), TITLE)


# -- the analysis charts ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    from juesuan.audit import audit_document
    from juesuan.params import load_params

    return audit_document(load_params(Path(__file__).resolve().parents[1] / "params" / "songshan-gov-office.yaml"))


def _analysis_charts(seed):
    from juesuan import charts

    v, p = seed.variance, seed.performance
    return {
        "budget_variance": lambda: charts.budget_variance_chart(v.lines, execution_low_pct=v.execution_low_pct),
        "explained": lambda: charts.explained_variance_chart(v.explained, v.reasons),
        "scores": lambda: charts.score_chart(p.scores),
        "achievement": lambda: charts.achievement_chart(p.indicators, limit=p.target_ratio_limit),
    }


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [
        t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]


@pytest.mark.parametrize("name", ["budget_variance", "explained", "scores", "achievement"])
def test_analysis_charts_render_chinese_reproducibly(seed, name):
    draw = _analysis_charts(seed)[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = _png(draw())
    assert _missing_glyph_warnings(caught) == []
    plt.close("all")
    assert _png(draw()) == first
    assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans SC"


def test_budget_variance_chart_diverges_around_zero(seed):
    from juesuan.charts import budget_variance_chart

    fig = budget_variance_chart(seed.variance.lines)
    left, right = fig.axes
    assert [t.get_text() for t in left.get_yticklabels()][:2] == ["行政运行", "一般行政管理事务"]
    texts = [t.get_text() for t in left.texts]
    assert "-207.89" in texts and "+8.60" in texts and "838.90 → 631.01" in texts
    assert "无年初预算" in [t.get_text() for t in right.texts]
    assert left.get_xlim()[0] < 0 < left.get_xlim()[1]


def test_explained_chart_shows_the_unexplained_remainder(seed):
    from juesuan.charts import explained_variance_chart

    texts = _texts(explained_variance_chart(seed.variance.explained, seed.variance.reasons))
    assert any(t.startswith("未说明 25.78 万元") for t in texts)
    assert any("工资福利支出" in t for t in texts)
    assert any(t.startswith("原因合计与差异一致") for t in texts)


def test_score_chart_marks_the_gap(seed):
    from juesuan.charts import score_chart

    texts = _texts(score_chart(seed.performance.scores))
    assert "声称 100 分（优），复算 90 分（优）" in texts
    assert {"优", "良", "中", "差"} <= set(texts)


def test_a_project_with_only_one_score_keeps_its_own_row():
    """Points sit on their project's row even when an earlier project lacks the claimed score."""
    from juesuan.charts import score_chart

    scores = pd.DataFrame({"project": ["甲项目", "乙项目"], "claimed_score": [float("nan"), 95.0],
                           "recomputed_score": [88.0, 95.0], "claimed_grade": [None, "优"],
                           "recomputed_grade": ["良", "优"]})
    ax = score_chart(scores).axes[0]
    rows = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)}
    claimed, recomputed = ([tuple(p) for p in c.get_offsets().tolist() if None not in p]  # NaN is masked
                           for c in ax.collections[-2:])
    assert claimed == [(95.0, rows["乙项目"])]
    assert recomputed == [(88.0, rows["甲项目"]), (95.0, rows["乙项目"])]


def test_a_chart_is_laid_out_when_returned_and_can_be_laid_out_again(seed):
    from juesuan.charts import budget_variance_chart

    fig = budget_variance_chart(seed.variance.lines)
    before = [ax.get_position().bounds for ax in fig.axes]
    assert fig.get_layout_engine() is None  # saving draws once
    assert before[0][0] > 0.2  # the left margin already holds the long 项 names
    fig.axes[0].set_ylabel("一个很长很长很长很长很长很长的纵轴标题")
    fig.set_layout_engine("constrained")
    _png(fig)
    assert fig.axes[0].get_position().x0 > before[0][0]


def test_achievement_chart_highlights_targets_set_too_low(seed):
    from juesuan.charts import achievement_chart

    fig = achievement_chart(seed.performance.indicators, limit=1.5)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    red = [t.get_text() for t in ax.texts if t.get_color() == "#c62828"]
    assert any(t.startswith("40×（指标值 3000 → 实际 120000.00）") for t in red)
    assert any(t.startswith("0（实际 0）") for t in red)


@pytest.mark.parametrize("name", ["budget_variance", "explained", "scores", "achievement"])
def test_empty_analysis_frames_say_there_is_nothing_to_draw(name):
    from juesuan import charts
    from juesuan.analysis import (
        EXPLAINED_COLUMNS,
        INDICATOR_ANALYSIS_COLUMNS,
        LINE_COLUMNS,
        REASON_COLUMNS,
        SCORE_COLUMNS,
    )

    empty = {c: pd.DataFrame(columns=list(c)) for c in (LINE_COLUMNS, EXPLAINED_COLUMNS, REASON_COLUMNS,
                                                         SCORE_COLUMNS, INDICATOR_ANALYSIS_COLUMNS)}
    fig = {"budget_variance": lambda: charts.budget_variance_chart(empty[LINE_COLUMNS]),
           "explained": lambda: charts.explained_variance_chart(empty[EXPLAINED_COLUMNS], empty[REASON_COLUMNS]),
           "scores": lambda: charts.score_chart(empty[SCORE_COLUMNS]),
           "achievement": lambda: charts.achievement_chart(empty[INDICATOR_ANALYSIS_COLUMNS])}[name]()
    assert len(fig.axes[0].texts) == 1
    _png(fig)


def test_labels_from_the_disclosure_are_text_not_mathtext():
    from juesuan.charts import budget_variance_chart

    lines = pd.DataFrame({"item": ["$x^2$ 科目"], "budget_wan": [10.0], "actual_wan": [5.0], "variance_wan": [-5.0],
                          "execution_pct": [50.0], "material": [True]})
    fig = budget_variance_chart(lines)
    _png(fig)  # a "$" would otherwise be parsed (and fail, or render as math)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["$x^2$ 科目"]


def test_an_analysis_frame_without_its_columns_is_a_clear_error():
    from juesuan.charts import score_chart

    with pytest.raises(ValueError, match="score_chart needs column"):
        score_chart(pd.DataFrame({"project": ["x"]}))
