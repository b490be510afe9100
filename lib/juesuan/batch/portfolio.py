"""The portfolio page ``OUTDIR/index.html``: one row per department, built from findings.json files.

``notebooks/portfolio.ipynb`` calls :func:`collect`, :func:`overview`, :func:`table` and
:func:`chart`; :func:`build_index` executes it with papermill and renders it like a report
(self-contained HTML, no code, no external requests).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import juesuan

__all__ = ["build_index", "chart", "collect", "overview", "table"]

_COLUMNS = ["department_id", "name", "year", "status", "message", "claims", "consistent", "inconsistent",
            "uncheckable", "errors", "warnings", "largest_amount", "largest_rule", "largest_message",
            "execution_pct"]


def _execution_pct(claims: list[dict[str, Any]]) -> float:
    """The department's overall budget execution: the ``execution`` claim with the largest budget."""
    best = None
    for c in claims:
        rep = c.get("reported") or {}
        if (c.get("kind") == "execution" and isinstance(rep.get("budget"), (int, float)) and rep["budget"] > 0
                and (best is None or rep["budget"] > best["budget"])):
            best = rep
    if best is None:
        return math.nan
    pct = best.get("pct")
    return float(pct) if isinstance(pct, (int, float)) else 100.0 * float(best.get("actual", math.nan)) / best["budget"]


def _row(dept_dir: Path) -> dict[str, Any] | None:
    manifest, findings = dept_dir / "manifest.json", dept_dir / "findings.json"
    status, message = "ok", ""
    if manifest.is_file():
        try:
            m = json.loads(manifest.read_text(encoding="utf-8"))
            status, message = m.get("status", "ok"), m.get("message", "")
        except ValueError:
            status, message = "failed", "manifest.json is unreadable"
    elif not findings.is_file():
        return None
    row: dict[str, Any] = dict.fromkeys(_COLUMNS, math.nan)
    row.update(department_id=dept_dir.name, name="", year=math.nan, status=status, message=message,
               largest_rule="", largest_message="")
    if status == "ok" or status == "skipped":
        try:
            doc = json.loads(findings.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            row.update(status="failed", message="findings.json is missing or unreadable")
            return row
        s, claims = doc.get("summary", {}), doc.get("claims", [])
        row.update(name=doc["department"].get("name", ""), year=doc["department"].get("year"),
                   claims=s.get("claims", 0), inconsistent=s.get("inconsistent", 0),
                   uncheckable=s.get("uncheckable", 0), errors=s.get("errors", 0), warnings=s.get("warnings", 0),
                   consistent=sum(c.get("verdict") == "consistent" for c in claims),
                   execution_pct=_execution_pct(claims))
        found = [f for f in doc.get("findings", []) if isinstance(f.get("amount_wan"), (int, float))]
        if found:
            top = max(found, key=lambda f: (f["severity"] == "error", f["amount_wan"]))
            row.update(largest_amount=top["amount_wan"], largest_rule=top.get("rule", ""),
                       largest_message=top.get("message", ""))
    return row


def collect(output_dir: str | Path):
    """A DataFrame, one row per department folder under ``output_dir``, failed ones included."""
    import pandas as pd

    rows = [r for d in sorted(Path(output_dir).iterdir()) if d.is_dir() and not d.name.startswith(".")
            for r in [_row(d)] if r is not None]
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    order = frame.assign(_failed=frame.status.eq("failed")).sort_values(
        ["_failed", "inconsistent", "errors", "department_id"], ascending=[False, False, False, True])
    return order.drop(columns="_failed").reset_index(drop=True)


def _n(x: Any) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{int(x)}"


def _f(x: Any, places: int = 2) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{places}f}"


def overview(frame) -> Any:
    """One paragraph: how many departments, how many failed, how many with inconsistencies."""
    from ..report import Fragment

    failed = int(frame.status.eq("failed").sum())
    bad = int((frame.inconsistent.fillna(0) > 0).sum())
    text = (f"共 {len(frame)} 个部门：{len(frame) - failed} 个完成审计，其中 {bad} 个存在不一致的数字关系；"
            f"{failed} 个未能完成（见各自报告页说明）。")
    return Fragment(f"<p>{html.escape(text)}</p>")


#: Sorts the portfolio table when a column heading is clicked (numbers as numbers, blanks last).
#: The page's only script: a constant of ours, reading only the cells' data-sort values; the
#: page's Content-Security-Policy allows exactly this text (by its hash) and nothing else.
SORT_SCRIPT = """
(function () {
  var table = document.querySelector("table.juesuan-portfolio");
  if (!table) { return; }
  var heads = table.querySelectorAll("thead th");
  heads.forEach(function (th, col) {
    th.tabIndex = 0;
    th.title = "点击排序";
    function sort() {
      var down = th.getAttribute("aria-sort") !== "descending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) { return row.cells[col].getAttribute("data-sort") || ""; }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === "" || y === "") { return (x === "") - (y === ""); }
        var nx = Number(x), ny = Number(y);
        var c = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y, "zh-CN") : nx - ny;
        return down ? -c : c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
  });
})();
"""


def _key(x: Any) -> str:
    """A cell's sort key: the number itself (repr, so nothing is rounded away) or ''."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return repr(float(x)) if isinstance(x, (int, float)) else html.escape(str(x))


def table(frame) -> Any:
    """The portfolio table: failed departments first, then by inconsistencies; links to each report.

    Every column sorts when its heading is clicked (a small inline script; the page stays
    readable, in this order, without it).
    """
    from ..analysis.summary import rule_title
    from ..report import Fragment

    head = [("部门", ""), ("年度", "num"), ("状态", ""), ("数字关系", "num"), ("一致", "num"), ("不一致", "num"),
            ("无法核对", "num"), ("错误", "num"), ("警告", "num"), ("最大问题（万元）", ""), ("预算执行率", "num"),
            ("文件", "")]
    out = ['<table class="js juesuan-portfolio"><thead><tr>',
           *(f'<th class="{c}">{h}</th>' if c else f"<th>{h}</th>" for h, c in head), "</tr></thead><tbody>"]
    for r in frame.itertuples():
        dept = html.escape(r.department_id)
        name = html.escape(r.name or r.department_id)
        status = {"ok": "完成", "skipped": "完成（未变）", "failed": "未能完成"}.get(r.status, r.status)
        cls = ' class="failed" style="background:#fde7e9"' if r.status == "failed" else ""
        largest = ""
        if r.largest_rule:
            largest = (f'{_f(r.largest_amount)} <span class="msg" title="{html.escape(r.largest_message)}">'
                       f"{html.escape(rule_title(r.largest_rule))}</span>")
        why = f"<br><small>{html.escape(r.message)}</small>" if r.status == "failed" and r.message else ""
        files = (f'<a href="{dept}/report.html">报告</a> · <a href="{dept}/findings.json">JSON</a>'
                 f' · <a href="{dept}/findings.csv">CSV</a>')
        if r.status == "failed":
            files = f'<a href="{dept}/report.html">报告（说明原因）</a>'
        cells = [(f'<a href="{dept}/report.html">{name}</a><br><small>{dept}</small>', _key(r.department_id)),
                 (_n(r.year), _key(r.year)), (status + why, _key(0 if r.status == "failed" else 1)),
                 (_n(r.claims), _key(r.claims)), (_n(r.consistent), _key(r.consistent)),
                 (_n(r.inconsistent), _key(r.inconsistent)), (_n(r.uncheckable), _key(r.uncheckable)),
                 (_n(r.errors), _key(r.errors)), (_n(r.warnings), _key(r.warnings)),
                 (largest, _key(r.largest_amount)),
                 (f"{_f(r.execution_pct)}%" if _f(r.execution_pct) else "", _key(r.execution_pct)), (files, "")]
        out.append(f"<tr{cls}>" + "".join(
            f'<td class="{h[1]}" data-sort="{k}">{c}</td>' if h[1] else f'<td data-sort="{k}">{c}</td>'
            for (c, k), h in zip(cells, head, strict=True)) + "</tr>")
    out.append("</tbody></table>")
    out.append(f"<script>{SORT_SCRIPT}</script>")
    return Fragment("".join(out))


def chart(frame):
    """Execution rate (left) and inconsistent claims (right) per department, completed ones only."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    done = frame[frame.status.ne("failed")].sort_values("department_id")
    height = max(2.5, 0.32 * len(done) + 1.2)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, height), sharey=True)
    if done.empty:
        left.text(0.5, 0.5, "没有完成审计的部门", ha="center", transform=left.transAxes)
        return fig
    sns.barplot(data=done, y="department_id", x="execution_pct", ax=left, color="#4c72b0")
    left.axvline(100, color="#888", lw=1, ls="--")
    left.set(xlabel="预算执行率（%）", ylabel="", title="预算执行率")
    sns.barplot(data=done, y="department_id", x="inconsistent", ax=right, color="#c44e52")
    right.set(xlabel="不一致的数字关系（条）", ylabel="", title="不一致")
    fig.tight_layout()
    return fig


def _notebook() -> Path:
    return Path(juesuan.__file__).resolve().parents[2] / "notebooks" / "portfolio.ipynb"


def build_index(out_dir: str | Path, *, engine: str | None = "juesuan-warm") -> Path:
    """Execute ``notebooks/portfolio.ipynb`` for ``out_dir`` and write ``out_dir/index.html``."""
    import papermill

    from ..findings import atomic_write_text
    from ..report import notebook_to_html
    from ..run import _KERNEL_NAME, _temp_sibling, _ThisInterpreterKernelManager

    if engine == "juesuan-warm":
        from . import engine as _engine  # noqa: F401 - registers it
    out = Path(out_dir).resolve()
    index = out / "index.html"
    tmp = _temp_sibling(out / "index.ipynb", ".ipynb")
    try:
        nb = papermill.execute_notebook(
            str(_notebook()), str(tmp), parameters={"output_dir": str(out)}, engine_name=engine,
            kernel_name=_KERNEL_NAME, kernel_manager_class=_ThisInterpreterKernelManager, progress_bar=False,
            cwd=None, request_save_on_cell_execute=False, start_timeout=120, shutdown_kernel="immediate")
    finally:
        tmp.unlink(missing_ok=True)
    atomic_write_text(index, notebook_to_html(nb, "部门决算审计 · 总览", trusted_scripts=(SORT_SCRIPT,)))
    return index
