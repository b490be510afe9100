"""A department's audit parameters (``params/<department-id>.yaml``, interface.md)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError

__all__ = ["MAX_PARAMS_BYTES", "AuditParams", "Materiality", "Thresholds", "load_params"]

MAX_PARAMS_BYTES = 64 * 1024
"""A params file is a dozen lines; anything this large is not one (and is not read whole)."""

_HINT = "see params/songshan-gov-office.yaml for the format"


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
    department_name: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    """One line of text: no newlines or control characters (it becomes a title and a heading)."""
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
    return InputError(f"not valid YAML: {problem}", path=str(path), line=line, hint=_HINT)


def _line_of(text: str, key: str) -> int | None:
    m = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text[: m.start()].count("\n") + 1 if m else None


def _read_text(p: Path) -> str:
    """The file's text, refusing what cannot be a params file before parsing it."""
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_PARAMS_BYTES + 1)
    except FileNotFoundError:
        raise InputError("no such params file", path=str(p)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a params file", path=str(p), hint="pass params/<department-id>.yaml") from None
    except OSError as exc:
        raise InputError(f"cannot read the params file: {exc.strerror or type(exc).__name__}", path=str(p)) from None
    if len(raw) > MAX_PARAMS_BYTES:
        raise InputError(f"too large for a params file (over {MAX_PARAMS_BYTES // 1024} kB)", path=str(p), hint=_HINT)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", path=str(p), line=line,
                         hint="save the params file as UTF-8") from None


class _NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses the first anchor or alias it meets, before building anything.

    An alias is a reference, so nested aliases (the "billion laughs" file) load as a small graph
    that any later walk over it expands exponentially; a params file never needs them.
    """

    def compose_node(self, parent: object, index: object) -> object:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


class _AliasRefused(Exception):
    def __init__(self, mark: yaml.Mark | None) -> None:
        super().__init__()
        self.mark = mark


def _parse(p: Path, text: str) -> object:
    """The YAML document of a params file, anchors and aliases refused."""
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # a SafeLoader subclass: no arbitrary objects
    except _AliasRefused as exc:
        raise InputError("YAML anchors and aliases (& and *) are not allowed in a params file", path=str(p),
                         line=exc.mark.line + 1 if exc.mark else None, hint="write each value out") from None
    except yaml.YAMLError as exc:
        raise _yaml_error(p, exc) from None
    except RecursionError:  # thousands of nested [[[ … ]]]
        raise InputError("nested too deeply to be a params file", path=str(p), hint=_HINT) from None


def load_params(path: str | Path) -> AuditParams:
    """Read and validate a params file; resolve ``source``/``prior_source`` against its folder.

    Raises :class:`InputError` naming the file, the line and the field for anything that does
    not fit the schema, and when a source file does not exist. ``source``, ``prior_source`` and
    ``figures`` may be relative to the params file (``../`` included) or absolute (interface.md);
    they are only read, and must be regular files (a symlink counts as what it points to), so a
    device or a FIFO is refused rather than read forever.
    """
    p = Path(path)
    text = _read_text(p)
    data = _parse(p, text)
    if not isinstance(data, dict):
        raise InputError("a params file must be a YAML mapping of keys to values", path=str(p),
                         hint="see params/songshan-gov-office.yaml")
    allowed = ", ".join(k for k in AuditParams.model_fields if k != "params_path")
    odd = [k for k in data if not isinstance(k, str) or k == "params_path"]
    if odd:
        raise InputError(f"unknown key {odd[0]!r}", path=str(p), hint="allowed keys are " + allowed)
    base = p.resolve().parent
    for key in ("source", "prior_source", "figures"):
        value = data.get(key)
        if isinstance(value, str):
            if not value.strip() or "\x00" in value:
                raise InputError(f"{key}: not a file name: {value!r}", path=str(p), line=_line_of(text, key),
                                 hint="give a path relative to the params file, or an absolute one")
            try:
                data[key] = (base / value).resolve()
            except (OSError, RuntimeError) as exc:  # a symlink loop, a name too long
                raise InputError(f"{key}: cannot resolve {value!r}: {getattr(exc, 'strerror', None) or exc}",
                                 path=str(p), line=_line_of(text, key), hint="fix the path") from None
    try:
        params = AuditParams(**data, params_path=p.resolve())
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"]) or "(top level)"
        top = str(err["loc"][0]) if err["loc"] else ""
        raise InputError(f"{field}: {err['msg']}", path=str(p), line=_line_of(text, top),
                         hint="fix that key; allowed keys are " + allowed) from None
    for key in ("source", "prior_source", "figures"):
        src = getattr(params, key)
        try:
            usable = src is None or src.is_file()
            what = "not a regular file" if src is not None and src.exists() else "file not found"
        except OSError as exc:  # a name too long, a permission denied on a folder
            usable, what = False, f"cannot be looked up ({exc.strerror or exc})"
        if not usable:
            raise InputError(f"{key} {what}: {src.name}", path=str(p), line=_line_of(text, key),
                             hint="paths are relative to the params file")
    return params
