"""Stand-ins for the audit notebook: a parameters cell and one cell of the test's own code."""

from __future__ import annotations

from pathlib import Path

import nbformat


def stub_notebook(path: Path, code: str) -> Path:
    """Write a notebook at ``path`` taking papermill's ``params_path``/``output_dir`` and running ``code``."""
    params = nbformat.v4.new_code_cell('params_path = ""\noutput_dir = ""', metadata={"tags": ["parameters"]})
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell(code)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, path)
    return path
