"""The HTML report: code hidden, nothing fetched from another host, the same bytes every time."""

from __future__ import annotations

import base64
import copy
import re
import uuid
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from juesuan.report import notebook_to_html

# A 1×1 PNG: the report must carry images inline, whatever their content.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082")).decode()
TITLE = "赤峰市松山区人民政府办公室 2024 年度部门决算审计报告"


def _notebook(run: str = "run-1") -> nbformat.NotebookNode:
    """A small executed notebook as papermill leaves it: random ids and run metadata included."""
    def timed(cell):
        cell.id = uuid.uuid4().hex[:8]
        cell.metadata["papermill"] = {"start_time": f"{run}-start", "duration": 0.1, "status": "completed"}
        cell.metadata["execution"] = {"iopub.status.busy": f"{run}-busy"}
        return cell

    cells = [
        new_markdown_cell("# 部门决算公开审计报告"),
        new_code_cell('params_path = "DEFAULT_PARAMS"', metadata={"tags": ["parameters"]}),
        new_code_cell('params_path = "INJECTED_\\u677e\\u5c71"', metadata={"tags": ["injected-parameters"]},
                      outputs=[new_output("stream", name="stdout", text="INJECTED_OUTPUT\n")]),
        new_code_cell('print("hidden " + "CODE_INPUT")', execution_count=3,
                      outputs=[new_output("stream", name="stdout", text="printed output\n")]),
        new_code_cell("composition_chart(...); plt.show()", execution_count=4,
                      outputs=[new_output("display_data",
                                          data={"image/png": PNG, "text/plain": "<Figure size 1000x750>"})]),
        new_code_cell("provenance()", metadata={"tags": ["remove_cell"]},
                      outputs=[new_output("stream", name="stdout", text="REMOVED_OUTPUT\n")]),
        new_markdown_cell("结论：未发现不一致之处。"),
    ]
    nb = new_notebook(cells=[timed(c) for c in cells], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": {"name": "python"},
        "papermill": {"start_time": f"{run}-start", "duration": 9.9, "input_path": "/tmp/x.ipynb"},
        "title": "a title the notebook carries",
    })
    nbformat.validate(nb)
    return nb


@pytest.fixture(scope="module")
def html() -> str:
    return notebook_to_html(_notebook(), TITLE)


def test_outputs_are_shown_and_code_is_not(html):
    assert "printed output" in html
    assert "结论：未发现不一致之处。" in html
    assert "CODE_INPUT" not in html and "DEFAULT_PARAMS" not in html
    body = html[html.index("<main>"):]
    # Markdown cells render through an input area too; code cells must leave no editor or prompt.
    assert not re.search(r'class="[^"]*\bjp-(?:CodeMirrorEditor|InputPrompt|OutputPrompt)\b', body)


def test_removed_and_injected_cells_are_left_out(html):
    assert "INJECTED" not in html
    assert "REMOVED_OUTPUT" not in html


def test_images_are_inline(html):
    assert re.search(r'<img [^>]*src="data:image/png;base64,' + re.escape(PNG[:20]), html)


def test_images_have_an_alt_text_and_outputs_take_keyboard_focus(html):
    assert re.findall(r"<img [^>]*>", html) and all(" alt=" in img for img in re.findall(r"<img [^>]*>", html))
    outputs = re.findall(r'<div class="[^"]*jp-OutputArea-output[^"]*"[^>]*>', html)
    assert outputs and all('tabindex="0"' in div for div in outputs)


def test_headings_are_text_a_reader_can_search_and_markup_in_them_stays_escaped():
    nb = _notebook()
    nb.cells.append(new_markdown_cell("## 摘要 &lt;b&gt; &#60;i&#62; &#x27;"))
    page = notebook_to_html(nb, TITLE, embed_font=False)
    assert ">摘要 " in page  # nbconvert writes heading text as &#25688;&#35201;
    assert "<b>" not in page and "<i>" not in page


def test_nothing_is_loaded_from_another_host(html):
    assert "<script src" not in html
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)
    assert "@import" not in html
    assert "import(" not in html  # the mermaid loader of the lab template


def test_the_title_comes_from_the_argument(html):
    assert re.findall(r"<title>(.*?)</title>", html) == [TITLE]
    assert "&amp;" in notebook_to_html(_notebook(), "A & B")


def test_print_rules_fit_images_on_a4(html):
    print_css = html[html.index("@media print"):]
    assert re.search(r"img\s*{[^}]*max-width:\s*100%", print_css)
    assert "size: A4" in html


def test_the_same_notebook_gives_the_same_bytes_whatever_the_run(html):
    again = notebook_to_html(_notebook(), TITLE)
    other_run = notebook_to_html(_notebook(run="run-2"), TITLE)  # new random ids, timestamps
    assert html == again == other_run


def test_the_argument_is_not_modified():
    nb = _notebook()
    before = copy.deepcopy(nb)
    notebook_to_html(nb, TITLE)
    assert nb == before


# -- the page: table of contents and the embedded font -----------------------------------------


def _sections_notebook() -> nbformat.NotebookNode:
    nb = _notebook()
    nb.cells[0] = new_markdown_cell("# 部门决算公开审计报告")
    nb.cells.insert(1, new_code_cell("report.header(result)", outputs=[new_output(
        "execute_result", data={"text/html": '<p class="dept">松山区</p><nav class="toc" data-juesuan-toc=""></nav>',
                                "text/plain": "''"}, execution_count=1)]))
    nb.cells += [new_markdown_cell("## 摘要\n\n一句话。"), new_markdown_cell("## 一、数字是否前后一致"),
                 new_markdown_cell("### 收支构成"), new_markdown_cell("## 来源与版本")]
    return nb


def test_every_section_heading_is_linked_from_a_table_of_contents():
    page = notebook_to_html(_sections_notebook(), TITLE, embed_font=False)
    nav = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', page, re.DOTALL)
    assert nav is not None and 'data-juesuan-toc' not in page
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav.group(1))
    assert [text for _, text in links] == ["摘要", "一、数字是否前后一致", "收支构成", "来源与版本"]
    for anchor, _ in links:
        assert f'id="{anchor}"' in page
    assert page.index("<nav") < page.index(">摘要<a")  # the contents come before the sections
    assert page.index('class="dept"') < page.index("<nav")  # at the header's placeholder


def test_a_page_with_one_section_gets_no_table_of_contents(html):
    assert "<nav" not in html


def test_the_glyphs_the_page_uses_are_embedded_from_the_bundled_font(html):
    face = re.search(r'@font-face\{font-family:"Juesuan Noto Sans SC";[^}]*src:url\(data:font/woff;base64,'
                     r'([A-Za-z0-9+/=]+)\) format\("woff"\)', html)
    assert face is not None
    woff = base64.b64decode(face.group(1))
    assert woff[:4] == b"wOFF" and 1_000 < len(woff) < 400_000
    assert "@font-face" not in notebook_to_html(_notebook(), TITLE, embed_font=False)


def test_the_font_subset_is_the_same_bytes_every_time(html):
    from juesuan.fonts import woff_subset

    woff_subset.cache_clear()
    assert notebook_to_html(_notebook(), TITLE) == html


# -- fragments ----------------------------------------------------------------------------------

HOSTILE = ("五、一般公共预算财政拨款支出决算情况说明\n"
           "（一）一般公共服务（类）\n"
           "一般公共服务（类）决算数为 631.01万元，与年初预算相比减少207.89万元。其中：\n"
           "1.<img src=x onerror=alert(1)>（款）<script>alert(2)</script>（项）。年初预算838.90万元，支出决算631.01万元，"
           "完成年初预算的75.22%。决算数与年初预算数的差异原因：<b onclick=alert(3)>系统</b>测算&amp;。\n"
           "政府采购支出总额 47.93万元，其中：政府采购货物支出 8.50万元、政府采购工程支出 0万元、政府采购服务支出 39.43万元。"
           "政府采购授予中小企业合同金额 28.69万元，占政府采购支出总额的59.86%，其中：授予小微企业合同金额 28.69万元，"
           "占政府采购支出总额的59.86%；货物采购授予中小企业合同金额占货物支出金额的100.00%，工程采购授予中小企业合同金额"
           "占工程支出金额的0.00%，服务采购授予中小企业合同金额占服务支出金额的100.00%。<script>alert(4)</script>\n")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from juesuan.audit import audit_document
    from juesuan.params import load_params

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "d.txt").write_text(HOSTILE, encoding="utf-8")
    (folder / "p.yaml").write_text('department_id: hostile\ndepartment_name: "<i onmouseover=alert(5)>局</i>"\n'
                                   "year: 2024\nsource: d.txt\n", encoding="utf-8")
    return audit_document(load_params(folder / "p.yaml"))


def _all_fragments(result) -> list[str]:
    from juesuan import report

    return [report.header(result), report.summary(result), report.findings_table(result),
            report.verdicts_by_kind(result), report.claims_table(result), report.checks_table(result),
            report.lines_table(result.variance), report.explained_table(result.variance),
            report.yoy_table(result.variance), report.prior_table(result.variance),
            report.execution_table(result.variance), report.funds_table(result.performance),
            report.scores_table(result.performance), report.indicators_table(result.performance),
            report.qualitative_table(result.performance), report.completeness_table(result),
            report.provenance(result)]


def test_every_string_from_the_input_is_escaped(hostile):
    assert hostile.findings  # the procurement contradiction keeps the fragments' tables non-empty
    page = "".join(_all_fragments(hostile))
    assert "<script" not in page and "<img" not in page and "<b " not in page and "<i " not in page
    assert "onerror=alert" not in page.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(" in page and "&lt;i onmouseover=alert(5)&gt;局&lt;/i&gt;" in page
    assert "&amp;amp;" in page  # an entity in the input is text, shown as printed


def test_fragments_display_as_html_in_a_notebook(hostile):
    from juesuan.report import Fragment

    for fragment in _all_fragments(hostile):
        assert isinstance(fragment, Fragment) and fragment._repr_html_() == str(fragment)


@pytest.mark.parametrize("rule, section", [
    ("structure.procurement_sme", "consistency"), ("arithmetic.sum", "consistency"),
    ("wording.change_sign", "consistency"), ("variance.unexplained", "variance"),
    ("observation.low_execution", "variance"), ("observation.unimplemented", "variance"),
    ("observation.budget_cut_execution", "performance"), ("performance.total", "performance"),
    ("completeness.numbering", "completeness"),
])
def test_each_rule_is_reported_in_one_section(rule, section):
    from juesuan.report import section_of

    assert section_of(rule) == section


def test_provenance_states_input_tool_suites_and_dependencies(hostile):
    from juesuan.report import KEY_DEPENDENCIES, provenance
    from juesuan.suites import suite_hashes

    text = provenance(hostile)
    assert hostile.document.sha256 in text and "juesuan" in text
    for name, sha in suite_hashes().items():
        assert f"规则集 {name}</dt><dd>{sha}</dd>" in text
    for dep in KEY_DEPENDENCIES:
        assert f"{dep} " in text
    assert str(Path(hostile.document.path).parent) not in text  # no absolute paths
