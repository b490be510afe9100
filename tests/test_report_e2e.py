"""The seed's report as a reviewer gets it: deterministic, small, complete, and read in a real browser.

The browser test drives Debian's chromium (``make test`` installs it when missing and it can) over
the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON messages separated by NUL on
file descriptors 3 and 4), so it needs nothing beyond the standard library. It records every
request the page makes, checks that every chart image decoded and is laid out, that the embedded
CJK font loaded, that the table of contents resolves, that the page fits an A4 print width, and it
saves a screenshot and an A4 PDF under the test's temporary folder.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from juesuan.run import run_audit

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params" / "songshan-gov-office.yaml"
SECTIONS = ["摘要", "一、数字是否前后一致", "二、预算执行与变动", "三、绩效自评", "四、公开完整性", "附录", "来源与版本"]
MAX_BYTES = 3 * 1024 * 1024

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The seed audited twice, into two folders."""
    first = run_audit(str(PARAMS), str(tmp_path_factory.mktemp("first")))
    second = run_audit(str(PARAMS), str(tmp_path_factory.mktemp("second")))
    return first, second


@pytest.fixture(scope="module")
def page(runs) -> str:
    return runs[0].report_html.read_text(encoding="utf-8")


def test_two_audits_of_the_seed_give_identical_bytes(runs):
    first, second = runs
    assert first.report_html.read_bytes() == second.report_html.read_bytes()
    assert first.findings_json.read_bytes() == second.findings_json.read_bytes()
    assert first.findings_csv.read_bytes() == second.findings_csv.read_bytes()


def test_the_report_is_small_and_names_no_absolute_path(runs, page):
    assert runs[0].report_html.stat().st_size < MAX_BYTES
    for folder in (runs[0].out_dir, runs[1].out_dir, ROOT):
        assert str(folder) not in page


def test_summary_first_then_every_section(page):
    headings = [re.sub(r"<[^>]+>|¶", "", h) for h in re.findall(r"<h2 [^>]*>(.*?)</h2>", page, re.DOTALL)]
    assert headings == SECTIONS
    start = re.search(r'<h2 id="[^"]+">摘要', page).start()
    summary = page[start: re.search(r'<h2 id="[^"]+">一、数字是否前后一致', page).start()]
    conclusion = re.search(r'<p class="conclusion">(.*?)</p>', summary, re.DOTALL).group(1)
    assert "赤峰市松山区人民政府办公室 2024 年度" in conclusion
    assert "政府采购授予中小企业合同金额前后矛盾" in conclusion and "19.24 万元" in conclusion
    assert "其余 25.78 万元没有说明原因" in conclusion
    for count in ('<span class="n">255</span><span class="l">项数字关系</span>',
                  '<span class="n">3</span><span class="l">错误</span>'):
        assert count in summary


def test_charts_tables_and_provenance_are_in_the_page(page):
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(images) == 5 and all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r"<script\b", page)  # no code cells, no scripts
    for text in ("未说明 25.78 万元", "政府采购中小企业金额前后矛盾", "档案录入条数", "规则集 arithmetic",
                 "270851ea63389402ea17f0b824ce73bea5386783c7f0345c925c7837b3156c95", "seaborn "):
        assert text in page, text


# -- in a browser ----------------------------------------------------------------------------


def _chromium() -> str | None:
    for candidate in (os.environ.get("JUESUAN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


class DevTools:
    """Chromium over the DevTools protocol on a pipe: commands on fd 3, replies and events on fd 4."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # The child's ends move above 4 first, so that placing them at 3 and 4 cannot overwrite one
        # with the other (under pytest's capture the pipes may well have been given fds 3 and 4).
        reads, writes = (self._high(fd) for fd in (to_chrome_r, from_chrome_w))
        args = [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
                # any host name fails to resolve: a request the test misses could still not leave the machine
                "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", "--remote-debugging-pipe",
                "about:blank"]
        # posix_spawn places the pipe ends at 3 and 4 without running Python in the child (safe with
        # the threads a kernel client leaves behind), in a session of its own so close() can end it.
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_DUP2, reads, 3), (os.POSIX_SPAWN_DUP2, writes, 4)]
        self.pid = os.posix_spawn(executable, args, dict(os.environ), file_actions=actions, setsid=True)
        os.close(reads)
        os.close(writes)
        self._buffer = b""
        self._last_id = 0
        self.events: list[dict[str, Any]] = []

    @staticmethod
    def _high(fd: int) -> int:
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)
        os.close(fd)
        return moved

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, timeout: float = 60, **params: Any) -> dict[str, Any]:
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, event: str, session: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for e in self.events[seen:]:
                if e["method"] == event and e.get("sessionId") == session:
                    return e
            seen = len(self.events)
            message = self._message(deadline)
            if "method" in message:
                self.events.append(message)

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.call("Runtime.evaluate", session, expression=expression, awaitPromise=True,
                           returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def _exited(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, _status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        if not self._exited(10):
            os.killpg(self.pid, signal.SIGKILL)  # the session of the browser this test started
            self._exited(10)
        for fd in (self._to_chrome, self._from_chrome):
            os.close(fd)


READ_PAGE = """(async () => {
  await document.fonts.ready;
  const images = Array.from(document.images);
  await Promise.all(images.map(i => i.decode().catch(() => null)));
  const loaded = await document.fonts.load('16px "Juesuan Noto Sans SC"', '部门决算审计报告');
  return {
    title: document.title,
    images: images.map(i => ({scheme: i.src.split(':')[0], complete: i.complete, width: i.naturalWidth,
                              height: i.naturalHeight, shownWidth: i.getBoundingClientRect().width,
                              shownHeight: i.getBoundingClientRect().height})),
    embeddedFont: loaded.map(f => f.family + ':' + f.status),
    bodyFont: getComputedStyle(document.body).fontFamily,
    toc: Array.from(document.querySelectorAll('nav.toc a')).map(a => [a.textContent,
         !!document.getElementById(a.hash.slice(1))]),
    scripts: document.scripts.length,
  };
})()"""

PRINT_WIDTH = 703  # A4 (210 mm) less the 12 mm side margins of @page, in CSS pixels

FITS = """(() => ({
  page: document.documentElement.scrollWidth,
  widest: Math.max(...Array.from(document.querySelectorAll('table, img')).map(e => e.getBoundingClientRect().right)),
}))()"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = _chromium()
    if executable is None:
        pytest.skip("chromium is not installed (make test installs Debian's chromium when run as root; "
                    "or set JUESUAN_CHROMIUM to a Chromium binary)")
    devtools = DevTools(executable, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield devtools
    finally:
        devtools.close()


def test_the_report_in_chromium_makes_no_request_and_shows_every_chart(runs, browser, tmp_path):
    report = runs[0].report_html
    target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Network", "Runtime"):
        browser.call(f"{domain}.enable", session)
    browser.call("Emulation.setDeviceMetricsOverride", session, width=1280, height=4000, deviceScaleFactor=1,
                 mobile=False)
    browser.call("Page.navigate", session, url=report.as_uri())
    browser.wait_for("Page.loadEventFired", session)
    state = browser.evaluate(session, READ_PAGE)

    shot = base64.b64decode(browser.call("Page.captureScreenshot", session, format="png")["data"])
    (tmp_path / "report.png").write_bytes(shot)
    browser.call("Emulation.setEmulatedMedia", session, media="print")
    browser.call("Emulation.setDeviceMetricsOverride", session, width=PRINT_WIDTH, height=1000, deviceScaleFactor=1,
                 mobile=False)
    fits = browser.evaluate(session, FITS)
    pdf = base64.b64decode(browser.call("Page.printToPDF", session, paperWidth=8.27, paperHeight=11.69,
                                        printBackground=True, preferCSSPageSize=True, timeout=120)["data"])
    (tmp_path / "report.pdf").write_bytes(pdf)

    requests = [e["params"]["request"]["url"] for e in browser.events
                if e["method"] == "Network.requestWillBeSent" and e.get("sessionId") == session]
    sockets = [e for e in browser.events if e["method"] == "Network.webSocketCreated"]
    outside = [u for u in requests if not (u == report.as_uri() or u.startswith(("data:", "about:")))]
    assert report.as_uri() in requests
    assert outside == [] and sockets == []

    assert state["title"] == "赤峰市松山区人民政府办公室 2024 年度部门决算审计报告"
    assert state["scripts"] == 0
    assert "Content-Security-Policy" in report.read_text(encoding="utf-8")
    assert len(state["images"]) == 5
    for image in state["images"]:
        assert image["scheme"] == "data" and image["complete"], image
        assert image["width"] > 300 and image["height"] > 150, image  # decoded
        assert image["shownWidth"] > 300 and image["shownHeight"] > 100, image  # laid out on the page
    assert state["embeddedFont"] == ["Juesuan Noto Sans SC:loaded"]
    assert state["bodyFont"].startswith('"Juesuan Noto Sans SC"')
    assert [text for text, _ in state["toc"]][:2] == ["摘要", "一、数字是否前后一致"]
    assert all(found for _, found in state["toc"]), state["toc"]

    assert fits["page"] <= PRINT_WIDTH + 1 and fits["widest"] <= PRINT_WIDTH + 1, fits
    assert shot.startswith(b"\x89PNG") and len(shot) > 50_000
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(tmp_path / "report.pdf")
    first = reader.pages[0]
    assert [round(float(x)) for x in first.mediabox.upper_right] == [595, 842]  # A4 in points
    assert "赤峰市松山区人民政府办公室" in first.extract_text()


def _department(out: Path, dept: str, inconsistent: int, execution_pct: float | None) -> None:
    claims = [] if execution_pct is None else [
        {"kind": "execution", "reported": {"budget": 100.0, "actual": execution_pct, "pct": execution_pct}}]
    doc = {"department": {"id": dept, "name": f"{dept}局", "year": 2024}, "claims": claims, "findings": [],
           "summary": {"claims": 10, "inconsistent": inconsistent, "uncheckable": 0, "errors": inconsistent,
                       "warnings": 0}}
    (out / dept).mkdir(parents=True)
    (out / dept / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _portfolio_page(tmp_path: Path, trusted: bool) -> Path:
    """The portfolio table rendered as index.html is (same template, same policy)."""
    import nbformat

    from juesuan.batch import portfolio
    from juesuan.report import notebook_to_html

    out = tmp_path / "out"
    if not out.exists():
        for dept, bad, rate in (("a", 2, 95.5), ("b", 10, None), ("c", 0, 60.25), ("d", 1, 101.0)):
            _department(out, dept, bad, rate)
    cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": str(portfolio.table(portfolio.collect(out)))})])
    page = tmp_path / f"index-{trusted}.html"
    page.write_text(notebook_to_html(nbformat.v4.new_notebook(cells=[cell]), "总览", embed_font=False,
                                     trusted_scripts=(portfolio.SORT_SCRIPT,) if trusted else ()),
                    encoding="utf-8")
    return page


def _open(browser, page: Path) -> str:
    target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Runtime"):
        browser.call(f"{domain}.enable", session)
    browser.call("Page.navigate", session, url=page.as_uri())
    browser.wait_for("Page.loadEventFired", session)
    return session


def _order_after_clicking(browser, session: str, heading: str) -> list[str]:
    return browser.evaluate(session, f"""(() => {{
      const th = Array.from(document.querySelectorAll('thead th')).find(h => h.textContent === {json.dumps(heading)});
      th.click();
      return Array.from(document.querySelectorAll('tbody tr')).map(r => r.querySelector('small').textContent);
    }})()""")


def test_the_portfolio_table_sorts_by_any_column_in_chromium(browser, tmp_path):
    session = _open(browser, _portfolio_page(tmp_path, trusted=True))
    assert _order_after_clicking(browser, session, "不一致") == ["b", "a", "d", "c"]  # largest first
    assert _order_after_clicking(browser, session, "不一致") == ["c", "d", "a", "b"]  # again: smallest first
    assert _order_after_clicking(browser, session, "预算执行率") == ["d", "a", "c", "b"]  # numbers; blank last
    assert _order_after_clicking(browser, session, "部门") == ["d", "c", "b", "a"]


def test_the_page_policy_blocks_any_script_it_does_not_name(browser, tmp_path):
    """The same table and script, but the policy names no script: the browser refuses to run it."""
    page = _portfolio_page(tmp_path, trusted=False)
    assert "script-src 'none'" in page.read_text(encoding="utf-8")
    session = _open(browser, page)
    assert _order_after_clicking(browser, session, "不一致") == ["b", "a", "d", "c"]  # the order as built
    assert _order_after_clicking(browser, session, "部门") == ["b", "a", "d", "c"]  # clicks do nothing
