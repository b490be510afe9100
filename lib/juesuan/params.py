"""A department's audit parameters (``params/<department-id>.yaml``, interface.md)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError

__all__ = ["AuditParams", "Materiality", "Thresholds", "load_params"]


class Materiality(BaseModel):
    """Variance lines above either threshold need an explanation in the text."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    amount_wan: float = Field(10.0, ge=0)
    share_pct: float = Field(10.0, ge=0)


class Thresholds(BaseModel):
    """Judgement calls, with the defaults documented in README.md (domain.md §4, §5, §8)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    execution_low_pct: float = Field(80.0, ge=0, le=100)
    """Execution rates below this are flagged for a concrete reason (R9; Sichuan asks below 90%)."""
    target_too_low_ratio: float = Field(1.5, gt=1)
    """Actual / target above which a performance target looks set too low (P9)."""
    reverse_formula: str = Field("ratio", pattern="^(ratio|deviation|binary)$")
    """How a 反向 (≤) indicator that misses its target is scored (P7): ``ratio`` (weight × target/actual),
    ``deviation`` or ``binary`` (see juesuan.scoring.REVERSE_FORMULAS)."""

    def expectation_parameters(self) -> dict[str, float]:
        """The values the suites' ``$PARAMETER`` placeholders read."""
        return {"execution_low_pct": self.execution_low_pct, "target_too_low_ratio": self.target_too_low_ratio}


class AuditParams(BaseModel):
    """Validated parameters of one department's audit. Paths are absolute."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    department_id: str = Field(pattern=r"^[a-z0-9-]+$", min_length=1, max_length=80)
    department_name: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=1990, le=2100)
    source: Path
    prior_source: Path | None = None
    figures: Path | None = None
    """An auditor-corrected figures.json (``juesuan extract -o``) to audit instead of reading ``source``."""
    materiality: Materiality = Materiality()
    thresholds: Thresholds = Thresholds()
    params_path: Path | None = Field(None, exclude=True)


def _yaml_error(path: Path, exc: yaml.YAMLError) -> InputError:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return InputError(f"not valid YAML: {problem}", path=str(path), line=line,
                      hint="see params/songshan-gov-office.yaml for the format")


def _line_of(text: str, key: str) -> int | None:
    m = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text[: m.start()].count("\n") + 1 if m else None


def load_params(path: str | Path) -> AuditParams:
    """Read and validate a params file; resolve ``source``/``prior_source`` against its folder.

    Raises :class:`InputError` naming the file, the line and the field for anything that does
    not fit the schema, and when a source file does not exist.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such params file", path=str(p)) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the params file ({type(exc).__name__})", path=str(p)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(p, exc) from None
    if not isinstance(data, dict):
        raise InputError("a params file must be a YAML mapping of keys to values", path=str(p),
                         hint="see params/songshan-gov-office.yaml")
    base = p.resolve().parent
    for key in ("source", "prior_source", "figures"):
        if isinstance(data.get(key), str):
            data[key] = (base / data[key]).resolve()
    try:
        params = AuditParams(**data, params_path=p.resolve())
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"]) or "(top level)"
        top = str(err["loc"][0]) if err["loc"] else ""
        raise InputError(f"{field}: {err['msg']}", path=str(p), line=_line_of(text, top),
                         hint="fix that key; allowed keys are " + ", ".join(
                             k for k in AuditParams.model_fields if k != "params_path")) from None
    for key in ("source", "prior_source", "figures"):
        src = getattr(params, key)
        if src is not None and not src.is_file():
            raise InputError(f"{key} file not found: {src.name}", path=str(p), line=_line_of(text, key),
                             hint="paths are relative to the params file")
    return params
