"""Writing into the user's folders safely.

The promise: nothing this project did not write is ever replaced or removed, a symbolic link
is never followed, replaced or removed, and work that fails leaves no empty folders behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

__all__ = ["plain_file", "write_over", "folders_made"]


def plain_file(path: Path) -> bool:
    """Whether ``path`` is a regular file, not a symbolic link (to anything)."""
    return not path.is_symlink() and path.is_file()


def write_over(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in UTF-8, never through a symbolic link (an OSError instead)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, 0o666), "w", encoding="utf-8") as file:
        file.write(text)


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
