"""Claims stated in running text: sums, shares, changes, execution rates.

The text is scanned token by token (:func:`_tokens`: every number with its unit), and each
pattern looks only at the words right around a token, the way a reader does: a change amount
is an amount preceded by a direction word (增加/减少…); its rate is the percentage that follows;
what it is the change *of* is the amount printed just before, or — when the sentence names its
subject without a number (``其中：公务接待费支出决算增加0.01万元``) — the earlier figure whose
words best match that subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..claims import Claim, Kind, Printed
from .text import Segment

__all__ = ["Token", "extract_narrative", "Figure"]

UP = "增加|增长|上升|提高|增多|多支出|超支|增支"
DOWN = "减少|下降|降低|减支|节约|压减|缩减|下滑|减低|少支出"
FLAT = "持平|无变化|保持不变|与上年一致|基本持平"
_UNIT = r"万元|亿元|千元|元|%|个百分点|辆|人次|批次|个|家|台\(套\)|台|项|人|件|次"
_NUM = re.compile(rf"(?<![\d.A-Za-z])(?P<num>-?\d+(?:\.\d+)?)\s*(?P<unit>{_UNIT})?")
_STRONG = "。；;\n!！?？"
_WEAK = ",，:：、"
_DIR_BEFORE = re.compile(rf"(?P<dir>{UP}|{DOWN})(?:了|为|约|达|额为|额)?\s*$")
_PCT_AFTER_CHANGE = re.compile(
    rf"^[,，、]?\s*(?:[^,，。;；\d]{{0,10}}?)(?P<dir>{UP}|{DOWN}|增幅|降幅|幅度|同比)(?:了|为|达|约)?\s*$")
_EXEC_BEFORE = re.compile(
    r"(?:完成|达到|为|占|是)(?:了)?(?:年初|全年|年度|调整后?|当年)?(?:的)?预算(?:数|金额)?的?\s*$"
    r"|预算(?:的)?(?:执行率|完成率|执行进度|完成比例|执行比例|执行比率)(?:为|达|是|达到)?\s*$"
    r"|(?:执行率|完成率)(?:为|达|是|达到)?\s*$")
_SHARE_BEFORE = re.compile(r"占(?P<whole>[^,，。;；%\d]{0,25}?)(?:的)?(?:比重|比例|比)?(?:为|是|达|约)?\s*$")
_LIST_INTRO = re.compile(
    r"^\s*[,，。]?\s*(?P<intro>其中|主要包括|具体包括|包括|主要用于以下方面|主要用于|分别为|分别是|构成为|具体如下)\s*[:：,，]?")
_CMP = re.compile(r"(?<!相)(?:与|比|较|同比)")
_BUDGET_TAIL = re.compile(r"预算(?:数|金额|安排)?(?:为|是|共|合计)?$")
_ACTUAL_TAIL = re.compile(r"(?:决算|决算数|执行数|实际支出|支出|完成)(?:为|是|共|合计)?$")
_NUMBERING = re.compile(r"^(?:\d{1,2}[.、．]|[(（]\d{1,2}[)）]|[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)")


@dataclass
class Token:
    """A printed number in a segment."""

    start: int
    end: int
    text: str
    unit: str
    role: str = ""  # set once a pattern has used the token ("change", "pct", ...)

    @property
    def kind(self) -> str:
        if self.unit in ("万元", "亿元", "千元", "元"):
            return "amt"
        if self.unit == "%":
            return "pct"
        if self.unit == "个百分点":
            return "pp"
        return "cnt" if self.unit else "bare"


@dataclass
class Figure:
    """An amount printed in the text, with the words around it (for subject look-ups)."""

    printed: Printed
    label: str
    context: str
    section: str
    line: int
    order: int = 0
    """Position in reading order (segment index, offset): look-ups only see earlier figures."""
    is_change: bool = False


@dataclass
class _Ctx:
    seg: Segment
    section: str
    toks: list[Token]
    figures: list[Figure]
    base: int = 0
    claims: list[Claim] = field(default_factory=list)


def _tokens(text: str) -> list[Token]:
    out = []
    for m in _NUM.finditer(text):
        after = text[m.end(): m.end() + 1]
        unit = m.group("unit") or ""
        if not unit and after in "年月日号季":  # dates, not figures
            continue
        num = m.group("num")
        if unit == "元" and text[m.start("unit") - 1: m.start("unit")] in "万亿千":
            continue
        out.append(Token(m.start(), m.end(), num, unit))
    return out


def _sentence_start(text: str, pos: int) -> int:
    i = pos - 1
    while i >= 0 and text[i] not in _STRONG:
        i -= 1
    return i + 1


def _clause_start(text: str, pos: int) -> int:
    i = pos - 1
    while i >= 0 and text[i] not in _STRONG + _WEAK:
        i -= 1
    return i + 1


def _label(text: str, tok: Token) -> str:
    """Words printed right before a number, without numbering and filler."""
    s = text[_clause_start(text, tok.start): tok.start]
    s = _NUMBERING.sub("", s.strip())
    return re.sub(r"(?:为|是|约|达到?|共)+$", "", s).strip()


def _printed(ctx: _Ctx, tok: Token) -> Printed:
    return Printed(tok.text.lstrip("+"), tok.unit, ctx.seg.line_at(tok.start), _label(ctx.seg.text, tok))


def _quote(ctx: _Ctx, start: int, end: int) -> str:
    text = ctx.seg.text
    s = max(_clause_start(text, start), 0)
    return text[s:end].replace("\n", "")[:300]


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[\s\d.,，、:：()（）“”\"年度本部门单位]", "", s)
    return {s[i: i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def _lookup(ctx: _Ctx, subject: str, before: int, *, want: str = "", threshold: float = 0.6,
            sentence: str = "") -> Printed | None:
    """The earlier figure whose words best match ``subject`` (None when nothing is close).

    ``sentence`` (the words around the subject) breaks ties between figures with the same
    label, e.g. 公务接待 in this year's budget vs in last year's accounts.
    """
    sb = _bigrams(subject)
    wide = _bigrams(sentence)
    if not sb:
        return None
    best, score = None, 0.0
    for f in ctx.figures:
        if f.is_change or f.order >= ctx.base + before:
            continue
        s = max(len(sb & _bigrams(f.label)) / len(sb), 0.9 * len(sb & _bigrams(f.context)) / len(sb))
        if want and want in f.label:
            s += 0.05
        if wide and s >= threshold:
            s += 0.1 * len(wide & _bigrams(f.context)) / len(wide)
        if s >= score:  # later figures win ties: the nearest mention
            best, score = f, s
    return best.printed if best is not None and score >= threshold else None


def _direction(word: str) -> str:
    if re.fullmatch(UP + "|增幅", word):
        return "inc"
    if re.fullmatch(DOWN + "|降幅", word):
        return "dec"
    return ""


def _prev_amount(ctx: _Ctx, i: int, limit_start: int, *, max_strong: int = 1) -> Token | None:
    """Nearest earlier unused amount token at or after ``limit_start``, crossing few sentence ends."""
    text = ctx.seg.text
    for j in range(i - 1, -1, -1):
        t = ctx.toks[j]
        if t.start < limit_start:
            return None
        between = text[t.end: ctx.toks[i].start]
        if sum(between.count(ch) for ch in _STRONG) > max_strong:
            return None
        if t.kind == "amt" and t.role not in ("change",):
            return t
        if t.kind in ("pct", "pp") and t.role in ("pct", "share", "exec"):
            return None
    return None


# --------------------------------------------------------------------------- changes

def _changes(ctx: _Ctx) -> None:
    text = ctx.seg.text
    for i, t in enumerate(ctx.toks):
        if t.kind != "amt":
            continue
        m = _DIR_BEFORE.search(text[max(0, t.start - 12): t.start])
        if not m:
            continue
        t.role = "change"
        direction = _direction(m.group("dir"))
        word_start = t.start - (len(text[max(0, t.start - 12): t.start]) - m.start())
        sent = _sentence_start(text, word_start)
        prefix = text[sent:word_start]
        numbers: dict[str, Printed | list[Printed]] = {"change": _printed(ctx, t)}
        words = {"direction": direction}
        # the rate that follows: "减少279.11万元，下降23.96%"
        if i + 1 < len(ctx.toks) and ctx.toks[i + 1].kind == "pct":
            p = ctx.toks[i + 1]
            pm = _PCT_AFTER_CHANGE.match(text[t.end: p.start])
            if pm:
                p.role = "pct"
                numbers["pct"] = _printed(ctx, p)
                pd = _direction(pm.group("dir"))
                if pd:
                    words["pct_direction"] = pd
        if re.search(r"原因|主要是|主要用于|一是|二是|三是", prefix) and "pct" not in numbers:
            # "变动原因：一是基本支出减少53.48万元" explains a change; it is not a change claim
            continue
        cmp = None
        for cmp in _CMP.finditer(prefix):
            pass
        budget_kind = "预算" in prefix and "上年" not in prefix[cmp.start():] if cmp else "预算" in prefix
        kind = Kind.BUDGET_DIFF if budget_kind else Kind.YOY
        cur = None
        subject = prefix
        if cmp is not None:
            # an amount inside the comparison ("与年初预算1316.04万元相比") is the base
            base_toks = [b for b in ctx.toks[:i] if sent + cmp.start() <= b.start and b.kind == "amt"
                         and not b.role and "相比" in text[b.end: b.end + 6]]
            if base_toks:
                base_toks[-1].role = base_toks[-1].role or "base"
                numbers["prior"] = _printed(ctx, base_toks[-1])
            head_end = sent + cmp.start()
            subject = text[_clause_start(text, head_end): head_end]
        else:
            head_end = word_start
        # the amount the change is of: printed just before, or named by the subject
        j = max((k for k, b in enumerate(ctx.toks) if b.end <= head_end), default=None)
        if j is not None:
            cand = ctx.toks[j] if ctx.toks[j].kind == "amt" and ctx.toks[j].role != "change" else None
            if cand is not None:
                between = text[cand.end: head_end]
                if len(between) <= 40 and sum(between.count(ch) for ch in _STRONG) <= 1:
                    cur = cand
        if cur is not None and _in_explanation(text, cur.start):
            cur = None
        if cur is None and not _clean_subject(subject):
            cur = _topic_amount(ctx, head_end)
        if cur is not None and (cur.start >= sent or not _clean_subject(subject)):
            numbers["current"] = _printed(ctx, cur)
        else:
            subj = _clean_subject(subject)
            found = _lookup(ctx, subj, t.start, sentence=text[_sentence_start(text, sent - 1): sent] + prefix) \
                if subj else None
            if found is not None:
                numbers["current"] = found
        if "current" not in numbers and "pct" not in numbers and "prior" not in numbers:
            continue
        ctx.claims.append(Claim(kind, ctx.section, ctx.seg.line_at(t.start),
                                _quote(ctx, sent, (ctx.toks[i + 1].end if "pct" in numbers else t.end)),
                                numbers, words, rule=f"arithmetic.{kind}"))


_EXPLAINING = re.compile(r"原因|一是|二是|三是|四是|主要是|主要用于|由于|因为")


def _in_explanation(text: str, pos: int) -> bool:
    s = _sentence_start(text, pos)
    return bool(_EXPLAINING.search(text[s:pos]))


def _topic_amount(ctx: _Ctx, before: int) -> Token | None:
    """The amount the paragraph is about: the nearest earlier amount outside explanations."""
    for t in reversed(ctx.toks):
        if t.end > before or t.kind != "amt" or t.role in ("change", "base"):
            continue
        if _in_explanation(ctx.seg.text, t.start):
            continue
        return t
    return None


def _clean_subject(s: str) -> str:
    s = _NUMBERING.sub("", s.strip(" ,，:：")).strip()
    s = re.sub(r"^(?:其中|另外|此外|同时)[:：,，]?", "", s)
    return s


# --------------------------------------------------------------------------- execution

def _executions(ctx: _Ctx) -> None:
    text = ctx.seg.text
    for i, p in enumerate(ctx.toks):
        if p.kind != "pct" or p.role:
            continue
        before = text[max(0, p.start - 24): p.start]
        if not _EXEC_BEFORE.search(before):
            continue
        p.role = "exec"
        prev_pct = max((t.end for t in ctx.toks[:i] if t.kind == "pct"), default=0)
        window_start = max(prev_pct, _sentence_start(text, _sentence_start(text, p.start) - 1))
        actual = budget = None
        for t in reversed(ctx.toks[:i]):
            if t.start < window_start or t.kind != "amt" or t.role == "change":
                continue
            lab = _label(text, t)
            if _BUDGET_TAIL.search(lab) or ("预算" in lab and "相比" in text[t.end: t.end + 4]):
                budget = budget or t
            elif actual is None:
                actual = t
        if actual is None:
            continue
        numbers: dict[str, Printed | list[Printed]] = {"actual": _printed(ctx, actual)}
        if budget is not None:
            numbers["budget"] = _printed(ctx, budget)
        numbers["pct"] = _printed(ctx, p)
        start = min(actual.start, budget.start if budget else actual.start)
        ctx.claims.append(Claim(Kind.EXECUTION, ctx.section, ctx.seg.line_at(p.start),
                                _quote(ctx, start, p.end), numbers, rule="arithmetic.execution"))
        # "决算数小于预算数" right after the rate
        after = text[p.end: p.end + 40]
        dm = re.search(r"决算数?(大于|高于|超过|小于|低于)(?:年初)?预算数?", after.split("。")[0])
        if dm:
            says = "greater" if dm.group(1) in ("大于", "高于", "超过") else "less"
            ctx.claims.append(Claim(Kind.DIRECTION, ctx.section, ctx.seg.line_at(p.start),
                                    _quote(ctx, start, p.end + dm.end()),
                                    {"pct": _printed(ctx, p)}, {"says": says}, rule="arithmetic.direction"))


# --------------------------------------------------------------------------- shares

def _shares(ctx: _Ctx, heads: dict[int, Token]) -> None:
    text = ctx.seg.text
    run_head: Token | None = None
    for i, p in enumerate(ctx.toks):
        if p.kind != "pct" or p.role:
            continue
        before = text[max(0, p.start - 32): p.start]
        m = _SHARE_BEFORE.search(before)
        if not m:
            continue
        occupies = p.start - (len(before) - m.start())
        p.role = "share"
        part = None
        prev_pct = max((t.end for t in ctx.toks[:i] if t.kind in ("pct", "pp")), default=0)
        for t in reversed(ctx.toks[:i]):
            if t.end <= prev_pct or t.start < _sentence_start(text, occupies):
                break
            if t.kind == "amt" and t.role != "change":
                part = t
                break
        part_p = _printed(ctx, part) if part is not None else None
        if part_p is None:
            subj = _clean_subject(text[_sentence_start(text, occupies): occupies])
            part_p = _lookup(ctx, subj, occupies, threshold=0.9) if subj else None
        if part_p is None:
            continue
        whole_name = m.group("whole").strip()
        whole: Printed | None = None
        if whole_name and len(_bigrams(whole_name)) >= 2:
            whole = _lookup(ctx, whole_name, occupies)
        if whole is None and part is not None:
            j = ctx.toks.index(part)
            if j in heads:
                whole = _printed(ctx, heads[j])
            else:
                if run_head is None or run_head.start > part.start:
                    run_head = _prev_amount(ctx, j, 0, max_strong=2)
                whole = _printed(ctx, run_head) if run_head is not None else None
        if whole is None or (part is not None and whole.line == part_p.line and whole.text == part_p.text
                             and whole.label == part_p.label):
            continue
        ctx.claims.append(Claim(Kind.SHARE, ctx.section, ctx.seg.line_at(p.start),
                                _quote(ctx, part.start if part is not None else occupies, p.end),
                                {"part": part_p, "total": whole, "pct": _printed(ctx, p)},
                                rule="arithmetic.share"))


# --------------------------------------------------------------------------- sums (lists)

def _lists(ctx: _Ctx) -> dict[int, Token]:
    """Totals followed by 其中/包括… and their itemised parts. Returns part index → head token."""
    text = ctx.seg.text
    heads: dict[int, Token] = {}
    for i, h in enumerate(ctx.toks):
        if h.kind != "amt" or h.role == "change":
            continue
        m = _LIST_INTRO.match(text[h.end: h.end + 14])
        if not m:
            continue
        region_start = h.end + m.end()
        rest = text[region_start:]
        numbered = re.match(r"\s*\n?\s*(?:1[.、．]|[(（]1[)）])", rest)
        if numbered:
            region = rest
        else:
            stop = re.search(r"。", rest)
            region = rest[: stop.start()] if stop else rest
        seps = "；;\n" if re.search(r"[；;]", region) or numbered else "，,、\n"
        chunks, pos = [], 0
        for piece in re.split(f"[{re.escape(seps)}]", region):
            chunks.append((region_start + pos, piece))
            pos += len(piece) + 1
        parts: list[Token] = []
        for cstart, piece in chunks:
            cend = cstart + len(piece)
            inside = [t for t in ctx.toks if cstart <= t.start < cend]
            first = next((t for t in inside if t.kind == "amt"), None)
            if first is None:
                continue
            if first.role == "change":
                if not parts:
                    break
                continue
            if not re.search(r"[\u4e00-\u9fff]", text[cstart: first.start]):
                continue
            parts.append(first)
        if len(parts) < 2:
            continue
        shares = [t for t in ctx.toks if t.kind == "pct" and region_start <= t.start < region_start + len(region)]
        intro = m.group("intro")
        for t in parts:
            heads[ctx.toks.index(t)] = h
        words = {}
        if intro in ("其中",) or intro.startswith("主要"):
            total_share = sum(float(s.text) for s in shares) if len(shares) >= len(parts) else 0
            if not 99 <= total_share <= 101:
                words["open"] = "其中"
        ctx.claims.append(Claim(Kind.SUM, ctx.section, ctx.seg.line_at(h.start),
                                _quote(ctx, h.start, parts[-1].end),
                                {"total": _printed(ctx, h), "parts": [_printed(ctx, t) for t in parts]},
                                words, rule="arithmetic.sum"))
    return heads


def _mark_changes(text: str, toks: list[Token]) -> None:
    for t in toks:
        if t.kind == "amt" and _DIR_BEFORE.search(text[max(0, t.start - 12): t.start]):
            t.role = "change"


def extract_narrative(segs: list[tuple[Segment, str]]) -> tuple[list[Claim], list[Figure]]:
    """All narrative claims of the document, plus every amount printed (the figures)."""
    claims: list[Claim] = []
    figures: list[Figure] = []
    for k, (seg, section) in enumerate(segs):
        text = seg.text
        toks = _tokens(text)
        _mark_changes(text, toks)
        base = k * 10_000_000
        ctx = _Ctx(seg, section, toks, figures, base)
        for t in toks:
            if t.kind == "amt":
                figures.append(Figure(_printed(ctx, t), _label(text, t),
                                      text[max(_sentence_start(text, t.start), t.start - 60): t.start],
                                      section, seg.line_at(t.start), base + t.start,
                                      is_change=t.role == "change"))
        heads = _lists(ctx)
        _changes(ctx)
        _executions(ctx)
        _shares(ctx, heads)
        claims.extend(ctx.claims)
    return claims, figures
