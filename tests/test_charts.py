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
    monkeypatch.setattr("juesuan.charts._bundled_font", lambda: None)
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
