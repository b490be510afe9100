"""Reading order: lines → segments (paragraphs) with a map back to source lines.

PDF text breaks lines inside sentences (``其中本年收\\n入390.55万元``); tables flattened one cell
per line put a number alone on a line. A segment joins a line to the next one only when the
line is long enough to be running prose and does not end a sentence, so prose is rejoined
while table cells stay apart.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = ["HEADING", "Segment", "heading_level", "segments"]

_SENTENCE_END = tuple("。；;：:！？!?")
# 第二部分 / 一、 / (一) / （一） / 1. 1、 (numbered items are not headings for sections)
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_MAJOR = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_MINOR = re.compile(r"^[(（][一二三四五六七八九十]{1,3}[)）]")
HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])")
_PAGE_NO = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$")
_MIN_PROSE = 18
# The longest segment read as one. Real paragraphs stay under ~2,000 characters; the readers
# pair every number of a segment with its clauses (quadratic in the segment), so a 1 MB line or
# a blank-line-free dump is cut into pieces of at most this size, at a sentence end when there is
# one, which keeps reading linear in the file (hostile-input catalogue, entry 7).
MAX_SEGMENT = 3000
_PIECE_END = re.compile("[。；;！？!?]")


def heading_level(line: str) -> int:
    """1 for 第X部分, 2 for 一、, 3 for (一); 0 otherwise."""
    if _PART.match(line):
        return 1
    if _MAJOR.match(line):
        return 2
    if _MINOR.match(line):
        return 3
    return 0


@dataclass(frozen=True)
class Segment:
    """Joined text of consecutive source lines; ``line_at(i)`` maps a character back."""

    text: str
    first_line: int
    starts: tuple[int, ...]
    """Offset in ``text`` where each joined source line starts."""
    lines: tuple[int, ...]
    """The 1-based source line number of each joined piece."""

    def line_at(self, offset: int) -> int:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.lines[max(i, 0)]


def segments(lines: tuple[str, ...] | list[str]) -> list[Segment]:
    """Group normalised lines into segments of running text.

    A segment ends at a blank line, before a heading, and around a short line that does not
    end a sentence (a table cell or a caption). Inside a segment a line that ends a sentence
    is joined with ``\n`` (a visible boundary for clause splitting); a line broken mid-sentence
    (PDF text) is joined directly to the next.
    """
    out: list[Segment] = []
    buf: list[str] = []
    starts: list[int] = []
    nums: list[int] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if buf:
            out.append(Segment("".join(buf), nums[0], tuple(starts), tuple(nums)))
            buf.clear(), starts.clear(), nums.clear()
            size = 0

    for i, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if _PAGE_NO.match(line):
            continue  # a page number inside running text does not end the paragraph
        if len(line) > MAX_SEGMENT:
            flush()
            out.extend(Segment(piece, i, (0,), (i,)) for piece in _pieces(line))
            continue
        if buf and size + len(line) > MAX_SEGMENT:
            flush()
        cell_like = len(line) < _MIN_PROSE and not line.endswith(_SENTENCE_END)
        if buf and (heading_level(line) or cell_like):
            flush()
        if buf and buf[-1].endswith(_SENTENCE_END + ("|",)):
            buf[-1] += "\n"
            size += 1
        starts.append(size)
        nums.append(i)
        buf.append(line)
        size += len(line)
        if cell_like or line.endswith("|"):
            flush()
    flush()
    return out


def _pieces(line: str) -> list[str]:
    """``line`` cut into pieces of at most :data:`MAX_SEGMENT` characters, after a sentence end
    where the piece has one (else hard at the limit)."""
    out, start = [], 0
    while len(line) - start > MAX_SEGMENT:
        ends = [m.end() for m in _PIECE_END.finditer(line, start + MAX_SEGMENT // 2, start + MAX_SEGMENT)]
        cut = ends[-1] if ends else start + MAX_SEGMENT
        out.append(line[start:cut])
        start = cut
    return out + [line[start:]] if start < len(line) else out
