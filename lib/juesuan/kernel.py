"""The kernel juesuan runs notebooks on: ipykernel, started the way juesuan's processes start.

``python -m juesuan.kernel -f CONNECTION_FILE`` is ``python -m ipykernel_launcher`` after
:func:`juesuan.startup.defer_iri_grammar` (~1.1 s less to import great-expectations). The kernel
manager in :mod:`juesuan.run` launches it; the notebook cannot tell the difference.
"""

from __future__ import annotations

import sys

from juesuan.startup import defer_iri_grammar


def main() -> None:
    defer_iri_grammar()
    if sys.path and sys.path[0] == "":  # as ipykernel_launcher: the cwd is not an import path
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
