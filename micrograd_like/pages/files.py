"""Writing into the user's folders safely.

The promise: nothing this project did not write is ever replaced or removed, a symbolic link
is never followed, replaced or removed, and work that fails leaves no empty folders behind
and no half-written files.

Every file is written by one function, :func:`~micrograd_like.drawing.render.write_file`
(it lives with the drawings, the lowest part that writes files, so that ``Drawing.save`` keeps
the promise too): a symbolic link in the way is refused, absolute or relative, dangling or not,
whatever the caller asks; a file already there is replaced only when the caller says so; and a
file is written whole or not at all.  From Python, the functions that write one file the caller
names (``Drawing.save``, ``save_html``) replace a plain file already there, as ``open(path,
"w")`` does, unless told ``replace=False``; the command line passes ``replace=False`` unless
``--force``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..drawing.render import write_file

__all__ = ["plain_file", "write_over", "write_file", "refuse_link", "folders_made"]


def plain_file(path: Path) -> bool:
    """Whether ``path`` is a regular file, not a symbolic link (to anything)."""
    return not path.is_symlink() and path.is_file()


def write_over(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in UTF-8, replacing a plain file there, never through a
    symbolic link (a FileExistsError instead): ``write_file(path, text, replace=True)``."""
    write_file(path, text, replace=True)


def refuse_link(path: Path, what: str = "micrograd-like") -> None:
    """A FileExistsError if ``path`` is a symbolic link (dangling or not): nothing is written through one.

    For a folder to write into, checked before anything is drawn; ``what`` is who refuses, in the words."""
    if path.is_symlink():
        raise FileExistsError(f"{path} is a symbolic link, and {what} never writes through one: "
                              "remove the link, or give another path")


@contextmanager
def folders_made(folder: str | Path) -> Iterator[None]:
    """Run the block; if it fails, remove the folders on the way to ``folder`` that did not exist
    before it (only those, and only while empty): a refused drawing leaves no empty folders."""
    folder = Path(folder).expanduser().absolute()
    missing = [p for p in (folder, *folder.parents) if not p.exists() and not p.is_symlink()]
    try:
        yield
    except BaseException:
        for made in missing:  # deepest first
            with suppress(OSError):
                made.rmdir()
        raise
