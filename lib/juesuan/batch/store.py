"""Where a batch's outputs live: a local folder, or any fsspec URL (``s3://…``, ``gcs://…``, ``file://…``).

Departments always run into a local folder (papermill, nbconvert and the atomic writes want a
real file system). For a URL, each department's files are then uploaded, ``manifest.json``
last: object stores write an object whole, so a reader sees the previous file or the new one,
and a department whose upload was cut short has no new manifest and runs again next time. The
portfolio page is built from a local mirror of every department's ``manifest.json`` and
``findings.json`` and uploaded the same way.

On a URL the batch lock is advisory (a lock object naming the holder, removed at the end):
object stores have no ``flock``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["is_url", "open_store"]


def is_url(out_dir: str | os.PathLike[str]) -> bool:
    """True for ``protocol://…`` (fsspec), false for a plain path."""
    return "://" in str(out_dir)


class LocalStore:
    """Outputs in a local folder: every read and write goes straight to it."""

    remote = False

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.url = str(self.root)

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
            self.fs.pipe_file(self.path(f"{rel}/{f.name}"), f.read_bytes())

    def mirror(self, names: tuple[str, ...]) -> Path:
        """A local temporary folder holding ``<dept>/<name>`` for every department that has it."""
        local = Path(tempfile.mkdtemp(prefix="juesuan-mirror-"))
        for dept in self.departments():
            for name in names:
                data = self.read_bytes(f"{dept}/{name}")
                if data is not None:
                    (local / dept).mkdir(exist_ok=True)
                    (local / dept / name).write_bytes(data)
        return local

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        from ..errors import JuesuanError

        path = self.path(name)
        holder = self.read_bytes(name)
        if holder is not None:
            raise JuesuanError(f"another juesuan batch is already writing to this folder "
                               f"({holder.decode('utf-8', 'replace').strip()})", path=self.url,
                               hint=f"wait for it to finish, or remove {name} there if that batch died")
        self.fs.makedirs(self.root, exist_ok=True)
        self.fs.pipe_file(path, f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                self.fs.rm_file(path)


def open_store(out_dir: str | os.PathLike[str]) -> Any:
    """The store for a batch's output folder or URL."""
    return FsspecStore(str(out_dir)) if is_url(out_dir) else LocalStore(out_dir)


@contextlib.contextmanager
def staging() -> Iterator[Path]:
    """A local folder for one department's run before upload; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="juesuan-stage-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
