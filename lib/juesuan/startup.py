"""How juesuan's own processes start: without building a grammar nothing uses.

jsonschema imports ``rfc3987_syntax`` whenever it is installed (JupyterLab brings it, through
jupyter-events → ``jsonschema[format-nongpl]``) to check the ``iri`` string formats, and that
import compiles a Lark Earley grammar: ~1.1 s of CPU in every process that imports jsonschema.
nbformat, papermill, nbconvert and great-expectations (through altair) all do, so every juesuan
command, every batch worker and every kernel paid it — twice per worker (tooling-notes §1.1,
python-jsonschema/jsonschema#1392). juesuan validates no IRI.

:func:`defer_iri_grammar` puts a stand-in in ``sys.modules`` that loads the real module the
first time an IRI is checked (or anything else of it is used), so code that does check IRIs gets
exactly the answers it got before. The CLI, the batch workers and the kernels juesuan starts
(:mod:`juesuan.kernel`) call it first; importing ``juesuan`` itself changes nothing, so a
notebook opened in JupyterLab runs as it always did.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__all__ = ["defer_iri_grammar"]

_NAME = "rfc3987_syntax"


class _Deferred(types.ModuleType):
    """Stands in for rfc3987_syntax until something of it is used."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # import machinery probing (__file__, __loader__…): not a use
            raise AttributeError(name)
        return getattr(_real(), name)


def _real() -> types.ModuleType:
    if isinstance(sys.modules.get(_NAME), _Deferred):
        del sys.modules[_NAME]
    return importlib.import_module(_NAME)


def _is_valid_syntax(term: str, value: str) -> bool:
    return _real().is_valid_syntax(term, value)


def defer_iri_grammar() -> None:
    """Defer importing rfc3987_syntax (and compiling its grammar) until an IRI is validated.

    Does nothing when it is not installed or already imported. Call it before anything imports
    jsonschema.
    """
    if _NAME in sys.modules:
        return
    spec = importlib.util.find_spec(_NAME)
    if spec is None:
        return
    stand_in = _Deferred(_NAME, "rfc3987_syntax, loaded on first use (juesuan.startup)")
    stand_in.__spec__ = spec
    stand_in.__path__ = list(spec.submodule_search_locations or [])
    # the one name jsonschema imports from it, bound now so `from … import` does not load it
    stand_in.is_valid_syntax = _is_valid_syntax
    sys.modules[_NAME] = stand_in
