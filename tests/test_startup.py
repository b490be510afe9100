"""juesuan's processes skip rfc3987-syntax's grammar until an IRI is checked; answers stay the same."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.skipif(importlib.util.find_spec("rfc3987_syntax") is None,
                                reason="rfc3987-syntax is not installed: nothing to defer")

IRIS = ["http://例子.测试/路径?q=决算", "https://example.org/a b", "mailto:审计@例子.中国", "://nope", "urn:isbn:123"]

PROBE = f"""
import json, sys
SETUP
import jsonschema
loaded_on_import = "rfc3987_syntax.syntax_helpers" in sys.modules
v = jsonschema.Draft202012Validator({{"format": "iri"}}, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
print(json.dumps([loaded_on_import, [v.is_valid(x) for x in {IRIS!r}]]))
"""


def _probe(setup: str) -> tuple[bool, list[bool]]:
    out = subprocess.run([sys.executable, "-c", PROBE.replace("SETUP", setup)], capture_output=True, text=True,
                         check=True, timeout=120)
    loaded, answers = json.loads(out.stdout)
    return loaded, answers


def test_the_grammar_waits_for_the_first_iri_and_answers_do_not_change():
    deferred = _probe("from juesuan.startup import defer_iri_grammar; defer_iri_grammar()")
    plain = _probe("")
    assert deferred[0] is False and plain[0] is True
    assert deferred[1] == plain[1] and True in plain[1] and False in plain[1]


def test_importing_juesuan_alone_changes_nothing():
    assert _probe("import juesuan, juesuan.report")[0] is True


def test_the_cli_and_the_kernels_juesuan_starts_defer_it(tmp_path):
    assert _probe("import juesuan.cli")[0] is False
    from juesuan.run import _ThisInterpreterKernelManager

    nb = new_notebook(cells=[new_code_cell(
        'import sys, jsonschema, great_expectations\nprint("rfc3987_syntax.syntax_helpers" in sys.modules)')],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, tmp_path / "in.ipynb")
    done = papermill.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"), progress_bar=False,
                                      kernel_manager_class=_ThisInterpreterKernelManager)
    assert done.cells[0].outputs[0]["text"].strip() == "False"
