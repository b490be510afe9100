"""The HTML report: code hidden, nothing fetched from another host, the same bytes every time."""

from __future__ import annotations

import base64
import copy
import re
import uuid

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
