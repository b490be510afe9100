"""What the extractor did not read: every number in the text that no claim or figure used.

statcheck's lesson (tooling-notes §5): a checker that silently skips what it cannot parse
overstates itself. ``juesuan extract --coverage`` lists the leftovers so an auditor sees them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from .claims import Printed

__all__ = ["unread_numbers"]

_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
# Not figures: dates (2024年12月31日), list numbering (1. / (1) / 第1), ordinal headings.
_NOT_A_FIGURE_AFTER = re.compile(r"^(?:年|月|日|号|季度|\s*[.、．](?!\d)|[)）])")
_NOT_A_FIGURE_BEFORE = re.compile(r"(?:第|[(（])$")


def _walk(obj: Any, out: set[tuple[int, float]], depth: int = 0) -> None:
    if depth > 6 or obj is None:
        return
    if isinstance(obj, Printed):
        out.add((obj.line, round(abs(obj.value), 6)))  # signs are words (增加/减少) or a '-' the token drops
    elif isinstance(obj, pd.DataFrame):
        if "line" in obj.columns:
            for col in obj.columns:
                if col == "line":
                    continue
                for line, v in zip(obj["line"], obj[col]):
                    try:
                        out.add((int(line), round(abs(float(v)), 6)))
                    except (TypeError, ValueError):
                        pass
    elif isinstance(obj, dict):
        for v in obj.values():
            _walk(v, out, depth + 1)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _walk(v, out, depth + 1)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _walk(getattr(obj, f.name), out, depth + 1)
    elif hasattr(obj, "frames") and callable(obj.frames):
        _walk(obj.frames(), out, depth + 1)


def used_numbers(sources: Iterable[Any]) -> set[tuple[int, float]]:
    """``(line, value)`` of every number held by claims, typed figures or tables."""
    out: set[tuple[int, float]] = set()
    for s in sources:
        _walk(s, out)
    return out


def unread_numbers(lines: tuple[str, ...], used: set[tuple[int, float]],
                   sections: dict[int, str] | None = None) -> pd.DataFrame:
    """Every number token of the text whose (line, value) no claim or figure used."""
    rows = []
    for i, line in enumerate(lines, 1):
        for m in _NUMBER.finditer(line):
            after, before = line[m.end(): m.end() + 3], line[max(0, m.start() - 1): m.start()]
            if _NOT_A_FIGURE_AFTER.match(after) or _NOT_A_FIGURE_BEFORE.search(before):
                continue
            if (i, round(float(m.group()), 6)) in used:
                continue
            rows.append({"line": i, "number": m.group(), "section": (sections or {}).get(i, ""),
                         "context": line[max(0, m.start() - 16): m.end() + 8]})
    return pd.DataFrame(rows, columns=["line", "number", "section", "context"])
