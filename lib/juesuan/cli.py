"""The ``juesuan`` command: a thin shell over the library (interface.md).

Every command maps :class:`~juesuan.errors.JuesuanError` to one line on stderr and exit 2;
any other exception is a bug and shows a traceback only with ``--debug`` (or
``JUESUAN_DEBUG=1``), otherwise one line asking for a bug report.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import JuesuanError
from .startup import defer_iri_grammar

defer_iri_grammar()  # every command that reaches papermill or great-expectations starts ~1 s sooner

_DEBUG = {"on": bool(os.environ.get("JUESUAN_DEBUG"))}


def _endpoint(fn: Callable[..., int]) -> Callable[..., None]:
    """Run a command body; turn our errors into one line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = fn(*args, **kwargs)
        except JuesuanError as exc:
            if _DEBUG["on"]:
                raise
            click.echo(f"juesuan: {exc.one_line()}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("juesuan: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug in juesuan: say so in one line unless debugging
            if _DEBUG["on"]:
                raise
            click.echo(f"juesuan: internal error: {type(exc).__name__}: {exc} "
                       "(rerun with --debug for the traceback and report it)", err=True)
            sys.exit(2)
        sys.exit(code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="juesuan")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """Audit Chinese department final-accounts disclosures (部门决算公开)."""
    if debug:
        _DEBUG["on"] = True


def _existing(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise JuesuanError("no such file", path=path)
    return p


def _table(result: Any) -> str:
    doc = result.findings_document()
    s = doc["summary"]
    head = (f"{doc['source']['path']}: {s['claims']} claims, {s['inconsistent']} inconsistent, "
            f"{s['uncheckable']} uncheckable; {s['errors']} errors, {s['warnings']} warnings")
    lines = [head]
    for f in result.findings:
        lines.append(f"  {f.id} {f.severity:<7} {f.rule:<24} line {f.line:<5} {f.amount_wan:>10.2f} 万元  {f.message}")
        lines.append(f"       「{f.quote[:80]}」")
    return "\n".join(lines)


@main.command()
@click.argument("file")
@click.option("--json", "as_json", is_flag=True, help="Print the findings document (juesuan/findings/1).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when inconsistencies are found.")
@_endpoint
def check(file: str, as_json: bool, exit_zero: bool) -> int:
    """Extract every claim from FILE, check it and print the findings."""
    from .audit import audit_file

    result = audit_file(_existing(file))
    if as_json:
        click.echo(json.dumps(result.findings_document(), ensure_ascii=False, indent=2))
    else:
        click.echo(_table(result))
    if result.summary["claims"] == 0:
        # Not exit 2: a disclosure juesuan cannot read yet looks the same, and 2 means "could not run".
        click.echo(f"juesuan: {file}: no 部门决算 claim recognised — is this the disclosure? "
                   "(see juesuan extract --coverage for the numbers it saw)", err=True)
    return 0 if exit_zero or result.summary["inconsistent"] == 0 else 1


@main.command("extract")
@click.argument("file")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the figures document here.")
@click.option("--coverage", is_flag=True, help="List every number in the text that no claim or figure used.")
@_endpoint
def extract_cmd(file: str, output: str | None, coverage: bool) -> int:
    """Write the figures document of FILE (figures and claims, no verdicts)."""
    from .extract import extract
    from .ingest import read_document

    doc = read_document(_existing(file))
    ex = extract(doc)
    if coverage:
        from .coverage import unread_numbers, used_numbers

        left = unread_numbers(doc.lines, used_numbers([ex.claims, ex.template, getattr(ex, "performance", None)]),
                              ex.line_sections())
        for row in left.itertuples():
            click.echo(f"{row.line:>5}  {row.number:<12} {row.section[:16]:<16}  …{row.context}…")
        click.echo(f"{len(left)} numbers not read", err=True)
        return 0
    from .figures import figures_document

    payload = figures_document({"path": Path(file).name, "sha256": doc.sha256}, ex.claims, ex.tables())
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if output:
        from .findings import atomic_write_text
        atomic_write_text(Path(output), text)
    else:
        click.echo(text, nl=False)
    return 0


def _number(text: str, name: str, kind: type, lo: float, hi: float | None = None) -> Any:
    """An argument parsed here, so a bad one is one line on stderr and exit 2 (not click's usage block)."""
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or math.isnan(value) or value < lo or (hi is not None and value > hi):
        bounds = f"{lo:g}–{hi:g}" if hi is not None else f"≥ {lo:g}"
        raise JuesuanError(f"{name} must be {'a whole number' if kind is int else 'a number'} {bounds}, got {text!r}")
    return value


@main.command()
@click.argument("n")
@click.argument("outdir")
@click.option("--seed", default="0", metavar="S", show_default=True, help="Random seed: the same seed writes the same files.")
@click.option("--faults", default="0.3", metavar="RATE", show_default=True, help="Share of departments given injected faults (0–1).")
@_endpoint
def synth(n: str, outdir: str, seed: str, faults: str) -> int:
    """Generate N synthetic departments under OUTDIR: params/, data/ and truth/ (issue 5)."""
    count = _number(n, "N", int, 0)
    seed_value = _number(seed, "--seed", int, 0)
    rate = _number(faults, "--faults", float, 0, 1)
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise JuesuanError("exists and is not a folder", path=outdir, hint="pass a folder to write into")
    from .synth import synthesize

    paths = synthesize(count, out, seed=seed_value, faults=rate)
    click.echo(f"{len(paths)} departments written to {out} (params/, data/, truth/)")
    return 0


@main.command()
@click.argument("params_file")
@click.option("-o", "--output-dir", default="reports", show_default=True, help="Reports folder.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when inconsistencies are found.")
@click.option("--timeout", "timeout", default="600", metavar="SECONDS", show_default=True,
              help="Time limit for the whole audit; past it the kernel is stopped and the audit fails (exit 2).")
@_endpoint
def audit(params_file: str, output_dir: str, exit_zero: bool, timeout: str) -> int:
    """Run notebooks/audit.ipynb for one department and write its HTML report.

    Outputs are written to a staging folder and moved into OUTDIR/<id>/ at the end: a run that
    fails before that leaves the earlier outputs as they were.
    """
    from .params import load_params

    seconds = _number(timeout, "--timeout", float, 1)
    load_params(params_file)  # bad params are refused before papermill and nbconvert are even imported
    if not _DEBUG["on"]:
        # papermill/nbclient log a timeout or a dead kernel themselves; the error line below says it once.
        import logging

        logging.getLogger("papermill").addHandler(logging.NullHandler())
        logging.getLogger("papermill").propagate = False
    from .run import run_audit

    run = run_audit(params_file, output_dir, time_limit=seconds)
    click.echo(f"{run.department_id}: {run.report_html} ({run.inconsistent} inconsistent, {run.errors} errors)")
    return 0 if exit_zero or run.inconsistent == 0 else 1


@main.command()
@click.argument("params", nargs=-1)
@click.option("-o", "--output-dir", default="reports", show_default=True, help="Reports folder (one folder per department, index.html).")
@click.option("-j", "--jobs", default=None, metavar="N", help="Worker processes (default: CPU count, at most 4).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool; dask: a Dask cluster (a LocalCluster unless --scheduler).")
@click.option("--scheduler", default=None, metavar="ADDR", help="Dask scheduler address, e.g. tcp://host:8786.")
@click.option("--force", is_flag=True, help="Audit every department again, even unchanged ones.")
@click.option("--cold", is_flag=True, help="A fresh kernel per department (audit-grade, slower) instead of a warm one.")
@click.option("--timeout", "timeout", default="600", metavar="SECONDS", show_default=True,
              help="Time limit per department; past it the kernel counts as hung (replaced, retried once).")
@click.option("--max-memory", "max_memory", default="4096", metavar="MB", show_default=True,
              help="Memory limit per worker and its kernel; past it the department fails (not retried).")
@_endpoint
def batch(params: tuple[str, ...], output_dir: str, jobs: str | None, executor: str, scheduler: str | None,
          force: bool, cold: bool, timeout: str, max_memory: str) -> int:
    """Audit every department of PARAMS files and folders (default params/); write OUTDIR/index.html.

    Unchanged departments (same params, inputs, code, suites and version) are skipped. Exit 0
    when every department ran, 3 when some could not (each still gets a report page saying why),
    2 when the batch could not start (e.g. another batch holds OUTDIR).
    """
    from .batch.core import log_line, run_batch, stream_is_terminal

    workers = _number(jobs, "-j", int, 1) if jobs is not None else max(1, min(4, os.cpu_count() or 1))
    seconds = _number(timeout, "--timeout", float, 1)
    memory_mb = _number(max_memory, "--max-memory", float, 256)
    bar = None
    if stream_is_terminal():
        from tqdm import tqdm

        bar = tqdm(unit="dept", desc="batch", dynamic_ncols=True)

    def progress(res: Any, done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.set_postfix_str(f"{res.department_id} {res.status}", refresh=False)
            bar.update(1)
            if res.status == "failed":
                bar.write(log_line(res, done, total))
        else:
            click.echo(log_line(res, done, total), err=True)

    try:
        result = run_batch(params or ("params",), output_dir, workers=workers, executor=executor,
                           scheduler=scheduler, force=force, execution_timeout=seconds, max_memory_mb=memory_mb,
                           engine=None if cold else "juesuan-warm", progress=progress)
    finally:
        if bar is not None:
            bar.close()
    click.echo(f"{len(result.departments)} departments: {result.count('ok')} audited, "
               f"{result.count('skipped')} unchanged, {len(result.failed)} failed "
               f"in {result.seconds:.1f} s; {result.index_html}")
    for d in result.failed:
        click.echo(f"  failed: {d.department_id}: {d.message}", err=True)
    if result.index_error:
        click.echo(f"  failed: index.html: {result.index_error}", err=True)
    return 3 if result.failed or result.index_error else 0


if __name__ == "__main__":  # pragma: no cover
    main()
