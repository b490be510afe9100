"""The disclosure checklist (domain.md §3, S1–S7) and section numbering, as claims.

Only a whole disclosure is held to the checklist: an excerpt (a 三公 note, a procurement page)
is not missing sections, it simply is not the whole document. A document counts as whole when
it has more than half of the standard sections.
"""

from __future__ import annotations

import re

from ..claims import Claim, Kind
from .text import heading_level

__all__ = ["CHECKLIST", "completeness_claims"]

#: (item, words any of which in a heading shows the section is there, source rule)
CHECKLIST: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("部门概况", ("部门概况", "主要职能", "主要职责", "部门职责"), "S1/D3"),
    ("收入支出决算总体情况", ("收入支出决算总体情况", "收支决算总体情况"), "S3"),
    ("收入决算情况", ("收入决算情况",), "S3"),
    ("支出决算情况", ("支出决算情况",), "S3"),
    ("财政拨款收入支出决算总体情况", ("财政拨款收入支出决算总体情况", "财政拨款收支决算总体情况"), "S3"),
    ("一般公共预算财政拨款支出决算情况", ("一般公共预算财政拨款支出决算情况",), "S3/D4"),
    ("一般公共预算财政拨款基本支出决算情况", ("基本支出决算情况",), "S3/D4"),
    ("“三公”经费支出决算情况", ("三公",), "D5"),
    ("政府性基金预算财政拨款支出决算情况", ("政府性基金",), "S7/D10"),
    ("国有资本经营预算财政拨款支出决算情况", ("国有资本经营",), "S7/D10"),
    ("机关运行经费", ("机关运行经费",), "D9"),
    ("政府采购支出决算情况", ("政府采购",), "D3"),
    ("国有资产占用情况", ("国有资产占用", "国有资产使用"), "D8"),
    ("预算绩效情况", ("预算绩效", "绩效自评", "绩效评价"), "D7"),
    ("名词解释", ("名词解释",), "S4"),
)

_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


def _cn_number(s: str) -> int:
    """一…九十九 → int (heading numbers only)."""
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN.get(s[1:], 0)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _CN.get(tens, 0) * 10 + (_CN.get(ones, 0) if ones else 0)
    return _CN.get(s, 0)


_NUM = re.compile(r"^(?:第([一二三四五六七八九十]+)部分|([一二三四五六七八九十]{1,3})、|[(（]([一二三四五六七八九十]{1,3})[)）])")


def _numbering(lines: tuple[str, ...]) -> list[Claim]:
    """A heading that skips, repeats or goes back a number (（一） then （三）, 三、 twice, 五、 then
    三、) — a restart at 一 is a new list, not a problem."""
    out: list[Claim] = []
    last = {1: 0, 2: 0, 3: 0}
    section = ""
    for i, line in enumerate(lines, 1):
        m = _NUM.match(line.strip())
        if not m:
            continue
        level = heading_level(line.strip())
        n = _cn_number(next(g for g in m.groups() if g))
        if level == 2:
            section = line.strip()[:40]
        if n != 1 and last[level] and n != last[level] + 1:
            # a gap (（一） then （三）), a repeat (三、 twice: a section pasted in twice) or a step
            # back (五、 then 三、: sections out of order) — each a numbering problem (S6)
            expected = last[level] + 1
            problem = "gap" if n > expected else "duplicate" if n == last[level] else "out_of_order"
            out.append(Claim(Kind.COMPLETENESS, section, i, line.strip()[:80], {},
                             {"item": "section numbering", "expected": str(expected), "found": str(n),
                              "problem": problem, "present": "no"}, rule="completeness.numbering"))
        last[level] = n
        for deeper in range(level + 1, 4):
            last[deeper] = 0
    return out


def completeness_claims(lines: tuple[str, ...]) -> list[Claim]:
    """Checklist items present or missing, and numbering gaps — for whole disclosures only."""
    # a heading is short; "（三）电子政务…严控“三公”经费支出…" is a paragraph that starts like one
    headings = [(i, ln.strip()) for i, ln in enumerate(lines, 1) if len(ln.strip()) <= 50 and
                (heading_level(ln.strip()) or ln.strip().startswith(("第一部分", "第二部分", "第三部分", "第四部分")))]
    found = {item: next((i for i, h in headings if any(w in h for w in words)), 0)
             for item, words, _src in CHECKLIST}
    # more than half the checklist: an excerpt that happens to carry the part heading is not held to it
    whole = sum(1 for v in found.values() if v) >= 8
    if not whole:
        return []
    out = []
    for item, _words, src in CHECKLIST:
        line = found[item]
        out.append(Claim(Kind.COMPLETENESS, "disclosure checklist", line,
                         lines[line - 1].strip()[:80] if line else f"(no section on {item})", {},
                         {"item": item, "source": src, "present": "yes" if line else "no"},
                         rule="completeness.section_present"))
    return out + _numbering(lines)
