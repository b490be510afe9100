"""The font a page embeds: cut from a font prepared once per machine, the same bytes whatever the cache."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont

from juesuan import fonts

PAGE = "赤峰市松山区人民政府办公室 2024 年度部门决算：合计 885.90 万元，占 98.61%（≤ 100%）●①"
RARE = "镕"  # in Noto Sans SC, not in GB 2312


def _font(woff: bytes) -> TTFont:
    return TTFont(io.BytesIO(woff))


def _fresh(monkeypatch, folder) -> None:
    monkeypatch.setenv(fonts.CACHE_ENV_VAR, str(folder))
    fonts.prepared_font.cache_clear()
    fonts.woff_subset.cache_clear()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A cache folder holding the prepared font, and the page's WOFF cut from it."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        _fresh(mp, folder)
        woff = fonts.woff_subset(PAGE)
        _fresh(mp, folder)
    return folder, woff


@pytest.fixture(autouse=True)
def _forget_the_prepared_font():
    yield
    fonts.prepared_font.cache_clear()
    fonts.woff_subset.cache_clear()


def test_a_page_gets_every_character_it_shows_from_the_prepared_font(prepared):
    folder, woff = prepared
    assert woff[:4] == b"wOFF"
    font = _font(woff)
    assert {ord(c) for c in PAGE} <= set(font.getBestCmap())
    assert "glyf" in font and "CFF " not in font  # cut from the prepared TrueType font
    assert len(list(folder.glob("webfont-*.ttf"))) == 1


def test_the_prepared_font_is_made_once_and_reused(prepared, monkeypatch):
    folder, woff = prepared
    cached = next(folder.glob("webfont-*.ttf"))
    before = cached.stat().st_mtime_ns
    _fresh(monkeypatch, folder)
    assert fonts.woff_subset(PAGE) == woff
    assert cached.stat().st_mtime_ns == before


def test_a_character_outside_the_prepared_set_is_cut_from_the_source_font(prepared, monkeypatch):
    folder, _ = prepared
    _fresh(monkeypatch, folder)
    assert ord(RARE) not in fonts.prepared_font()[1]
    font = _font(fonts.woff_subset(PAGE + RARE))
    assert {ord(c) for c in PAGE + RARE} <= set(font.getBestCmap())


def test_a_damaged_cached_font_is_prepared_again(prepared, monkeypatch, tmp_path):
    folder, woff = prepared
    cached = next(folder.glob("webfont-*.ttf"))
    damaged = tmp_path / "cache"
    damaged.mkdir()
    (damaged / cached.name).write_bytes(cached.read_bytes()[:50_000])  # a copy cut short
    _fresh(monkeypatch, damaged)
    assert fonts.woff_subset(PAGE) == woff
    assert (damaged / cached.name).read_bytes() == cached.read_bytes()


def test_a_cache_folder_that_cannot_be_written_gives_the_same_bytes(prepared, monkeypatch, tmp_path):
    _, woff = prepared
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    _fresh(monkeypatch, blocker / "cache")  # cannot be created: prepared in memory instead
    assert fonts.woff_subset(PAGE) == woff
