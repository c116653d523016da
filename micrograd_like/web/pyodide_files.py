"""Pyodide, the Python of the browser: its files, fetched once, checked, and kept in a cache.

Pyodide is CPython compiled to WebAssembly.  Its core is a handful of files in the npm package
``pyodide`` (about 6.5 MB packed, 14 MB unpacked): far too big for the repository or the wheel,
so ``micrograd-like site`` fetches the tarball once from the npm registry and keeps it in the
user's cache folder (:func:`cache_dir`).  The version is pinned, and so is the tarball's digest,
the ``integrity`` the registry publishes for it (``npm view pyodide@314.0.8 dist.integrity``):
a tarball with any other content, cached, downloaded or handed over with ``--pyodide FILE``, is
refused before a byte of it is used.

>>> PYODIDE_VERSION
'314.0.8'
>>> "pyodide.asm.wasm" in CORE_FILES
True
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

from ..drawing.render import write_file

__all__ = ["PYODIDE_VERSION", "TARBALL_URL", "INTEGRITY", "CORE_FILES", "PyodideError", "cache_dir",
           "tarball_bytes", "core_files"]

PYODIDE_VERSION = "314.0.8"
TARBALL_URL = f"https://registry.npmjs.org/pyodide/-/pyodide-{PYODIDE_VERSION}.tgz"
INTEGRITY = "sha512-74Wq1kXOC+CCEzAfxuRAO701nAcCMLjf8NrwvWpu8S41dVMXwXmLQ05dYB+F4e46AdnGo0oq7YHSVUpHsoarLQ=="
"""The registry's digest of the tarball (Subresource Integrity form: the algorithm, then the digest in base64)."""

CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
              "package.json")
"""What a page needs of the package: the loader, the interpreter (JavaScript glue and WebAssembly),
the standard library, the list of packages it knows, and package.json (its version and licence)."""

TIMEOUT = 60  # seconds without a byte from the registry before the download gives up
CHUNK = 256 * 1024

Progress = Callable[[str, int, int], None]  # (what, done, total): bytes fetched so far


class PyodideError(Exception):
    """Pyodide could not be had: no network, a tarball that is not the pinned one.  One line, saying what to do."""


def cache_dir() -> Path:
    """Where fetched files are kept: ``$XDG_CACHE_HOME/micrograd_like``, else ``~/.cache/micrograd_like``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "micrograd_like"


def _matches(data: bytes) -> bool:
    """Whether ``data`` is the pinned tarball: its SHA-512 is the registry's integrity."""
    algorithm, _, digest = INTEGRITY.partition("-")
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == digest


def _download(progress: Progress | None) -> bytes:
    """The tarball from the npm registry, with progress; any network failure is one PyodideError."""
    import http.client  # here, not at the top: every start of the command would load them (about 15 ms)
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(TARBALL_URL, timeout=TIMEOUT) as response:
            total = int(response.headers.get("Content-Length") or 0)
            data = bytearray()
            while chunk := response.read(CHUNK):
                data += chunk
                if progress is not None:
                    progress("fetching Pyodide", len(data), max(total, len(data)))
            if len(data) < total:
                raise ConnectionError(f"the download stopped after {len(data):,} of {total:,} bytes")
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:  # a dropped line too
        reason = getattr(error, "reason", None) or error
        raise PyodideError(f"cannot fetch Pyodide {PYODIDE_VERSION} from {TARBALL_URL}: {reason} (on a machine "
                           f"without the registry, fetch the tarball elsewhere (npm pack pyodide@{PYODIDE_VERSION}) "
                           "and give it with --pyodide FILE)") from None
    return bytes(data)


def tarball_bytes(local: str | Path | None = None, progress: Progress | None = None) -> bytes:
    """The pinned Pyodide tarball: from ``local`` (a copy the user fetched), else from the cache,
    else from the registry (then kept in the cache for the next time).  Checked in every case."""
    if local is not None:
        local = Path(local)
        if local.exists() and not local.is_file():  # a folder, /dev/zero, a pipe: read, it never ends
            raise PyodideError(f"{local} is not a file: give the tarball npm pack pyodide@{PYODIDE_VERSION} makes")
        try:
            data = local.read_bytes()
        except OSError as error:
            raise PyodideError(f"cannot read {local}: {error.strerror or error}") from None
        if not _matches(data):
            raise PyodideError(f"{local} is not the tarball of Pyodide {PYODIDE_VERSION} (its checksum differs "
                               f"from the registry's): get it with npm pack pyodide@{PYODIDE_VERSION}")
        return data
    cached = cache_dir() / f"pyodide-{PYODIDE_VERSION}.tgz"
    if cached.is_file() and not cached.is_symlink() and _matches(data := cached.read_bytes()):
        return data
    data = _download(progress)
    if not _matches(data):
        raise PyodideError(f"the tarball fetched from {TARBALL_URL} does not match its pinned checksum: "
                           "try again later, or give a copy with --pyodide FILE")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_file(cached, data, replace=True)  # a stale or damaged copy of ours is replaced
    except OSError:
        pass  # no cache (a read-only home): fetched again next time, no harm done
    return data


def core_files(tarball: bytes) -> dict[str, bytes]:
    """The files of :data:`CORE_FILES`, read out of the (checked) tarball, by name."""
    import tarfile

    files = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for name in CORE_FILES:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise KeyError(name)
                files[name] = member.read()
    except (tarfile.TarError, KeyError, OSError) as error:
        raise PyodideError(f"the Pyodide tarball lacks what a page needs ({error})") from None
    return files
