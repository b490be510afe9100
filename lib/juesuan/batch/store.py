"""Where a batch's outputs live: a local folder, or any fsspec URL (``s3://…``, ``gcs://…``, ``file://…``).

Departments always run into a local folder (papermill, nbconvert and the atomic writes want a
real file system). For a URL, each department's files are then uploaded, ``manifest.json``
last: object stores write an object whole, so a reader sees the previous file or the new one,
and a department whose upload was cut short has no new manifest and runs again next time. The
portfolio page is built in a local copy of every department's ``manifest.json`` and
``findings.json`` and uploaded the same way.

Both stores answer the same questions (:meth:`read_bytes`, :meth:`exists`, :meth:`departments`,
:meth:`location`), hold the batch lock (:meth:`lock`) and lend a local folder to work in
(:meth:`local_copy`), so the batch itself never asks which one it has. On a URL the lock is
advisory (a lock object naming the holder, removed at the end): object stores have no ``flock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import JuesuanError

__all__ = ["FsspecStore", "LocalStore", "open_store", "staging"]


def _holder() -> str:
    return f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}"


def _locked(where: str, holder: str, hint: str = "wait for it to finish, or use another -o") -> JuesuanError:
    return JuesuanError(f"another juesuan batch is already writing to this folder ({holder or 'another process'})",
                        path=where, hint=hint)


class LocalStore:
    """Outputs in a local folder: every read and write goes straight to it."""

    remote = False

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.url = str(self.root)

    def location(self, rel: str = "") -> Path:
        """Where ``rel`` is, as the user should be told."""
        return self.root / rel if rel else self.root

    def read_bytes(self, rel: str) -> bytes | None:
        try:
            return (self.root / rel).read_bytes()
        except OSError:
            return None

    def exists(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def departments(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold ``root/name`` with ``flock``; a second holder gets a JuesuanError (exit 2)."""
        self.root.mkdir(parents=True, exist_ok=True)
        fh = open(self.root / name, "a+", encoding="utf-8")  # noqa: SIM115 - held (and locked) across the yield
        try:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                raise _locked(str(self.root), fh.read().strip()) from None
            fh.seek(0)
            fh.truncate()
            fh.write(_holder() + "\n")
            fh.flush()
            yield
        finally:
            fh.close()  # releases the flock; the file stays, harmlessly

    @contextlib.contextmanager
    def local_copy(self, reads: tuple[str, ...], writes: tuple[str, ...]) -> Iterator[Path]:
        """The folder itself: nothing to copy in or out."""
        yield self.root


class FsspecStore:
    """Outputs under an fsspec URL; departments are staged locally and uploaded (see the module doc)."""

    remote = True

    def __init__(self, url: str) -> None:
        import fsspec

        self.url = url.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.url)

    def path(self, rel: str) -> str:
        """The store's own path of ``rel``."""
        return f"{self.root}/{rel}" if rel else self.root

    def location(self, rel: str = "") -> str:
        return f"{self.url}/{rel}" if rel else self.url

    def read_bytes(self, rel: str) -> bytes | None:
        try:
            return self.fs.cat_file(self.path(rel))
        except (OSError, ValueError):  # FileNotFoundError and the stores' own errors
            return None

    def exists(self, rel: str) -> bool:
        try:
            return bool(self.fs.isfile(self.path(rel)))
        except OSError:
            return False

    def departments(self) -> list[str]:
        try:
            entries = self.fs.ls(self.root, detail=True)
        except (OSError, ValueError):
            return []
        names = [e["name"].rstrip("/").rsplit("/", 1)[-1] for e in entries if e.get("type") == "directory"]
        return sorted(n for n in names if not n.startswith("."))

    def upload(self, rel: str, data: bytes) -> None:
        """Write one whole object."""
        self.fs.pipe_file(self.path(rel), data)

    def publish(self, local_dir: Path, rel: str, last: str | None = None) -> None:
        """Upload every file of ``local_dir`` to ``rel/``, ``last`` after the others."""
        files = sorted(p for p in local_dir.iterdir() if p.is_file() and not p.name.startswith("."))
        files.sort(key=lambda p: p.name == last)
        self.fs.makedirs(self.path(rel), exist_ok=True)
        for f in files:
            self.upload(f"{rel}/{f.name}", f.read_bytes())

    @contextlib.contextmanager
    def local_copy(self, reads: tuple[str, ...], writes: tuple[str, ...]) -> Iterator[Path]:
        """A temporary folder holding ``<dept>/<name>`` for each of ``reads`` that a department has;
        the top-level ``writes`` made there are uploaded when the block ends without an error."""
        local = Path(tempfile.mkdtemp(prefix="juesuan-mirror-"))
        try:
            for dept in self.departments():
                for name in reads:
                    data = self.read_bytes(f"{dept}/{name}")
                    if data is not None:
                        (local / dept).mkdir(exist_ok=True)
                        (local / dept / name).write_bytes(data)
            yield local
            for name in writes:
                self.upload(name, (local / name).read_bytes())
        finally:
            shutil.rmtree(local, ignore_errors=True)

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        holder = self.read_bytes(name)
        if holder is not None:
            raise _locked(self.url, holder.decode("utf-8", "replace").strip(),
                          hint=f"wait for it to finish, or remove {name} there if that batch died")
        self.fs.makedirs(self.root, exist_ok=True)
        self.upload(name, (_holder() + "\n").encode())
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                self.fs.rm_file(self.path(name))


def open_store(out_dir: str | os.PathLike[str]) -> Any:
    """The store for a batch's output folder, or for an fsspec URL (``protocol://…``)."""
    return FsspecStore(str(out_dir)) if "://" in str(out_dir) else LocalStore(out_dir)


@contextlib.contextmanager
def staging() -> Iterator[Path]:
    """A local folder for one department's run before upload; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="juesuan-stage-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
