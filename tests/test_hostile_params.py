"""Issue 8, params half: a hostile or broken params file is refused in one line, before anything runs.

Each row of the catalogue runs the real CLI (``juesuan audit PARAMS -o OUT``) and asserts exit 2,
one line on stderr naming the file and the problem, no traceback, and no output folder touched.
One full audit (the injection test) proves that crafted paths cannot run code in the kernel.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from commands import one_line_error, run_cli
from juesuan.errors import InputError
from juesuan.params import MAX_PARAMS_BYTES, load_params

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "songshan-gov-office" / "2024.txt"
GOOD = "department_id: x\ndepartment_name: 松山\nyear: 2024\nsource: a.txt\n"






BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    + ["department_id: *i", "department_name: x", "year: 2024", "source: a.txt"]) + "\n"

# what happens when… (the params file), what must the one line name
CATALOGUE = [
    ("unknown key", GOOD + "colour: red\n", "colour"),
    ("unknown nested key", GOOD + "thresholds: {execution_low: 50}\n", "execution_low"),
    ("non-string key", GOOD + "1: one\n", "unknown key 1"),
    ("year not a number", GOOD.replace("2024", "twenty"), "year"),
    ("materiality a list", GOOD + "materiality: [10, 10]\n", "materiality"),
    ("threshold with a percent sign", GOOD + 'thresholds: {execution_low_pct: "80%"}\n', "execution_low_pct"),
    ("required key missing", "department_id: x\ndepartment_name: 松山\nsource: a.txt\n", "year"),
    ("not a mapping (a list)", "- department_id\n- x\n", "mapping"),
    ("not a mapping (a scalar)", "just a sentence\n", "mapping"),
    ("empty file", "", "mapping"),
    ("billion laughs", BILLION_LAUGHS, "aliases"),
    ("a single anchor", GOOD.replace("department_name: 松山", "department_name: &n 松山"), "anchors"),
    ("python object tag", GOOD + "x: !!python/object/apply:os.system ['true']\n", "YAML"),
    ("department_id climbs out", GOOD.replace("department_id: x", "department_id: ../../evil"), "department_id"),
    ("department_id absolute", GOOD.replace("department_id: x", "department_id: /tmp/evil"), "department_id"),
    ("department_id with a trailing newline", GOOD.replace("department_id: x", 'department_id: "x\\n"'),
     "department_id"),
    ("department_name on two lines", GOOD.replace("department_name: 松山", 'department_name: "松山\\n# 标题"'),
     "department_name"),
    ("source missing", GOOD.replace("a.txt", "../nowhere/a.txt"), "source"),
    ("source a folder", GOOD.replace("source: a.txt", "source: ."), "not a regular file"),
    ("source a device", GOOD.replace("source: a.txt", "source: /dev/zero"), "not a regular file"),
    ("source empty", GOOD.replace("source: a.txt", 'source: ""'), "source"),
    ("figures a number", GOOD + "figures: 12\n", "figures"),
]


@pytest.mark.parametrize("body, needle", [c[1:] for c in CATALOGUE], ids=[c[0] for c in CATALOGUE])
def test_a_bad_params_file_is_one_line_and_touches_nothing(tmp_path: Path, body: str, needle: str) -> None:
    (tmp_path / "a.txt").write_text("收入合计 1.00万元", encoding="utf-8")
    p = tmp_path / "x.yaml"
    p.write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    earlier = out / "x" / "report.html"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"<p>earlier</p>")
    started = time.monotonic()
    one_line_error(run_cli("audit", str(p), "-o", str(out)), "x.yaml", needle)
    assert time.monotonic() - started < 60  # refused fast: no kernel, no expansion
    assert sorted(q.name for q in out.rglob("*")) == ["report.html", "x"]
    assert earlier.read_bytes() == b"<p>earlier</p>"


def test_the_billion_laughs_is_refused_in_the_library_without_expanding() -> None:
    started = time.perf_counter()
    with pytest.raises(InputError, match="aliases"):
        _load_text(BILLION_LAUGHS)
    assert time.perf_counter() - started < 1.0


def _load_text(text: str, name: str = "x.yaml", data: bytes | None = None) -> object:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "a.txt").write_text("收入合计 1.00万元", encoding="utf-8")
        p = Path(d) / name
        p.write_bytes(data if data is not None else text.encode("utf-8"))
        return load_params(p)


@pytest.mark.parametrize("data, needle", [
    (GOOD.replace("松山", "松山").encode("gbk"), "not UTF-8"),
    (GOOD.encode("utf-16"), "not UTF-8"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (("# " + "x" * 100 + "\n") * (MAX_PARAMS_BYTES // 100) + GOOD, "too large"),
    ("[" * 5000 + "]" * 5000 + "\n", None),
])
def test_unreadable_params_text_names_the_problem(data: bytes | str, needle: str | None) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(InputError) as caught:
        _load_text("", data=raw)
    line = caught.value.one_line()
    assert "x.yaml" in line and "\n" not in line
    if needle:
        assert needle in line


def test_a_non_utf8_params_file_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("收入合计 1.00万元", encoding="utf-8")
    p = tmp_path / "gbk.yaml"
    p.write_bytes(GOOD.encode("gbk"))
    one_line_error(run_cli("audit", str(p), "-o", str(tmp_path / "out")), "gbk.yaml", "not UTF-8", "save")
    assert not (tmp_path / "out").exists()


def test_a_utf8_bom_is_fine() -> None:
    assert _load_text("", data=b"\xef\xbb\xbf" + GOOD.encode("utf-8")).department_name == "松山"


# -- where source may point (interface.md: "relative to this params file, or absolute") -------


def test_source_may_be_absolute_or_climb_or_be_a_link_and_is_read_where_it_points(tmp_path: Path) -> None:
    """Sources are only read: ``../`` and absolute paths are the documented contract."""
    (tmp_path / "params").mkdir()
    link = tmp_path / "params" / "linked.txt"
    link.symlink_to(SEED)  # a link to a file outside the params folder
    for source, expected in ((str(SEED), SEED), ("linked.txt", SEED.resolve()),
                             (os.path.relpath(SEED, tmp_path / "params"), SEED.resolve())):
        p = tmp_path / "params" / "x.yaml"
        p.write_text(GOOD.replace("a.txt", source), encoding="utf-8")
        assert load_params(p).source == expected.resolve()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_source_that_is_a_fifo_is_refused_not_read_forever(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a.txt")
    p = tmp_path / "x.yaml"
    p.write_text(GOOD, encoding="utf-8")
    with pytest.raises(InputError, match="not a regular file"):
        load_params(p)


def test_a_symlink_loop_as_source_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    p = tmp_path / "x.yaml"
    p.write_text(GOOD, encoding="utf-8")
    with pytest.raises(InputError, match="source"):
        load_params(p)


# -- values crafted to break out of papermill's injected parameters cell ------------------------


@pytest.mark.slow
def test_crafted_params_path_and_output_dir_run_nothing(tmp_path: Path) -> None:
    """papermill writes ``params_path = "…"``: quotes, newlines, triple quotes and backslashes in
    the paths must stay inside the string literal (and the kernel must only read them as paths)."""
    marker = tmp_path / "PWNED"  # the kernel runs in the CLI's working folder, tmp_path
    payload = "__import__('os').system('touch PWNED')"
    name = f'p"\'\n{payload}\n"""\\x\\"{payload}#.yaml'
    folder = tmp_path / f'in"""\\\n{payload}\n'
    folder.mkdir()
    p = folder / name
    p.write_text(f"department_id: crafted\ndepartment_name: 松山\nyear: 2024\nsource: {SEED}\n", encoding="utf-8")
    out = tmp_path / f'out"\n{payload}\n\'\'\'\\'
    proc = run_cli("audit", str(p), "-o", str(out), cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert not marker.exists(), "a parameter value ran as code"
    dept = out / "crafted"
    assert sorted(q.name for q in dept.iterdir()) == ["findings.csv", "findings.json", "report.html", "report.ipynb"]
    import nbformat

    record = nbformat.read(dept / "report.ipynb", as_version=4)
    # the record names the real folder (papermill's escaping, re-applied), so a rerun writes next to it
    assert record.metadata.papermill.parameters == {"params_path": str(p.resolve()), "output_dir": str(dept.resolve())}
    injected = next(c for c in record.cells if "injected-parameters" in c.metadata.get("tags", []))
    import ast

    # the cell is nothing but assignments of string literals
    tree = ast.parse(injected.source)
    assert all(isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant) for s in tree.body), injected.source
    scope = {s.targets[0].id: ast.literal_eval(s.value) for s in tree.body}
    assert scope == {"params_path": str(p.resolve()), "output_dir": str(dept.resolve())}
    assert not marker.exists()
