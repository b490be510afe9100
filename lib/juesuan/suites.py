"""Great-expectations suites: load ``expectations/*.json`` strictly and run them over claims.

This is the only module that imports great_expectations, and it does so inside functions:
the import costs about 4 s (tooling-notes §1.1), and the CLI, ``suite_hashes()`` and the
findings writer must not pay it.

Design notes (tooling-notes §1):

* Suites are hand-written GX 1.x JSON reviewed like code. ``gx.ExpectationSuite(**json)``
  silently drops an expectation whose type it does not know, so :func:`load_suite` builds every
  expectation itself and turns any problem into :class:`~juesuan.errors.InputError`.
* One ephemeral context per process, built on first use; the loaded suites are cached by file
  hash, so an edited suite is reloaded and the hash a report prints is the suite that ran.
* Suites are validated *unsaved*, through ``Batch.validate``: adding a suite to a context
  (``ctx.suites.add``) replaces the pinned expectation ids with random UUIDs.
* An expectation that raised is reported as "check errored", never as "data failed".
* Validation is the audit's largest cost, so it runs in two passes over one merged run of all
  suites: ``BOOLEAN_ONLY`` first, then ``COMPLETE`` for the expectations that failed or
  errored. An expectation whose ``rule == …`` condition selects no row is vacuously met
  without asking GX. ``tests/test_suites.py`` proves the outcomes equal a plain ``COMPLETE``
  run of every suite.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import juesuan

from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover - typing only; the real imports are lazy
    import pandas as pd
    from great_expectations import ExpectationSuite

__all__ = ["REQUIRED_META", "SEVERITIES", "Outcome", "load_suite", "suite_hashes", "suite_paths", "validate"]

#: Severities an expectation's ``meta.severity`` may take, most serious first.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
#: Keys every expectation's ``meta`` must carry (findings and reports are keyed on them).
REQUIRED_META: tuple[str, ...] = ("check_id", "severity", "why")

_SUITE_KEYS = frozenset({"name", "meta", "expectations", "notes", "id", "suite_parameters"})
_EXPECTATION_KEYS = frozenset({"type", "kwargs", "meta", "id", "notes", "description",
                               "rendered_content", "success_on_last_run"})
# Every suite runs over the claims frame; the claim id is how an unexpected row is named.
_RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["claim_id"]}


@dataclass(frozen=True)
class Outcome:
    """What one expectation concluded about the claims frame."""

    suite: str
    """Name of the suite the expectation belongs to (its file name without ``.json``)."""
    check_id: str
    """Stable rule id from the expectation's meta (``arithmetic.sum``)."""
    severity: str
    """``error``, ``warning`` or ``info``."""
    why: str
    """One line saying what the rule protects."""
    success: bool
    element_count: int
    """Rows the expectation looked at (after its ``row_condition``)."""
    unexpected_claim_ids: tuple[str, ...]
    """Claims that broke the rule, in frame order."""
    error: str | None = None
    """Set when the expectation itself raised: the check errored, the data did not fail."""

    @property
    def status(self) -> str:
        """``passed``, ``failed`` or ``errored`` — for a report's plan of checks."""
        if self.error is not None:
            return "errored"
        return "passed" if self.success else "failed"


def _expectations_dir() -> Path:
    # lib/juesuan/__init__.py → parents[2] is the repository root.
    return Path(juesuan.__file__).resolve().parents[2] / "expectations"


def suite_paths() -> dict[str, Path]:
    """Every suite file under the repository's ``expectations/`` folder, by suite name (file stem)."""
    folder = _expectations_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.json"))}


def suite_hashes() -> dict[str, str]:
    """Suite name → sha256 of the file's bytes, for reports and cache keys (no GX import)."""
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in suite_paths().items()}


def _bad(path: Path, problem: str, hint: str | None = None) -> InputError:
    return InputError(problem, path=str(path), hint=hint)


def _check_meta(path: Path, where: str, meta: Any) -> None:
    if not isinstance(meta, dict):
        raise _bad(path, f"{where}: 'meta' must be an object",
                   hint=f"give every expectation meta with {', '.join(REQUIRED_META)}")
    missing = [k for k in REQUIRED_META if not isinstance(meta.get(k), str) or not meta[k].strip()]
    if missing:
        raise _bad(path, f"{where}: meta is missing {', '.join(missing)}",
                   hint=f"every expectation needs non-empty meta {', '.join(REQUIRED_META)}")
    if meta["severity"] not in SEVERITIES:
        raise _bad(path, f"{where}: severity {meta['severity']!r} is not one of {', '.join(SEVERITIES)}",
                   hint="use error for broken identities, warning for checks with known false positives")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _bad(path, f"cannot read suite: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise _bad(path, "suite is not UTF-8 text", hint="save the file as UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"suite is not valid JSON: {exc.msg} (column {exc.colno})", path=str(path),
                         line=exc.lineno, hint="fix the JSON syntax") from exc
    if not isinstance(doc, dict):
        raise _bad(path, "a suite must be a JSON object", hint='{"name": …, "meta": {…}, "expectations": […]}')
    return doc


def load_suite(path: str | Path) -> ExpectationSuite:
    """Load one GX 1.x suite file strictly: every expectation in the file is in the suite.

    Raises :class:`~juesuan.errors.InputError` for bad JSON, unknown keys, an unknown
    expectation type, bad kwargs, missing meta ``check_id``/``severity``/``why``, a severity
    outside ``error``/``warning``/``info``, duplicate check ids, or a ``name`` that differs from
    the file name. Expectations without a pinned ``id`` get one derived from the suite name and
    check id, so results are reproducible either way.
    """
    import great_expectations as gx
    from great_expectations.exceptions import ExpectationNotFoundError
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    path = Path(path)
    doc = _read_json(path)
    unknown = sorted(set(doc) - _SUITE_KEYS)
    if unknown:
        raise _bad(path, f"unknown suite key(s): {', '.join(unknown)}",
                   hint=f"a suite has {', '.join(sorted(_SUITE_KEYS))}")
    if doc.get("name") != path.stem:
        raise _bad(path, f"suite name {doc.get('name')!r} differs from the file name {path.stem!r}",
                   hint=f'set "name": "{path.stem}" (reports key suites by file name)')
    raw = doc.get("expectations")
    if not isinstance(raw, list) or not raw:
        raise _bad(path, "'expectations' must be a non-empty list")

    configs = []
    seen_checks: set[str] = set()
    seen_ids: set[str] = set()
    for i, exp in enumerate(raw, 1):
        where = f"expectation #{i}"
        if not isinstance(exp, dict):
            raise _bad(path, f"{where} must be an object")
        meta = exp.get("meta")
        where = f"expectation #{i} ({meta.get('check_id') if isinstance(meta, dict) else exp.get('type')})"
        extra = sorted(set(exp) - _EXPECTATION_KEYS)
        if extra:
            raise _bad(path, f"{where}: unknown key(s) {', '.join(extra)}",
                       hint="an expectation has type, kwargs, meta and optionally id")
        if not isinstance(exp.get("type"), str) or not isinstance(exp.get("kwargs", {}), dict):
            raise _bad(path, f"{where}: needs a string 'type' and an object 'kwargs'")
        _check_meta(path, where, exp.get("meta"))
        check_id = exp["meta"]["check_id"]
        if check_id in seen_checks:
            raise _bad(path, f"{where}: check_id {check_id!r} is used twice", hint="check ids are unique")
        seen_checks.add(check_id)
        exp = dict(exp)
        exp.setdefault("id", str(uuid.uuid5(uuid.NAMESPACE_URL, f"juesuan/expectations/{path.stem}/{check_id}")))
        if exp["id"] in seen_ids:
            raise _bad(path, f"{where}: id {exp['id']} is used twice", hint="pin a distinct UUID per expectation")
        seen_ids.add(exp["id"])
        try:
            config = ExpectationConfiguration(**exp)
            # Building the domain object is what rejects an unknown type or a bad kwarg;
            # the suite constructor would only log and drop the expectation.
            config.to_domain_obj()
        except ExpectationNotFoundError as exc:
            raise _bad(path, f"{where}: unknown expectation type {exp['type']!r}",
                       hint="a typo, or a custom expectation whose module was not imported first") from exc
        except Exception as exc:  # pydantic ValidationError, TypeError, GX configuration errors
            raise _bad(path, f"{where}: bad kwargs: {_first_line(exc)}",
                       hint="see the expectation's documented arguments; unknown arguments are rejected") from exc
        configs.append(config)

    rest = {k: v for k, v in doc.items() if k != "expectations"}
    try:
        suite = gx.ExpectationSuite(expectations=configs, **rest)
    except Exception as exc:
        raise _bad(path, f"invalid suite: {_first_line(exc)}") from exc
    if len(suite.expectations) != len(raw):  # belt and braces against a silent drop
        raise _bad(path, f"{len(raw) - len(suite.expectations)} expectation(s) were dropped while loading")
    return suite


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # pydantic puts the useful part ("min_valuee: extra fields not permitted") on later lines.
    return "; ".join(lines[:3])


class _Engine:
    """The process-wide ephemeral context, its batch definition and the loaded suites."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = gx.get_context(mode="ephemeral")
        # TQDM_DISABLE does not work: GX passes disable= explicitly (tooling-notes §1.4).
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = self.context.data_sources.add_pandas("juesuan").add_dataframe_asset("claims")
        self.batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        self._suites: dict[str, tuple[str, ExpectationSuite]] = {}

    def suites(self) -> list[ExpectationSuite]:
        """Every suite under ``expectations/``, reloaded only when its file changed."""
        paths, hashes = suite_paths(), suite_hashes()
        for name in list(self._suites):
            if name not in paths:
                del self._suites[name]
        for name, path in paths.items():
            cached = self._suites.get(name)
            if cached is None or cached[0] != hashes[name]:
                self._suites[name] = (hashes[name], load_suite(path))
        return [self._suites[name][1] for name in paths]

    def run(self, batch: Any, expectations: list[Any], result_format: dict[str, Any],
            expectation_parameters: dict[str, float]) -> dict[str, dict[str, Any]]:
        """Validate ``expectations`` (from any suites) in one run; results by expectation id."""
        import great_expectations as gx

        if not expectations:
            return {}
        # Building the merged suite costs ~3 ms: not worth caching.
        suite = gx.ExpectationSuite(name="juesuan-run", expectations=[exp.configuration for exp in expectations])
        result = batch.validate(suite, result_format=result_format,
                                expectation_parameters=expectation_parameters).to_json_dict()
        # GX lists errored expectations first, so results are matched by id, not position.
        return {r["expectation_config"].get("id"): r for r in result["results"]}


_ENGINE: _Engine | None = None


def _engine() -> _Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _Engine()
    return _ENGINE


def validate(frame: pd.DataFrame, parameters: dict[str, float] | None = None) -> list[Outcome]:
    """Run every suite over the claims frame; one :class:`Outcome` per expectation.

    ``frame`` is :func:`juesuan.findings.reconciliation_frame`'s output (it needs a
    ``claim_id`` column). Outcomes come in suite-name order, then file order. Raises
    :class:`~juesuan.errors.InputError` for a malformed suite or when there is no suite at all.
    """
    if "claim_id" not in frame.columns:
        raise ValueError("the claims frame has no claim_id column (build it with reconciliation_frame)")
    engine = _engine()
    suites = engine.suites()
    if not suites:
        # Running no rule at all must not look like a clean audit.
        raise InputError(f"no suites found under {_expectations_dir()}",
                         hint="run from a source checkout (pip install -e .) that has expectations/*.json")
    batch = engine.batch_definition.get_batch(batch_parameters={"dataframe": frame})
    expectation_parameters = _parameters(parameters)
    plan = [(suite.name, exp, _rows_selected(frame, exp)) for suite in suites for exp in suite.expectations]

    # Pass 1: a yes/no answer from every expectation that has rows to look at, in one run.
    # BOOLEAN_ONLY skips the unexpected-row lists and costs about half of COMPLETE.
    quick = engine.run(batch, [exp for _, exp, rows in plan if rows != 0], {"result_format": "BOOLEAN_ONLY"},
                       expectation_parameters)
    # Pass 2: full results (row ids, errors, counts) only where pass 1 said no, or where the
    # row count cannot be read off the frame (a row_condition other than ``column == value``).
    again = [exp for _, exp, rows in plan
             if rows != 0 and (rows is None or not _succeeded(quick.get(exp.id)))]
    full = engine.run(batch, again, _RESULT_FORMAT, expectation_parameters)

    outcomes: list[Outcome] = []
    for suite_name, exp, rows in plan:
        if exp.id in full:
            outcomes.append(_outcome(suite_name, exp.meta, full[exp.id]))
        elif rows == 0:  # nothing to look at: vacuously met, as GX itself would say
            outcomes.append(_outcome(suite_name, exp.meta, {"success": True, "result": {"element_count": 0}}))
        else:
            res = quick.get(exp.id)
            outcomes.append(_outcome(suite_name, exp.meta,
                                     None if res is None else {**res, "result": {"element_count": rows}}))
    return outcomes


def _rows_selected(frame: pd.DataFrame, exp: Any) -> int | None:
    """How many rows an expectation's row_condition selects, when that can be read off the frame.

    Every juesuan suite selects its rows with ``rule == "<check id>"``; other conditions, and an
    expectation on a column the frame lacks (GX reports that as an error), answer None and are
    left to great_expectations.
    """
    from great_expectations.expectations.row_conditions import ComparisonCondition

    column = getattr(exp, "column", None)
    if isinstance(column, str) and column not in frame.columns:
        return None
    condition = getattr(exp, "row_condition", None)
    if condition is None:
        return len(frame)
    if (isinstance(condition, ComparisonCondition) and condition.operator == "=="
            and condition.column.name in frame.columns and isinstance(condition.parameter, str)):
        return int((frame[condition.column.name] == condition.parameter).sum())
    return None


def _succeeded(res: dict[str, Any] | None) -> bool:
    return res is not None and bool(res.get("success")) and _error_message(res.get("exception_info") or {}) is None


def _parameters(given: dict[str, float] | None) -> dict[str, float]:
    """Threshold values for the suites' ``$PARAMETER`` placeholders: params over the defaults."""
    from .params import Thresholds

    return {**Thresholds().expectation_parameters(), **(given or {})}


def _outcome(suite: str, meta: dict[str, Any], res: dict[str, Any] | None) -> Outcome:
    common = {"suite": suite, "check_id": meta["check_id"], "severity": meta["severity"], "why": meta["why"]}
    if res is None:
        return Outcome(**common, success=False, element_count=0, unexpected_claim_ids=(),
                       error="great_expectations returned no result for this expectation")
    error = _error_message(res.get("exception_info") or {})
    body = res.get("result") or {}
    ids = [row.get("claim_id") for row in body.get("unexpected_index_list") or [] if isinstance(row, dict)]
    return Outcome(
        **common,
        success=bool(res.get("success")) and error is None,
        element_count=int(body.get("element_count") or 0),
        unexpected_claim_ids=tuple(dict.fromkeys(str(i) for i in ids if i is not None)),
        error=error,
    )


def _error_message(info: dict[str, Any]) -> str | None:
    """The exception message of an expectation that raised, else None.

    ``exception_info`` is either one ``{raised_exception, exception_message, …}`` record or,
    when metric computation failed, a dict of such records keyed by metric configuration id.
    """
    records = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    messages = [str(r.get("exception_message") or "unknown error") for r in records if r.get("raised_exception")]
    return "; ".join(dict.fromkeys(messages)) if messages else None
