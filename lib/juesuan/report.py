"""Turn an executed audit notebook into the self-contained HTML report.

The report is the notebook with code hidden, rendered by nbconvert in-process (about
10 ms per report once warm, against ~3 s for the ``jupyter nbconvert`` CLI) through the
``audit`` template shipped in ``juesuan/templates``. That template is nbconvert's ``lab``
template minus every script that nbconvert would load from a CDN, so a report opens
offline and makes no request to any other host. Images are ``data:`` URIs already.

The same notebook always gives the same bytes: cell ids are renumbered and papermill's
run metadata (timestamps, durations, random ids) is dropped before rendering.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

__all__ = ["REMOVED_CELL_TAGS", "notebook_to_html"]

REMOVED_CELL_TAGS = ("remove_cell", "injected-parameters")
"""Cells with these tags are left out of the HTML (they stay in report.ipynb).

papermill's injected-parameters cell shows absolute paths, escaped as ``\\uXXXX`` for
Chinese; the report states the parameters in readable form instead.
"""

_TEMPLATES = Path(__file__).parent / "templates"
_TEMPLATE = "audit"

# The cached exporter holds per-conversion state (resources, metadata); one lock makes it
# safe for threaded batch executors.
_lock = threading.Lock()


class _StableIds(Preprocessor):
    """Make the rendered notebook independent of the run that produced it.

    papermill gives its injected cell a random id and stamps every cell with start/end
    times; nbformat gives new cells random ids. Renumber the cells ``c0000``… and drop
    the run metadata so two runs of the same department give byte-identical HTML.
    """

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        for i, cell in enumerate(nb.cells):
            cell.id = f"c{i:04d}"
            cell.metadata.pop("papermill", None)
            cell.metadata.pop("execution", None)
        nb.metadata.pop("papermill", None)
        # The lab template prefers a notebook's own title over ours; ours is the argument.
        nb.metadata.pop("title", None)
        return nb, resources


@functools.cache
def _exporter() -> HTMLExporter:
    """The configured exporter, built once per process (construction takes ~0.4 s)."""
    config = Config({"TagRemovePreprocessor": {"remove_cell_tags": list(REMOVED_CELL_TAGS)}})
    exporter = HTMLExporter(
        config=config,
        template_name=_TEMPLATE,
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(_StableIds(), enabled=True)
    return exporter


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Render an (executed) notebook as the audit report's HTML page.

    Code inputs and prompts are hidden, cells tagged ``remove_cell`` or
    ``injected-parameters`` are left out, ``<title>`` is ``title``, and the page loads
    nothing from any other host. The argument is not modified. Identical notebooks give
    identical bytes, whatever papermill recorded about the run.
    """
    with _lock:
        body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body
