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

__all__ = ["Figure", "Token", "extract_narrative"]

UP = "增加|增长|上升|提高|增多|多支出|超支|增支"
DOWN = "减少|下降|降低|减支|节约|压减|缩减|下滑|减低|少支出"
FLAT = "持平|无变化|保持不变|与上年一致|基本持平"
_UNIT = r"万元|亿元|千元|元|万(?=[,，。;；、\s)）]|$)|%|个百分点|辆|人次|批次|个|家|台\(套\)|台|项|人|件|次"
_NUM = re.compile(rf"(?<![\d.A-Za-z])(?P<num>-?\d+(?:\.\d+)?)\s*(?P<unit>{_UNIT})?")
_STRONG = "。；;\n!！?？"
_WEAK = ",，:：、"
_DIR_BEFORE = re.compile(rf"(?:(?P<dir>{UP}|{DOWN})(?:了|为|约|达|额为|额)?"
                         rf"|(?:上年|同期|年度|预算数?|相比)(?P<dir1>增|减))\s*$")
_PCT_AFTER_CHANGE = re.compile(
    rf"^[,，、]?\s*(?:[^,，。;；\d]{{0,10}}?)(?P<dir>{UP}|{DOWN}|增幅|降幅|减幅|涨幅|幅度|同比|增|减)(?:了|为|达|约)?\s*$")
_EXEC_BEFORE = re.compile(
    r"(?:完成|达到|为|占|是)(?:了)?(?:年初|全年|年度|调整后?|当年)?(?:的)?预算(?:数|金额)?的?\s*$"
    r"|预算(?:的)?(?:执行率|完成率|执行进度|完成比例|执行比例|执行比率)(?:为|达|是|达到)?\s*$"
    r"|(?:执行率|完成率)(?:为|达|是|达到)?\s*$")
_SHARE_BEFORE = re.compile(r"占(?P<whole>[^,，。;；%\d]{0,25}?)(?:的)?(?:比重|比例|比)?(?:为|是|达|约)?\s*$")
_FRAME = re.compile(r"^(?:在)?(?P<frame>[^,，。;；\d%]{4,60}?\d*[^,，。;；\d%]*?)(?<!其)中[,，:：]")
_LIST_INTRO = re.compile(
    r"^\s*[,，。]?\s*(?P<intro>其中|主要包括|具体包括|包括|主要用于以下方面|主要用于|分别为|分别是|构成为|具体如下)\s*[:：,，]?")
_CMP = re.compile(r"相较于?|(?<!相)(?:与|比|较|同比)")
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
    year: int = 0
    """The year printed earlier in the figure's sentence (0 when none)."""


@dataclass
class _Ctx:
    seg: Segment
    section: str
    toks: list[Token]
    figures: list[Figure]
    base: int = 0
    claims: list[Claim] = field(default_factory=list)
    list_ends: dict[int, int] = field(default_factory=dict)
    """Part token index → where its 其中 list ends in the text (see :func:`_lists`)."""
    years: dict[str, int] = field(default_factory=dict)
    """The years of the last comparison read (``cur``/``prior``), for item sentences that omit them."""


def _tokens(text: str) -> list[Token]:
    out = []
    for m in _NUM.finditer(text):
        after = text[m.end(): m.end() + 1]
        unit = m.group("unit") or ""
        if not unit and after in "年月日号季":  # dates, not figures
            continue
        num = m.group("num")
        if unit == "万":  # "合计为1000.86万," — 万元 with the 元 left out
            unit = "万元"
        if unit == "元" and text[m.start("unit") - 1: m.start("unit")] in "万亿千":
            continue
        out.append(Token(m.start(), m.end(), num, unit))
    return out


def _sentence_start(text: str, pos: int) -> int:
    # rfind per boundary character (in C) rather than a Python loop back over the text: this
    # runs for every number, and a long segment without boundaries made that quadratic.
    return max(text.rfind(c, 0, max(pos, 0)) for c in _STRONG) + 1


def _prev_sentence_start(text: str, sent: int) -> int:
    """The start of the sentence before the one starting at ``sent``: a sentence end followed by
    the newline that joined the next line ("。\\n") is one boundary, not two."""
    i = sent
    while i > 0 and text[i - 1] in _STRONG:
        i -= 1
    return _sentence_start(text, i)


_STRONG_RUN = re.compile(f"[{re.escape(_STRONG)}]+")


def _strong_count(s: str) -> int:
    """Sentence ends in ``s``, a run such as "。\\n" counting once."""
    return len(_STRONG_RUN.findall(s))


def _clause_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, max(pos, 0)) for c in _STRONG + _WEAK) + 1  # see _sentence_start


_MAX_LABEL = 200


def _label(text: str, tok: Token) -> str:
    """Words printed right before a number, without numbering and filler."""
    # The words of one clause, at most _MAX_LABEL of them: real labels are under 60 characters,
    # and an unbounded one (a long run with no comma) made every later lookup quadratic.
    s = text[max(_clause_start(text, tok.start), tok.start - _MAX_LABEL): tok.start]
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


def _dir_word(m: re.Match[str]) -> str:
    return m.group("dir") or m.group("dir1") or ""


def _direction(word: str) -> str:
    if re.fullmatch(UP + "|增幅|涨幅|增", word):
        return "inc"
    if re.fullmatch(DOWN + "|降幅|减幅|减", word):
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
        if _strong_count(between) > max_strong:
            return None
        if t.kind == "amt" and t.role not in ("change",):
            return t
        if t.kind in ("pct", "pp") and t.role in ("pct", "share", "exec"):
            return None
    return None


# --------------------------------------------------------------------------- changes

def _changes(ctx: _Ctx, heads: dict[int, Token] | None = None) -> None:
    text = ctx.seg.text
    heads = heads or {}
    for i, t in enumerate(ctx.toks):
        if t.kind != "amt":
            continue
        m = _DIR_BEFORE.search(text[max(0, t.start - 12): t.start])
        if not m:
            continue
        t.role = "change"
        direction = _direction(_dir_word(m))
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
        # against a budget — unless a budget is compared with last year's (预算数比2017年预算数)
        budget_kind = ("预算" in prefix[cmp.start():] and not re.search(r"上年|上一年|同期", prefix[cmp.start():])
                       and "预算" not in prefix[_clause_start(prefix, cmp.start()):cmp.start()]
                       if cmp else "预算" in prefix and not re.search(r"上年|同期", prefix))
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
                if len(between) <= 40 and _strong_count(between) <= 1:
                    cur = cand
        if cur is not None and _in_explanation(text, cur.start):
            cur = None
        if cur is None and not _clean_subject(subject):
            cur = _topic_amount(ctx, head_end)
        if cur is not None and cur.start < sent:
            # "A万元。其中：X a万元；Y b万元。与上年决算相比，减少…": a sentence after a 其中
            # breakdown is about the breakdown's head, not its last part
            k = ctx.toks.index(cur)
            h = heads.get(k)
            if h is not None and h.kind == "amt" and ctx.list_ends.get(k, len(text)) <= sent:
                cur = h
        if cur is not None and (cur.start >= sent or not _clean_subject(subject)):
            numbers["current"] = _printed(ctx, cur)
        else:
            subj = _clean_subject(subject)
            found = _lookup(ctx, subj, t.start, sentence=text[_prev_sentence_start(text, sent): sent] + prefix) \
                if subj else None
            if found is None and subj and _BOTH_TOTALS.match(subj):
                found = _both_totals(ctx, t.start)
            if found is not None:
                numbers["current"] = found
        if kind == Kind.YOY and "prior" not in numbers:
            _year_pair(ctx, numbers, prefix, cmp, _clean_subject(text[_clause_start(text, head_end): head_end]
                                                                 if cmp is None else subject), t.start,
                       direct=cur is not None and cur.start >= sent)
        if kind == Kind.BUDGET_DIFF and "prior" not in numbers and "current" in numbers:
            # "与年初预算相比" without the amount: the budget printed earlier for the same item
            cur_p = numbers["current"]
            assert isinstance(cur_p, Printed)
            budget = _budget_of(ctx, cur_p.label or _clean_subject(subject), t.start)
            if budget is not None and budget != cur_p:
                numbers["prior"] = budget
        if "current" not in numbers and "pct" not in numbers and "prior" not in numbers:
            continue
        ctx.claims.append(Claim(kind, ctx.section, ctx.seg.line_at(t.start),
                                _quote(ctx, sent, (ctx.toks[i + 1].end if "pct" in numbers else t.end)),
                                numbers, words, rule=f"arithmetic.{kind}"))


_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_BOTH_TOTALS = re.compile(r"^(?:(?:19|20)\d\d年度?)?(?:本年度?)?(?:收入支出|收支)(?:总体|总计|总量|总额|规模|决算)?(?:情况)?$")


def _both_totals(ctx: _Ctx, before: int) -> Printed | None:
    """"收入支出总体与上年相比增加A": the subject is 收入总计 = 支出总计 (one figure, printed twice).

    Only when the latest 收入总计 and 支出总计 printed before are the same number."""
    last: dict[str, Printed] = {}
    for f in ctx.figures:
        if f.is_change or f.order >= ctx.base + before:
            continue
        for side in ("收入", "支出"):
            if re.search(rf"{side}(?:总计|总额)$", f.label) or re.fullmatch(rf"(?:(?:19|20)\d\d年度?)?总{side}", f.label):
                last[side] = f.printed
    inc, exp = last.get("收入"), last.get("支出")
    if inc is None or exp is None or inc.text != exp.text or inc.unit != exp.unit:
        return None
    return inc


def _year_pair(ctx: _Ctx, numbers: dict, prefix: str, cmp: re.Match[str] | None, subject: str,
               before: int, *, direct: bool) -> None:
    """"2022年…较2021年度增加A" / "公务接待较上年同期减少B": when both years' figures of the item
    were printed earlier (two parallel lists), they are the current and prior values."""
    cut = cmp.start() if cmp is not None else len(prefix)
    last_amount = max((m.end() for m in _NUM.finditer(prefix[:cut]) if m.group("unit")), default=0)
    own = [int(y) for y in _YEAR.findall(prefix[last_amount:cut])]
    other = [int(y) for y in _YEAR.findall(prefix[cut:])]
    yc = own[-1] if own else 0
    yp = other[0] if other else (yc - 1 if yc and re.search(r"上年|上一年|同期", prefix) else 0)
    if yc and yp and yp < yc:
        ctx.years.update(cur=yc, prior=yp, section=hash(ctx.section))
    elif not own and ctx.years.get("section") == hash(ctx.section):
        yc, yp = ctx.years.get("cur", 0), ctx.years.get("prior", 0)
    else:
        return
    subject = _CMP.split(subject)[0]
    if direct or not subject:
        return
    core = _bigrams(_GENERIC.sub("", _NUMBERING.sub("", subject)))
    if not core:
        return

    def best(year: int) -> Printed | None:
        b, sc = None, 0.0
        for f in ctx.figures:
            if f.is_change or f.year != year or f.order >= ctx.base + before:
                continue
            sc_f = len(core & _bigrams(_GENERIC.sub("", f.label))) / len(core)
            if sc_f >= sc:
                b, sc = f, sc_f
        return b.printed if b is not None and sc >= 0.6 else None

    cur, prior = best(yc), best(yp)
    if cur is not None and prior is not None:
        numbers["current"], numbers["prior"] = cur, prior


_GENERIC = re.compile(r"支出决算数?|决算数?|支出|共计|合计|总计|总额|数$|实际|全年|年初|预算数?|[为是]$")


_ALIAS = re.compile(r"运行(?:维护|维修|维持)费")  # the same 三公 item under its usual names (domain §7.3)


def _budget_of(ctx: _Ctx, subject: str, before: int) -> Printed | None:
    """The budget figure printed earlier for the item ``subject`` names (its words, not totals)."""
    core = _bigrams(_ALIAS.sub("运行费", _GENERIC.sub("", _NUMBERING.sub("", subject))))
    if not core:
        return None
    best, score = None, 0.0
    for f in ctx.figures:
        if f.is_change or f.order >= ctx.base + before or not _BUDGET_TAIL.search(f.label):
            continue
        lab = _bigrams(_ALIAS.sub("运行费", _GENERIC.sub("", f.label)))
        s = len(core & lab) / len(core)
        if s >= score:
            best, score = f, s
    return best.printed if best is not None and score >= 0.75 else None


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
        window_start = max(prev_pct, _prev_sentence_start(text, _sentence_start(text, p.start)))
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
        else:
            # "公务接待费支出决算为0.30万元,完成预算的3.75%": the item's budget printed earlier (a table)
            found = _budget_of(ctx, _label(text, actual), actual.start)
            said = text[_sentence_start(text, actual.start): p.end]
            if found is not None and found.value != 0 and _same_budget(said, found.label):
                numbers["budget"] = found
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
                                    {"pct": _printed(ctx, p)}, {"says": says}, rule="wording.execution_direction"))


def _same_budget(said: str, label: str) -> bool:
    """The budget figure is the one the rate is of: 年初 vs 调整 and the year agree."""
    if ("调整" in label) != ("调整" in said and "年初" not in said):
        return False
    if "上年" in label:
        return False
    ys, yl = _YEAR.findall(said), _YEAR.findall(label)
    return not (ys and yl and ys[-1] != yl[-1])


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
        # a change's own rate ("增加2362万元,增长6.91%,税收占…") does not end the clause's subject
        # tokens come in text order (one finditer), so the latest such rate is the nearest one
        # back; scanning back instead of over all earlier tokens keeps a long segment linear
        prev_pct = next((ctx.toks[j].end for j in range(i - 1, -1, -1)
                         if ctx.toks[j].kind in ("pct", "pp") and ctx.toks[j].role != "pct"), 0)
        for t in reversed(ctx.toks[:i]):
            if t.end <= prev_pct or t.start < _sentence_start(text, occupies):
                break
            if t.kind == "amt" and t.role != "change":
                part = t
                break
            if t.kind == "cnt" and ctx.toks.index(t) in heads and heads[ctx.toks.index(t)].kind == "cnt":
                part = t  # a count item of a count list: its share of the list's count
                break
        part_p = _printed(ctx, part) if part is not None else None
        if part_p is None:
            subj = _clean_subject(text[_sentence_start(text, occupies): occupies])
            part_p = _lookup(ctx, subj, occupies, threshold=0.9) if subj else None
        if part_p is None:
            continue
        whole_name = m.group("whole").strip()
        whole: Printed | None = None
        if whole_name and len(_bigrams(whole_name)) >= 2 and (part is None or part.kind == "amt"):
            whole = _lookup(ctx, whole_name, occupies)
        if whole is None and part is not None:
            # "…经费支出决算中，A支出决算x万元，占p%": the whole is what the frame names
            sent = max(text.rfind("。", 0, part.start), text.rfind("\n", 0, part.start)) + 1
            fm = _FRAME.match(text[sent: part.start])
            if fm and len(_bigrams(fm.group("frame"))) >= 3:
                frame = fm.group("frame")
                want = "决算" if "决算" in frame else "预算" if "预算" in frame else ""
                whole = _lookup(ctx, frame, sent, want=want)
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
        if h.kind not in ("amt", "cnt") or h.role == "change":
            continue
        m = _LIST_INTRO.match(text[h.end: h.end + 14])
        if h.kind == "cnt":
            # "抽审的41个项目审核等级为:1个项目评为优…;3个项目评为良…": a count broken down by count
            m = m or _COUNT_INTRO.match(text[h.end: h.end + 24])
        if not m:
            continue
        region_start = h.end + m.end()
        rest = text[region_start:]
        # "1." opens a numbered list only when no digit follows ("其中:1.0万元" is an amount),
        # the same rule as _MARK — a mismatch made _numbered_region fail on "0元其中:1.0" (fuzz)
        numbered = re.match(r"\s*\n?\s*(?:1[.、．](?!\d)|[(（]1[)）])", rest)
        nested: list[tuple[int, int]] = []
        if numbered:
            region, nested = _numbered_region(rest)
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
            if any(a <= cstart - region_start < b for a, b in nested):
                continue  # a sub-item of an item: part of that item, not of the total
            inside = [t for t in ctx.toks if cstart <= t.start < cend]
            first = next((t for t in inside if t.kind == h.kind and (h.kind == "amt" or t.unit == h.unit)), None)
            if first is None:
                continue
            if first.role == "change":
                if not parts:
                    break
                continue
            named = text[cstart: first.start] if h.kind == "amt" else text[cstart: cend].replace(first.unit, "", 1)
            if not re.search(r"[\u4e00-\u9fff]", named):
                continue
            parts.append(first)
        if len(parts) < 2:
            continue
        if len({lv for t in parts for lv in re.findall(r"[一二三四]级", text[_clause_start(text, t.start): t.end + 6])}) > 1:
            continue  # 一级项目 / 二级项目: nested levels, not parts of one total
        shares = [t for t in ctx.toks if t.kind == "pct" and region_start <= t.start < region_start + len(region)]
        intro = m.group("intro")
        for t in parts:
            heads[ctx.toks.index(t)] = h
            ctx.list_ends[ctx.toks.index(t)] = region_start + len(region)
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


_MARK = re.compile(r"\s*(?:(?P<l1>[一二三四五六七八九十]{1,3})、|[(（](?P<l2>[一二三四五六七八九十]{1,3})[)）]"
                   r"|(?P<l3>\d{1,2})[.、．](?!\d)|[(（](?P<l4>\d{1,2})[)）])")
_CN_DIGITS = {c: k for k, c in enumerate("一二三四五六七八九十", 1)}


def _mark(text: str, pos: int) -> tuple[int, int] | None:
    """The numbering mark at ``pos``: (level, number) — 一、 1, （一） 2, 1. 3, （1） 4."""
    m = _MARK.match(text, pos)
    if not m:
        return None
    for level in (1, 2, 3, 4):
        g = m.group(f"l{level}")
        if g:
            return level, int(g) if g.isdigit() else _CN_DIGITS.get(g, 0)
    return None


def _numbered_region(rest: str) -> tuple[str, list[tuple[int, int]]]:
    """A numbered list (``1.`` or ``（1）`` items from the start of ``rest``) ends where the
    enclosing numbering goes on (``3.`` after ``（1）（2）``, ``（三）``, ``二、``) or a new list of
    the same level starts; the spans (offsets in ``rest``) of deeper sub-items are returned too."""
    first = _mark(rest, 0)
    assert first is not None
    level, want = first[0], first[1] + 1
    nested: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in re.compile(r"[\n。；;]+").finditer(rest, _MARK.match(rest).end()):
        mk = _mark(rest, m.end())
        if mk is None:
            continue
        if mk[0] > level:
            open_at = m.end() if open_at is None else open_at
            continue
        if open_at is not None:
            nested.append((open_at, m.end()))
            open_at = None
        if mk[0] < level or mk[1] != want:
            return rest[: m.start() + 1], nested
        want += 1
    if open_at is not None:
        nested.append((open_at, len(rest)))
    return rest, nested


_COUNT_INTRO = re.compile(r"^[^,，。;；:：\d%]{0,14}?(?P<intro>分别为|为|如下|其中)\s*[:：]")


_SENT_INTRO = re.compile(r"(?:其中|包括)\s*[:：,，]?")
_ITEM_NUM = re.compile(r"(?:^|(?<=[\n。；;]))\s*(?:\d{1,2}[.、．](?!\d)|[(（]\d{1,2}[)）])")
_SANGONG = ("出国", "公务接待", "公务用车")
_KIND_WORDS = ("决算", "预算", "执行", "收入", "支出")


def _similar(a: str, b: str) -> float:
    x = _bigrams(_GENERIC.sub("", _NUMBERING.sub("", a)))
    return len(x & _bigrams(_GENERIC.sub("", b))) / len(x) if x else 0.0


def _parallel_sums(ctx: _Ctx, head_toks: list[Token], text: str, region_start: int,
                   pieces: list[str], end: int) -> None:
    """Items that repeat the head sentence's figures (``计划金额共计A…实际金额共计B…`` per
    category, in ``;``-separated clauses and the sentences that continue the pattern): each
    head figure is the total of the same-named figure of every item (an open list)."""
    heads = [h for h in head_toks if h.kind in ("amt", "cnt") and h.role != "base"
             and not _in_explanation(text, h.start)]
    if len(heads) < 2:
        return
    spans = []
    pos = region_start
    for piece in pieces:
        a = text.find(piece, pos)
        if a < 0:
            return
        spans.append((a, a + len(piece)))
        pos = a + len(piece)
    # sentences after the list that continue the same pattern
    while pos < len(text) and text[pos] in "。；;":
        nxt = re.search(r"[。；;\n]|$", text[pos + 1:])
        b = pos + 1 + (nxt.start() if nxt else 0)
        toks = [t for t in ctx.toks if pos < t.start < b]
        if not any(_similar(_label(text, heads[0]), _label(text, t)) >= 0.75 for t in toks):
            break
        spans.append((pos + 1, b))
        pos = b
    if len(spans) < 2:
        return
    for h in heads:
        hl = _label(text, h)
        parts = []
        for a, b in spans:
            cands = [t for t in ctx.toks if a <= t.start < b and t.kind == h.kind
                     and (t.kind != "cnt" or t.unit == h.unit) and _similar(hl, _label(text, t)) >= 0.75]
            if len(cands) != 1:
                break
            parts.append(cands[0])
        else:
            ctx.claims.append(Claim(Kind.SUM, ctx.section, ctx.seg.line_at(h.start), _quote(ctx, h.start, pos),
                                    {"total": _printed(ctx, h), "parts": [_printed(ctx, t) for t in parts]},
                                    {"open": "其中"}, rule="arithmetic.sum"))


def _signed_change(ctx: _Ctx, t: Token) -> Printed:
    text = ctx.seg.text
    m = _DIR_BEFORE.search(text[max(0, t.start - 12): t.start])
    p = _printed(ctx, t)
    if m and _direction(_dir_word(m)) == "dec" and not p.text.startswith("-"):
        return Printed("-" + p.text, p.unit, p.line, p.label)
    return p


def _sentence_lists(ctx: _Ctx) -> None:
    """A 其中/包括 list that follows a whole sentence: the sentence's amount (and its change) is
    the total of the items' amounts (and of their changes).

    ``总收入67949万元,…比上年同期增加6517万元,增长10.61%。其中:A完成51653万元,增加6455万元…;
    B…`` gives 67949 = ΣA… and, when the list is complete, 6517 = Σ changes. A list is complete
    when its amounts add up to the total or it names all three 三公 items; a partial list of
    changes with mixed signs says nothing and gives no claim.
    """
    text = ctx.seg.text
    for m in _SENT_INTRO.finditer(text):
        before = text[:m.start()].rstrip()
        if not before or before[-1] not in "。,，;；%" and not before.endswith("如下"):
            continue
        prev = [t for t in ctx.toks if t.end <= m.start()]
        if prev and m.start() - prev[-1].end <= 3 and prev[-1].kind == "amt" and prev[-1].role != "change":
            continue  # "…万元,其中" is read by _lists
        sent = max(text.rfind("。", 0, len(before) - 1), text.rfind("\n", 0, len(before) - 1)) + 1
        head_toks = [t for t in ctx.toks if sent <= t.start < m.start()]
        head = next((t for t in head_toks if t.kind == "amt" and t.role not in ("change", "base")
                     and not _in_explanation(text, t.start)), None)
        head_change = next((t for t in head_toks if t.kind == "amt" and t.role == "change"), None)
        if head is None and head_change is None:
            continue
        if _FRAME.match(text[sent:m.start()]) or re.search(r"[；;]", text[sent:m.start()]):
            continue  # the sentence is itself a list ("…决算中,A…;B…"), not a total
        region_start = m.end()
        rest = text[region_start:]
        first_end = re.search(r"[。\n]", rest)
        first = rest[: first_end.start()] if first_end else rest
        if len(first.strip()) > 3 and re.search(r"[；;]", first):
            pieces = re.split(r"[；;]", first)
        elif len(first.strip()) > 3 and not _ITEM_NUM.match(rest):
            pieces = re.split(r"[,，、]", first) if not re.search(r"\d", first[:2]) else [first]
            pieces = [first] if len([p for p in pieces if re.search(r"\d", p)]) < 2 else pieces
            if len(pieces) == 1:
                continue
        else:
            starts = [x.end() for x in _ITEM_NUM.finditer(rest)]
            if len(starts) >= 2:
                pieces = [rest[a: b] for a, b in zip(starts, starts[1:] + [len(rest)])]
            else:
                pieces = []
                for sentence in re.split(r"[。\n]", rest):
                    if not sentence.strip():
                        continue
                    if _NUMBERING.match(sentence.strip()) or not re.match(r"\s*[\u4e00-\u9fff]", sentence):
                        break
                    pieces.append(sentence)
        # locate pieces in the text
        items = []
        pos = region_start
        for piece in pieces:
            a = text.find(piece, pos)
            if a < 0:
                break
            pos = a + len(piece)
            toks = [t for t in ctx.toks if a <= t.start < pos]
            amts = [t for t in toks if t.kind == "amt" and t.role not in ("change", "base")
                    and not _in_explanation(text, t.start)]
            chg = next((t for t in toks if t.kind == "amt" and t.role == "change"
                        and not _in_explanation(text, t.start)), None)
            if head is not None and len(amts) > 1:
                want = [w for w in _KIND_WORDS if w in _label(text, head)]
                amts = [t for t in amts if any(w in _label(text, t) for w in want)] if want else []
                amts = amts[:1] if len(amts) == 1 else []
            items.append((piece, amts[0] if amts else None, chg))
        _parallel_sums(ctx, head_toks, text, region_start, pieces, pos)
        if len(items) < 2:
            continue
        quote = _quote(ctx, sent, pos)
        line = ctx.seg.line_at(head.start if head is not None else head_change.start)
        complete = False
        if head is not None and all(a is not None for _, a, _c in items):
            # "年初预算为A万元,支出决算为B万元,…其中:X决算为…": the head is the figure of the items' kind
            common = [w for w in ("决算", "预算") if all(w in _label(text, a) for _, a, _c in items)]
            if len(common) == 1 and common[0] not in _label(text, head):
                alt = [t for t in head_toks if t.kind == "amt" and t.role not in ("change", "base")
                       and not _in_explanation(text, t.start) and common[0] in _label(text, t)]
                if len(alt) == 1:
                    head = alt[0]
                    line = ctx.seg.line_at(head.start)
            parts = [_printed(ctx, a) for _, a, _c in items]
            total = _printed(ctx, head)
            acc_lo = sum(p.interval().lo for p in parts)
            acc_hi = sum(p.interval().hi for p in parts)
            complete = acc_lo <= total.interval().hi and acc_hi >= total.interval().lo
            ctx.claims.append(Claim(Kind.SUM, ctx.section, line, quote, {"total": total, "parts": parts},
                                    {"open": "其中"}, rule="arithmetic.sum"))
        if head_change is not None and all(c is not None for _, _a, c in items):
            names = "".join(p for p, _a, _c in items)
            complete = complete or (len(items) == 3 and all(w in names for w in _SANGONG))
            parts = [_signed_change(ctx, c) for _, _a, c in items]
            signs = {p.text.startswith("-") for p in parts if p.value != 0}
            if not complete and len(signs) > 1:
                continue
            if not complete and signs == {True}:
                # all decreases: compare magnitudes so that a shortfall stays a shortfall
                parts = [_printed(ctx, c) for _, _a, c in items]
                total = _printed(ctx, head_change)
            else:
                total = _signed_change(ctx, head_change)
            words = {} if complete else {"open": "其中"}
            ctx.claims.append(Claim(Kind.SUM, ctx.section, ctx.seg.line_at(head_change.start), quote,
                                    {"total": total, "parts": parts}, words, rule="arithmetic.sum",
                                    note="total change = sum of the items' changes"))


_SAVING = re.compile(r"(?:节约|节省)(?:资金|金额|财政资金)?(?:共计|合计|为|了|达)?\s*$")
_PLANNED = re.compile(r"计划|预算")
_ACTUAL = re.compile(r"实际|成交|中标|合同")
_SAVING_RATE = re.compile(r"^\s*[,，]?\s*(?:资金)?(?:节约|节省)率(?:为|达|是)?\s*$")


def _savings(ctx: _Ctx) -> None:
    """"计划金额A万元,实际采购金额B万元,节约资金C万元,节约率D%": C = A − B and D = C / A."""
    text = ctx.seg.text
    for i, t in enumerate(ctx.toks):
        if t.kind != "amt" or not _SAVING.search(text[max(0, t.start - 12): t.start]):
            continue
        planned = actual = None
        for b in reversed(ctx.toks[:i]):
            if b.kind != "amt":
                continue
            if _SAVING.search(text[max(0, b.start - 12): b.start]) or text.count("。", b.end, t.start):
                break
            lab = _label(text, b)
            if actual is None and _ACTUAL.search(lab) and planned is None:
                actual = b
            elif planned is None and _PLANNED.search(lab) and not _ACTUAL.search(lab):
                planned = b
            if planned is not None and actual is not None:
                break
        if planned is None or actual is None:
            continue
        t.role = "change"
        q = _quote(ctx, planned.start, t.end)
        ctx.claims.append(Claim(Kind.BUDGET_DIFF, ctx.section, ctx.seg.line_at(t.start), q,
                                {"current": _printed(ctx, actual), "prior": _printed(ctx, planned),
                                 "change": _printed(ctx, t)}, {"direction": "dec"}, rule="arithmetic.budget_diff"))
        if i + 1 < len(ctx.toks) and ctx.toks[i + 1].kind == "pct" and not ctx.toks[i + 1].role \
                and _SAVING_RATE.match(text[t.end: ctx.toks[i + 1].start].replace("万元", "", 0)):
            p = ctx.toks[i + 1]
            p.role = "share"
            ctx.claims.append(Claim(Kind.SHARE, ctx.section, ctx.seg.line_at(p.start), _quote(ctx, t.start, p.end),
                                    {"part": _printed(ctx, t), "total": _printed(ctx, planned),
                                     "pct": _printed(ctx, p)}, rule="arithmetic.share"))


_AVERAGE = re.compile(r"(?:平均每|人均|平均每一)(?P<unit>辆|人|台|个|次|户|家|件|项)?[^,，。;；\d%]{0,12}?(?:为|是|约|达)?\s*$")


def _averages(ctx: _Ctx) -> None:
    """"全年车辆运行费A万元,平均每辆车运行维护费C万元" after "车辆…N辆": C = A / N.

    The amount and the count are the latest ones of the same sentence before the average, the
    count in the unit the average is per (每辆 → 辆; 人均 → 人)."""
    text = ctx.seg.text
    for i, t in enumerate(ctx.toks):
        if t.kind != "amt" or t.role:
            continue
        m = _AVERAGE.search(text[max(0, t.start - 20): t.start])
        if not m:
            continue
        unit = m.group("unit") or ("人" if "人均" in m.group() else "")
        if not unit:
            continue
        sent = _sentence_start(text, t.start)
        earlier = [b for b in ctx.toks[:i] if b.start >= sent]
        total = next((b for b in reversed(earlier) if b.kind == "amt" and b.role != "change"), None)
        count = next((b for b in reversed(earlier) if b.kind == "cnt" and b.unit == unit), None)
        if total is None or count is None or total.unit != t.unit or float(count.text) == 0:
            continue
        t.role = "average"
        ctx.claims.append(Claim(Kind.SHARE, ctx.section, ctx.seg.line_at(t.start),
                                _quote(ctx, min(total.start, count.start), t.end),
                                {"total": _printed(ctx, total), "count": _printed(ctx, count),
                                 "average": _printed(ctx, t)}, rule="arithmetic.share",
                                note="average = amount / count"))


_APPROP_TOTAL = re.compile(r"(?:^|年度?|本年度?)财政拨款收入(?:总计|合计|总额)?$")
_APPROP_PARTS = ("一般公共预算", "政府性基金预算", "国有资本经营预算")


def _appropriation_total(ctx: _Ctx) -> None:
    """"财政拨款收入总计A" after the income list printed 一般公共预算财政拨款收入 B and 政府性基金预算
    财政拨款收入 C: A is made of the appropriation lines of the three budgets (plus, in a 总计, the
    appropriations carried over from last year — so only an excess of the lines is an error)."""
    text = ctx.seg.text
    for t in ctx.toks:
        if t.kind != "amt" or t.role or not _APPROP_TOTAL.search(_label(text, t)):
            continue
        if _in_explanation(text, t.start):
            continue
        ys = _YEAR.findall(text[_sentence_start(text, t.start): t.start])
        year = int(ys[-1]) if ys else 0
        found: dict[str, Printed] = {}
        for f in ctx.figures:
            if f.is_change or f.order >= ctx.base + t.start or (year and f.year and f.year != year):
                continue
            for name in _APPROP_PARTS:
                if re.fullmatch(rf"(?:(?:19|20)\d\d年度?)?(?:其中[:：]?)?{name}财政拨款(?:收入)?", f.label):
                    found[name] = f.printed
        if len(found) < 2:
            continue
        parts = [found[n] for n in _APPROP_PARTS if n in found]
        ctx.claims.append(Claim(Kind.CROSS_REF, ctx.section, ctx.seg.line_at(t.start), _quote(ctx, t.start, t.end),
                                {"total": _printed(ctx, t), "parts": parts}, {"open": "其中"},
                                rule="arithmetic.cross_ref",
                                note="财政拨款收入 = the appropriation lines of the income list"))


# A total change explained item by item ("…增加A万元,主要原因是:1、公务用车购置增加B…2、…"): the
# items of a known breakdown of the total, each with its own change. scheme → item → pattern.
_SCHEMES: dict[str, dict[str, str]] = {
    "sangong": {"abroad": r"出国", "car": r"(?:公务)?用车购置及运行|公务用车(?:费|支出)",
                "car_buy": r"(?:公务用车|车辆)购置(?!及)", "car_run": r"(?<!及)(?:公务用车|车辆)?运行(?:维护|维修)?费?",
                "recv": r"接待"},
    "basic": {"wage": r"工资福利", "goods": r"商品和服务", "household": r"对个人和家庭", "capital": r"资本性"},
    "basic2": {"personnel": r"人员经费", "public": r"公用经费"},
    "nature": {"basic": r"基本支出", "project": r"项目支出"},
}
_COMPLETE = {"sangong": [{"abroad", "car", "recv"}, {"abroad", "car_buy", "car_run", "recv"}],
             "basic": [{"wage", "goods", "household"}], "basic2": [{"personnel", "public"}],
             "nature": [{"basic", "project"}]}
_REASON_NOISE = re.compile(r"原因|由于|因为|主要是|主要用于|导致|用于")


def _scheme_of(subject: str) -> list[str]:
    """The breakdowns a total's subject is known to have (none when it is not such a total)."""
    if "三公" in subject:
        return ["sangong"]
    if re.search(r"基本支出", subject) and not re.search(r"项目支出", subject):
        return ["basic", "basic2"]
    if (re.search(r"支出", subject) and not re.search(r"总计|项目支出|经费|工资|商品|补助|收入|人员|公用", subject)):
        return ["nature"]
    return []


def _item_of(scheme: str, words: str) -> str:
    hits = [k for k, pat in _SCHEMES[scheme].items() if re.search(pat, words)]
    if scheme == "sangong" and "car" in hits:
        hits = [h for h in hits if h not in ("car_buy", "car_run")]
    return hits[0] if len(hits) == 1 else ""


def _against_budget(prefix: str) -> bool:
    """The change is measured against a budget (与年初预算相比), not against last year."""
    cmp = None
    for cmp in _CMP.finditer(prefix):
        pass
    tail = prefix[cmp.start():] if cmp is not None else prefix
    return "预算" in tail and not re.search(r"上年|上一年|同期|(?:19|20)\d\d年", tail)


def _reason_sums(ctxs: list[_Ctx], claims: list[Claim]) -> list[Claim]:
    """A total change followed by the changes of the items of a known breakdown of it.

    ``“三公”经费…增加275.76万元,主要原因是:1、公务用车购置增加126.72万元…2、公务用车运行维护费
    增加144.71万元…3、公务接待费增加4.34万元…`` gives 275.76 = 126.72 + 144.71 + 4.34. The items
    are read in the rest of the paragraph and the numbered paragraphs that follow it; items
    outside the breakdown (会议费, 培训费 next to “三公”) are left out, an item said to be 持平/无变化
    counts as 0. The breakdowns: “三公” = 出国 + 公务用车 (购置 + 运行) + 接待; 基本支出 = 工资福利 +
    商品和服务 + 对个人和家庭的补助 (or 人员经费 + 公用经费); an expenditure = 基本支出 + 项目支出. When
    the list does not name every item it is open (only an excess is checked), and an open list
    with rises and falls says nothing.
    """
    out: list[Claim] = []
    done = {(p.line, p.text.lstrip("-")) for c in claims if c.kind == Kind.SUM
            for p in [c.numbers["total"]] if isinstance(p, Printed)}
    for k, ctx in enumerate(ctxs):
        text = ctx.seg.text
        for t in ctx.toks:
            if t.kind != "amt" or t.role != "change":
                continue
            sent = _sentence_start(text, t.start)
            subject = text[sent: t.start]
            if _REASON_NOISE.search(subject) or (ctx.seg.line_at(t.start), t.text) in done:
                continue
            schemes = _scheme_of(_CMP.split(subject)[0])
            if not schemes or any(_item_of(sc, subject) for sc in schemes):
                continue
            claim = None
            for scheme in schemes:
                claim = _reason_claim(ctxs, k, t, scheme)
                if claim is not None:
                    break
            if claim is not None:
                out.append(claim)
    return out


def _reason_claim(ctxs: list[_Ctx], k: int, total: Token, scheme: str) -> Claim | None:
    items: dict[str, Printed] = {}
    ctx0 = ctxs[k]
    pieces: list[tuple[_Ctx, int, int]] = []
    text0 = ctx0.seg.text
    pieces.append((ctx0, total.end, len(text0)))
    for ctx in ctxs[k + 1: k + 8]:
        first = ctx.seg.text.lstrip()
        if ctx.section != ctx0.section or not (_NUMBERING.match(first) or re.match(r"[一二三四五六七八九十]是", first)):
            break
        if re.match(r"^(?:[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)", first):
            break
        pieces.append((ctx, 0, len(ctx.seg.text)))
    dup = False
    last: tuple[_Ctx, int] | None = None
    budget = _against_budget(text0[_sentence_start(text0, total.start): total.start])
    foreign: list[Printed] = []
    for ctx, a, b in pieces:
        text = ctx.seg.text
        stop = False
        for clause in re.finditer(r"[^,，。;；\n]+", text[a:b]):
            ca, cb = a + clause.start(), a + clause.end()
            sent = _sentence_start(text, ca)
            toks = [t for t in ctx.toks if ca <= t.start < cb and t.kind == "amt" and t.role == "change"]
            flat = re.search(FLAT, text[ca:cb])
            if not toks and not flat:
                continue
            if toks and _scheme_of(_CMP.split(text[sent: toks[0].start])[0]) and not any(
                    _item_of(scheme, text[sent: toks[0].start]) for _ in [0]):
                stop = True  # another total starts here
                break
            prefix = text[sent: toks[0].start if toks else ca + flat.end()]
            if _REASON_NOISE.search(prefix):
                continue
            if _CMP.search(prefix) and _against_budget(prefix) != budget:
                continue  # a change against the budget is not a part of a change on last year (or back)
            words = text[ca: toks[0].start] if toks else ""
            item = _item_of(scheme, words) or _item_of(scheme, prefix)
            if not item:
                if toks and re.search(r"[\u4e00-\u9fff]{2}", _NUMBERING.sub("", words.strip())):
                    foreign.append(_signed_change(ctx, toks[0]))
                continue
            if item in items:
                dup = True
                break
            items[item] = _signed_change(ctx, toks[0]) if toks else Printed("0", "万元", ctx.seg.line_at(ca), item)
            last = (ctx, cb)
        if stop or dup:
            break
    if dup or len(items) < 2 or last is None:
        return None
    parts = list(items.values())
    complete = any(req <= set(items) for req in _COMPLETE[scheme])
    if scheme == "sangong" and foreign and complete:
        # “三公” printed together with 会议费/培训费: the total may include them; take the reading
        # the numbers support (when neither does, both readings are wrong)
        def fits(ps: list[Printed]) -> bool:
            lo = sum(p.interval().lo for p in ps)
            hi = sum(p.interval().hi for p in ps)
            tot = _signed_change(ctx0, total).interval()
            return lo <= tot.hi and hi >= tot.lo
        if not fits(parts) and fits(parts + foreign):
            parts = parts + foreign
    if scheme == "basic" and not complete:
        return None
    signs = {p.text.startswith("-") for p in parts if p.value != 0}
    if not complete and len(signs) > 1:
        return None
    if not complete and signs == {True}:
        parts = [Printed(p.text.lstrip("-"), p.unit, p.line, p.label) for p in parts]
        tot = Printed(total.text, total.unit, ctx0.seg.line_at(total.start), _label(text0, total))
    else:
        tot = _signed_change(ctx0, total)
    quote = _quote(ctx0, _sentence_start(text0, total.start), total.end)
    return Claim(Kind.SUM, ctx0.section, ctx0.seg.line_at(total.start), quote, {"total": tot, "parts": parts},
                 {} if complete else {"open": "其中"}, rule="arithmetic.sum",
                 note="total change = sum of the items' changes given as its reasons")


_GRAND = re.compile(r"(?:总(收入|支出)|(收入|支出)总计)$")
_THIS_YEAR = re.compile(r"^(?:其中[:：]?)?本年(?:度)?(收入|支出)(?:合计|决算)?$")
_CARRY = re.compile(r"结转|结余")
_ITEM_START = re.compile(r"(?:^|(?<=[\n。；;]))\s*(\d{1,2})[.、．](?!\d)")


def _items_after(ctxs: list[_Ctx], k: int, start: int) -> list[tuple[_Ctx, int, int]]:
    """The numbered items ``1.`` ``2.`` … that follow ``start`` in segment ``k`` and in the
    numbered segments right after it (same section): (segment, start, end) per item."""
    spans: list[tuple[_Ctx, int]] = []
    ctx0 = ctxs[k]
    want = 1
    for j, ctx in enumerate(ctxs[k: k + 12]):
        if j and (ctx.section != ctx0.section or not _ITEM_START.match(ctx.seg.text)):
            break
        for m in _ITEM_START.finditer(ctx.seg.text, start if j == 0 else 0):
            if int(m.group(1)) != want:
                if spans:
                    break
                continue
            spans.append((ctx, m.end()))
            want += 1
    out = []
    for n, (ctx, a) in enumerate(spans):
        nxt = spans[n + 1] if n + 1 < len(spans) else None
        b = nxt[1] if nxt is not None and nxt[0] is ctx else len(ctx.seg.text)
        if nxt is not None and nxt[0] is ctx:
            b = ctx.seg.text.rfind(str(n + 2), a, b)
        out.append((ctx, a, b))
    return out


def _subtotal_sums(ctxs: list[_Ctx]) -> list[Claim]:
    """"总收入A万元,其中本年收入B万元,较上年减少C…" followed by numbered items ``1.一般公共预算财政
    拨款收入…2.上级补助收入…3.上年结转和结余…``: the items that are carried-over funds (结转/结余)
    complete the grand total (A = B + carried), the others are the parts of this year's B, and
    their changes the parts of B's change. Open lists (an item may be left unsaid): only an
    excess is checked, and changes with mixed signs only when the amounts add up to B."""
    out: list[Claim] = []
    for k, ctx in enumerate(ctxs):
        text = ctx.seg.text
        for i, h in enumerate(ctx.toks):
            if h.kind != "amt" or h.role == "change":
                continue
            g = _GRAND.search(_label(text, h))
            if not g or not _LIST_INTRO.match(text[h.end: h.end + 6]):
                continue
            side = g.group(1) or g.group(2)
            sub = next((t for t in ctx.toks[i + 1: i + 2] if t.kind == "amt" and t.role != "change"), None)
            sm = _THIS_YEAR.match(_label(text, sub)) if sub is not None else None
            if sub is None or not sm or sm.group(1) != side:
                continue
            send = re.search(r"[。\n]|$", text[sub.end:]).start() + sub.end
            sub_change = next((t for t in ctx.toks if sub.end <= t.start < send and t.role == "change"), None)
            carried, own, changes = [], [], []
            for ictx, a, b in _items_after(ctxs, k, send):
                itext = ictx.seg.text
                toks = [t for t in ictx.toks if a <= t.start < b and t.kind == "amt"
                        and not _in_explanation(itext, t.start)]
                amt = next((t for t in toks if t.role != "change"), None)
                if amt is None:
                    carried = own = []
                    break
                name = itext[a: amt.start]
                if _CARRY.search(name):
                    carried.append(_printed(ictx, amt))
                elif side in name or not re.search(r"收入|支出", name):
                    own.append(_printed(ictx, amt))
                    chg = next((t for t in toks if t.role == "change"), None)
                    changes.append(_signed_change(ictx, chg) if chg is not None else None)
                else:
                    carried = own = []
                    break
            quote = _quote(ctx, h.start, sub.end)
            if carried:
                out.append(Claim(Kind.SUM, ctx.section, ctx.seg.line_at(h.start), quote,
                                 {"total": _printed(ctx, h), "parts": [_printed(ctx, sub)] + carried},
                                 {"open": "其中"}, rule="arithmetic.sum",
                                 note="grand total = this year's + carried-over funds"))
            if len(own) < 2:
                continue
            total = _printed(ctx, sub)
            out.append(Claim(Kind.SUM, ctx.section, ctx.seg.line_at(sub.start), _quote(ctx, sub.start, sub.end),
                             {"total": total, "parts": own}, {"open": "其中"}, rule="arithmetic.sum",
                             note="this year's total = the numbered items"))
            if sub_change is None or any(c is None for c in changes):
                continue
            iv = total.interval()
            complete = (sum(p.interval().lo for p in own) <= iv.hi and sum(p.interval().hi for p in own) >= iv.lo)
            signs = {c.text.startswith("-") for c in changes if c.value != 0}
            if not complete and len(signs) > 1:
                continue
            if not complete and signs == {True}:
                parts = [Printed(c.text.lstrip("-"), c.unit, c.line, c.label) for c in changes]
                tot = _printed(ctx, sub_change)
            else:
                parts, tot = changes, _signed_change(ctx, sub_change)
            out.append(Claim(Kind.SUM, ctx.section, ctx.seg.line_at(sub_change.start),
                             _quote(ctx, sub.start, sub_change.end), {"total": tot, "parts": parts},
                             {} if complete else {"open": "其中"}, rule="arithmetic.sum",
                             note="total change = sum of the items' changes"))
    return out


_BREAKDOWN = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])?\s*"
                        r"(?:分|按)(?P<by>[\u4e00-\u9fff]{2,8}?)(?:看|分|划分|统计|(?:完成|执行)?情况(?:为|是|如下)?)\s*[:：,，]")
_GRAND_WORD = re.compile(r"总(?:收入|支出)|(?:收入|支出)总(?:计|额)|合计")


def _breakdown_sums(ctxs: list[_Ctx]) -> list[Claim]:
    """"分收入结构看:税收收入A,增加a…;非税收入B,增加b…" / "分征收部门完成情况为:X完成C…;Y完成D…":
    a paragraph that breaks down by some attribute the grand total stated in an earlier
    paragraph (``总收入T万元,比上年同期增加t万元``): T = A + B and t = a + b. The total is the
    first amount of the nearest earlier paragraph that is not itself a breakdown, when its
    words name a grand total of the same side (收入/支出). Open lists, as for 其中."""
    out: list[Claim] = []
    for k, ctx in enumerate(ctxs):
        text = ctx.seg.text
        m = _BREAKDOWN.match(text)
        if not m:
            continue
        head = head_change = None
        for prev in reversed(ctxs[max(0, k - 6): k]):
            if _BREAKDOWN.match(prev.seg.text):
                continue
            ptext = prev.seg.text
            head = next((t for t in prev.toks if t.kind == "amt" and t.role != "change"
                         and not _in_explanation(ptext, t.start)), None)
            if head is not None:
                send = re.search(r"[。\n]|$", ptext[head.end:]).start() + head.end
                head_change = next((t for t in prev.toks if head.end <= t.start < send and t.role == "change"), None)
                hctx = prev
            break
        if head is None:
            continue
        hlabel = _label(hctx.seg.text, head)
        side = "收入" if "收入" in hlabel else "支出" if "支出" in hlabel else ""
        if not side or not _GRAND_WORD.search(hlabel):
            continue
        other = "支出" if side == "收入" else "收入"
        body_end = re.search(r"。|$", text[m.end():]).start() + m.end()
        items = []
        for piece in re.finditer(r"[^；;]+", text[m.end(): body_end]):
            a, b = m.end() + piece.start(), m.end() + piece.end()
            toks = [t for t in ctx.toks if a <= t.start < b and t.kind == "amt" and not _in_explanation(text, t.start)]
            amt = next((t for t in toks if t.role != "change"), None)
            if amt is None or other in _label(text, amt):
                items = []
                break
            items.append((amt, next((t for t in toks if t.role == "change"), None)))
        if len(items) < 2:
            continue
        total = _printed(hctx, head)
        parts = [_printed(ctx, a) for a, _c in items]
        quote = _quote(ctx, 0, body_end)
        out.append(Claim(Kind.SUM, ctx.section, ctx.seg.line_at(items[0][0].start), quote,
                         {"total": total, "parts": parts}, {"open": "其中"}, rule="arithmetic.sum",
                         note=f"breakdown by {m.group('by')} of the total stated earlier"))
        if head_change is None or any(c is None for _a, c in items):
            continue
        iv = total.interval()
        complete = (sum(p.interval().lo for p in parts) <= iv.hi and sum(p.interval().hi for p in parts) >= iv.lo)
        changes = [_signed_change(ctx, c) for _a, c in items if c is not None]
        signs = {c.text.startswith("-") for c in changes if c.value != 0}
        if not complete and len(signs) > 1:
            continue
        if not complete and signs == {True}:
            changes = [Printed(c.text.lstrip("-"), c.unit, c.line, c.label) for c in changes]
            tot = _printed(hctx, head_change)
        else:
            tot = _signed_change(hctx, head_change)
        out.append(Claim(Kind.SUM, ctx.section, ctx.seg.line_at(items[0][0].start), quote,
                         {"total": tot, "parts": changes}, {} if complete else {"open": "其中"},
                         rule="arithmetic.sum", note="total change = sum of the breakdown's changes"))
    return out


_ENUM = re.compile(r"其([一二三四五六七八九十])[,，、:：]")
_ASPECTS = re.compile(r"(?:包括|分为|有)([两二三四五六七八九十])(?:个)?(?:方面|部分|类|项)")
_REST = re.compile(r"(?:^|[。；;\n,，])\s*(?:而|另外|此外)?\s*(?:其他|其余)(?P<what>[^,，。;；\d]{0,16}?)(?=-?\d)")
_CN_NUM = "一二三四五六七八九十"


def _is_headline(ctx: _Ctx) -> bool:
    text = ctx.seg.text.strip()
    amts = [t for t in ctx.toks if t.kind == "amt"]
    return (len(ctx.seg.lines) == 1 and len(text) <= 24 and len(amts) == 1 and not text.endswith(tuple(_STRONG))
            and bool(re.match(r"[\u4e00-\u9fff“\"]", text)))


def _headline_sums(ctxs: list[_Ctx]) -> list[Claim]:
    """News pages: a title ``公务用车1229.65万元`` (subtitles may follow) over a body that splits
    it — ``…主要包括两方面的支出。其一,车辆购置支出115万元…其二,…车辆运作费1114.65万元`` or
    ``其中涉外的公务接待费支出140万元…而其他公务接待费支出517.42万元``. The first title of the
    run is the total when the body's subject repeats its words; each part is the first amount of
    its item. Open (an item's first amount may be a detail of it): only an excess is an error."""
    out: list[Claim] = []
    k = 0
    while k < len(ctxs):
        if not _is_headline(ctxs[k]) or (k and _is_headline(ctxs[k - 1])):
            k += 1
            continue
        title = ctxs[k]
        head = next(t for t in title.toks if t.kind == "amt")
        j = k + 1
        while j < len(ctxs) and _is_headline(ctxs[j]):
            j += 1
        body = []
        while j < len(ctxs) and not _is_headline(ctxs[j]) and len(body) < 6:
            body.append(ctxs[j])
            j += 1
        k = j
        words = _bigrams(_GENERIC.sub("", _label(title.seg.text, head)))
        if not body or not words:
            continue
        parts: list[tuple[_Ctx, Token]] = []
        # 其一 … 其二 … (the number of items said beforehand, when it is)
        marks = [(c, m) for c in body for m in _ENUM.finditer(c.seg.text)]
        if len(marks) >= 2 and [_CN_NUM.index(m.group(1)) for _c, m in marks] == list(range(len(marks))):
            # the words before 其一: they name the subject and may say how many items follow
            intro = "".join(c.seg.text for c in body[: body.index(marks[0][0])])
            intro += marks[0][0].seg.text[: marks[0][1].start()]
            said = _ASPECTS.search(intro)
            if said and _CN_NUM.index(said.group(1).replace("两", "二")) + 1 != len(marks):
                continue
            if len(words & _bigrams(intro)) < 0.6 * len(words):
                continue
            for n, (c, m) in enumerate(marks):
                end = marks[n + 1][1].start() if n + 1 < len(marks) and marks[n + 1][0] is c else len(c.seg.text)
                tok = next((t for t in c.toks if m.end() <= t.start < end and t.kind == "amt" and t.role != "change"), None)
                if tok is None:
                    parts = []
                    break
                parts.append((c, tok))
        else:
            # 其中 A … 其他 B: the part named and the rest of the same item
            for c in body:
                text = c.seg.text
                q = text.find("其中")
                rest = next((r for r in _REST.finditer(text) if r.start() > q >= 0), None)
                if rest is None:
                    continue
                first = next((t for t in c.toks if q < t.start < rest.start() and t.kind == "amt"
                              and t.role != "change"), None)
                other = next((t for t in c.toks if t.start >= rest.end() and t.kind == "amt"), None)
                what = _bigrams(_GENERIC.sub("", rest.group("what")))
                if first is None or other is None or other.start - rest.end() > 2 or not what:
                    continue
                if len(what & _bigrams(_label(text, first))) < 0.6 * len(what) or len(words & what) < 0.6 * len(words):
                    continue
                parts = [(c, first), (c, other)]
                break
        if len(parts) < 2:
            continue
        out.append(Claim(Kind.SUM, title.section, title.seg.line_at(head.start), _quote(title, head.start, head.end),
                         {"total": _printed(title, head), "parts": [_printed(c, t) for c, t in parts]},
                         {"open": "其中"}, rule="arithmetic.sum", note="a title's amount split in the text below it"))
    return out


def _mark_changes(text: str, toks: list[Token]) -> None:
    for t in toks:
        if t.kind == "amt" and _DIR_BEFORE.search(text[max(0, t.start - 12): t.start]):
            t.role = "change"


def extract_narrative(segs: list[tuple[Segment, str]], table_figures: list[Figure] | None = None
                      ) -> tuple[list[Claim], list[Figure]]:
    """All narrative claims of the document, plus every amount printed (the figures).

    ``table_figures`` (amount cells of flattened tables, ordered by segment) join the figures
    in reading order, so the text can refer to them.
    """
    claims: list[Claim] = []
    figures: list[Figure] = []
    pending = sorted(table_figures or [], key=lambda f: f.order)
    years: dict[str, int] = {}
    ctxs: list[_Ctx] = []
    for k, (seg, section) in enumerate(segs):
        while pending and pending[0].order < (k + 1) * 10_000_000:
            figures.append(pending.pop(0))
        text = seg.text
        toks = _tokens(text)
        _mark_changes(text, toks)
        base = k * 10_000_000
        ctx = _Ctx(seg, section, toks, figures, base, years=years)
        for t in toks:
            if t.kind == "amt":
                ys = _YEAR.findall(text[_sentence_start(text, t.start): t.start])
                figures.append(Figure(_printed(ctx, t), _label(text, t),
                                      text[max(_sentence_start(text, t.start), t.start - 60): t.start],
                                      section, seg.line_at(t.start), base + t.start,
                                      is_change=t.role == "change", year=int(ys[-1]) if ys else 0))
        _savings(ctx)
        _appropriation_total(ctx)
        _averages(ctx)
        heads = _lists(ctx)
        _sentence_lists(ctx)
        _changes(ctx, heads)
        _executions(ctx)
        _shares(ctx, heads)
        claims.extend(ctx.claims)
        ctxs.append(ctx)
    claims.extend(_reason_sums(ctxs, claims))
    claims.extend(_subtotal_sums(ctxs))
    claims.extend(_breakdown_sums(ctxs))
    claims.extend(_headline_sums(ctxs))
    return claims, figures
