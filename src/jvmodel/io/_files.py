"""Shared file handling for the readers and writers: atomic writes, optional imports."""

from __future__ import annotations

import contextlib
import importlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from jvmodel.errors import MissingDependencyError

__all__ = ["atomic_writer", "atomic_writers", "require"]


@contextlib.contextmanager
def atomic_writer(
    path: str | os.PathLike[str], *, binary: bool = False, newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success, rename it over ``path``.

    Readers see the old file or the new one, never a partial one; on an error
    the temporary file is removed and ``path`` is left as it was.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> with atomic_writer(path) as stream:
    ...     _ = stream.write("old")
    >>> try:
    ...     with atomic_writer(path) as stream:
    ...         _ = stream.write("half of the new")
    ...         raise OSError("disk full")
    ... except OSError:
    ...     pass
    >>> path.read_text(), sorted(p.name for p in path.parent.iterdir())
    ('old', ['note.txt'])
    """
    with atomic_writers([path], binary=binary, newline=newline) as (stream,):
        yield stream


@contextlib.contextmanager
def atomic_writers(
    paths: Sequence[str | os.PathLike[str]], *, binary: bool = False, newline: str | None = None
) -> Iterator[tuple[IO[Any], ...]]:
    """Like :func:`atomic_writer` for files written together (CSV or Parquet tables).

    Every file is written to its temporary file and flushed to disk before the
    first rename, so an error while writing any of them leaves all the old files
    in place; then each is renamed over its destination.  (Only a failure of the
    rename itself, after the data is safely on disk, could leave a mix of old and
    new files.)
    """
    files = [Path(path) for path in paths]
    temporaries: list[str] = []
    try:
        streams: list[IO[Any]] = []
        with contextlib.ExitStack() as stack:
            for file in files:
                handle, temporary = tempfile.mkstemp(
                    prefix=f".{file.name}.", suffix=".tmp", dir=file.parent
                )
                temporaries.append(temporary)
                os.chmod(temporary, _mode_for(file))
                mode = "wb" if binary else "w"
                encoding = None if binary else "utf-8"
                stream = stack.enter_context(
                    os.fdopen(handle, mode, encoding=encoding, newline=newline)
                )
                streams.append(stream)
            yield tuple(streams)
            for stream in streams:
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, file in zip(temporaries, files, strict=True):
            os.replace(temporary, file)
    except BaseException:
        for temporary in temporaries:
            Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(file: Path) -> int:
    """The permissions the written file should have: the old file's, or the usual."""
    try:
        return file.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def require(module: str, *, extra: str, what: str) -> Any:
    """Import an optional dependency, or say which extra brings it.

    Examples
    --------
    >>> require("json", extra="none", what="this example").__name__
    'json'
    >>> require("no_such_module_here", extra="pandas", what="to_pandas")
    Traceback (most recent call last):
    ...
    jvmodel.errors.MissingDependencyError: to_pandas needs no_such_module_here, which is not ...
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".", maxsplit=1)[0]
        raise MissingDependencyError(
            f"{what} needs {package}, which is not installed; install it with "
            f"pip install 'jvmodel[{extra}]'",
            package=package,
            extra=extra,
        ) from None
