"""The CJK font: which file it is, and the glyphs a report page embeds from it.

:func:`font_path` is the font charts draw with and pages embed: the file named by
``$JUESUAN_CJK_FONT``, else Noto Sans SC (OFL) from the ``pylopdf_fonts_zh_cn`` package, so no
system font is ever involved.

A report embeds only the characters it shows (~600 of Noto Sans SC's 31,000 glyphs, ~90 kB of
WOFF), so it reads the same on a machine without any Chinese font. Cutting them straight from
the bundled font costs ~0.3 s a page: its CFF outlines share subroutines that are traced and
rewritten for every subset. So the font is *prepared* once per machine:

* cut to the characters Chinese fiscal text uses — GB 2312's 6,763 hanzi, Latin, punctuation,
  arrows, mathematical and other symbols, CJK punctuation, full-width forms: ~8,000 characters;
* converted to TrueType outlines (quadratic curves within 1 unit of 1,000 of the cubic ones,
  the tolerance font build tools use), whose glyphs subset by copying bytes.

A page then costs ~0.05 s. The prepared font (~2 MB) is kept in the user's cache folder
(``$JUESUAN_CACHE_DIR``, else the platform's, e.g. ``~/.cache/juesuan``) under a name derived
from the source font's bytes, this recipe and the fontTools version; preparing it takes ~6 s,
once, and ``make env`` does it. When the folder cannot be written it is prepared in memory,
once per process, so a page's bytes never depend on the cache. A page with a character outside
the prepared set is cut from the source font directly, as before.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import sys
import warnings
from pathlib import Path

from .findings import atomic_write_bytes

__all__ = ["CACHE_ENV_VAR", "FONT_ENV_VAR", "font_path", "prepared_font", "woff_subset"]

FONT_ENV_VAR = "JUESUAN_CJK_FONT"
"""Environment variable naming a font file (.otf/.ttf) to use instead of the bundled one."""

CACHE_ENV_VAR = "JUESUAN_CACHE_DIR"
"""Environment variable naming the folder for the prepared font (default: the user cache folder)."""

# Bump when the preparation changes: the cached file's name carries it.
_RECIPE = "2"
# Horizontal text needs neither the OpenType layout tables (vertical forms, Latin kerning) nor
# the vertical metrics; deleted before subsetting, they are never even parsed.
_UNUSED_TABLES = ("GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx", "DSIG")
_NAME_IDS = [0, 1, 2, 3, 4, 5, 6]  # the OFL copyright and the family names stay
_MAX_ERROR = 1.0  # font units: how far a quadratic outline may stray from the cubic one


def _repertoire() -> list[int]:
    """The code points the prepared font keeps (those the source font has, of these)."""
    keep = set(range(0x20, 0x250))  # ASCII, Latin-1, Latin Extended-A/B
    # punctuation, number forms (Ⅱ), arrows, maths (≤ −), enclosed numbers (①), shapes (●), dingbats
    keep |= set(range(0x2000, 0x27C0))
    keep |= set(range(0x3000, 0x3100)) | set(range(0x3200, 0x3300))  # CJK punctuation, kana, ㈠
    keep |= set(range(0xFE30, 0xFE50)) | set(range(0xFF00, 0xFFF0))  # CJK compatibility, full-width
    for cp in range(0x4E00, 0xA000):
        with contextlib.suppress(UnicodeEncodeError):
            chr(cp).encode("gb2312")
            keep.add(cp)
    return sorted(keep)


def _bundled_font() -> Path | None:
    """Noto Sans SC from the ``pylopdf_fonts_zh_cn`` package, if it is installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def font_path() -> Path | None:
    """The CJK font to use: ``$JUESUAN_CJK_FONT``, else the bundled font, else None."""
    configured = os.environ.get(FONT_ENV_VAR)
    if configured:
        path = Path(configured).expanduser()
        if path.is_file():
            return path
        warnings.warn(f"{FONT_ENV_VAR}={configured} is not a font file; using the bundled CJK font",
                      stacklevel=3)
    return _bundled_font()


def _cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return platformdirs.user_cache_path("juesuan")


def _prepared_name(source: Path) -> str:
    import fontTools

    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    return f"webfont-{digest}-r{_RECIPE}-ft{fontTools.version}.ttf"


def _subsetter_options(*, flavor: str | None):
    from fontTools import subset

    options = subset.Options()
    options.flavor = flavor
    options.layout_features = []
    options.name_IDs = _NAME_IDS
    # Hints stay: stripping them from CFF costs more time than the bytes it saves (and a
    # TrueType outline from the conversion has none).
    options.hinting = True
    return options


def _open(data: bytes | Path):
    from fontTools.ttLib import TTFont

    # recalcBBoxes=False: the source's bounds stay valid for a subset, and recomputing them
    # means drawing every kept glyph.
    font = TTFont(io.BytesIO(data) if isinstance(data, bytes) else str(data), recalcTimestamp=False,
                  recalcBBoxes=False, lazy=True)
    for table in _UNUSED_TABLES:
        if table in font:
            del font[table]
    return font


def _prepare(source: Path) -> bytes:
    """The source font cut to :func:`_repertoire` with TrueType outlines, as font file bytes."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    font = _open(source)
    subsetter = subset.Subsetter(_subsetter_options(flavor=None))
    subsetter.populate(unicodes=_repertoire())
    subsetter.subset(font)
    if "CFF " in font:  # the otf2ttf recipe from fontTools' snippets
        order = font.getGlyphOrder()
        glyphs = font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder, glyf.glyphs = order, {}
        for name in order:
            pen = TTGlyphPen(glyphs)
            glyphs[name].draw(Cu2QuPen(pen, _MAX_ERROR, reverse_direction=True))
            glyf[name] = pen.glyph()
        font["loca"], font["glyf"] = newTable("loca"), glyf
        del font["CFF "]
        maxp = font["maxp"]
        maxp.tableVersion = 0x00010000
        for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                      "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
            setattr(maxp, field, 0)
        maxp.maxZones = 1
        font["head"].indexToLocFormat = 0
        font["head"].glyphDataFormat = 0
        post = font["post"]
        post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
        font.sfntVersion = "\x00\x01\x00\x00"
        font.recalcBBoxes = True  # new outlines: their bounds are computed on save
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _covered(data: bytes) -> frozenset[int]:
    """The code points a prepared font maps; raises if the bytes are not a TrueType font."""
    font = _open(data)
    if "glyf" not in font:
        raise ValueError("not a prepared font: it has no TrueType outlines")
    return frozenset(font["cmap"].getBestCmap())


def _read_valid(path: Path) -> tuple[bytes, frozenset[int]] | None:
    """The cached prepared font, or None if it is missing or does not parse (it is then rebuilt)."""
    try:
        data = path.read_bytes()
        return data, _covered(data)
    except Exception:  # noqa: BLE001 - missing, truncated, corrupt: prepare it again
        return None


@contextlib.contextmanager
def _building_lock(path: Path):
    """Workers starting together wait for one of them to prepare the font instead of all doing it."""
    try:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_suffix(".lock"), "a")  # noqa: SIM115 - held for the with-block
    except (ImportError, OSError):
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@functools.cache
def prepared_font() -> tuple[bytes, frozenset[int]] | None:
    """The prepared font's bytes and the code points it covers (once per process), or None.

    None when there is no source font, or the source cannot be prepared (then every page is cut
    from the source directly).
    """
    source = font_path()
    if source is None:
        return None
    try:
        path = _cache_dir() / _prepared_name(source)
        cached = _read_valid(path)
        if cached is not None:
            return cached
        data = None
        try:
            with _building_lock(path):
                cached = _read_valid(path)  # another process may have prepared it meanwhile
                if cached is not None:
                    return cached
                data = _prepare(source)
                atomic_write_bytes(path, data)
        except OSError:  # a read-only or full cache folder: prepare it for this process only
            data = data or _prepare(source)
        return data, _covered(data)
    except Exception:  # noqa: BLE001 - a font fontTools cannot convert: pages are cut from the source
        return None


@functools.lru_cache(maxsize=32)
def woff_subset(chars: str) -> bytes | None:
    """WOFF of the bundled font cut to ``chars``; None without a font. Deterministic bytes."""
    from fontTools import subset

    prepared = prepared_font()
    codes = sorted({ord(c) for c in chars})
    if prepared is not None and prepared[1].issuperset(codes):
        font = _open(prepared[0])
    else:
        source = font_path()
        if source is None:
            return None
        font = _open(source)
    subsetter = subset.Subsetter(_subsetter_options(flavor="woff"))
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff"
    font.save(out)
    return out.getvalue()


def main() -> int:
    """``python -m juesuan.fonts``: prepare the font now (``make env`` runs it)."""
    prepared = prepared_font()
    source = font_path()
    if prepared is None:
        print("juesuan.fonts: the CJK font could not be prepared; reports cut it per page (slower)",
              file=sys.stderr)
        return 0
    assert source is not None
    print(f"juesuan.fonts: {_cache_dir() / _prepared_name(source)} "
          f"({len(prepared[0]) / 1e6:.1f} MB, {len(prepared[1])} characters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
