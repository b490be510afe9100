"""juesuan — reproducible audit notebooks for 部门决算公开 disclosures.

Public API (importing the package is cheap and has no side effects)::

    from juesuan import load_params, audit_document, audit_file, read_document, extract
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("juesuan")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"

__all__ = ["__version__", "audit_document", "audit_file", "extract", "load_params", "read_document"]


def __getattr__(name: str):  # lazy: `import juesuan` must not import pandas or great_expectations
    if name in ("audit_document", "audit_file"):
        from . import audit
        return getattr(audit, name)
    if name == "load_params":
        from .params import load_params
        return load_params
    if name == "read_document":
        from .ingest import read_document
        return read_document
    if name == "extract":
        from .extract import extract
        return extract
    raise AttributeError(name)
