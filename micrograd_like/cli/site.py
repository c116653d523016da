"""``micrograd-like site``: a lesson in the browser, as a folder any web server can serve, offline."""

from __future__ import annotations

import argparse

from ..web.site import LECTURE_LINK, SiteError, build_site
from .arguments import add_force_argument, folder_name
from .errors import UserError
from .terminal import progress_line

__all__ = ["add_parser", "run"]

MEGABYTE = 1024 * 1024


def add_parser(subcommands) -> argparse.ArgumentParser:
    """Add ``site`` to the command's subcommands."""
    parser = subcommands.add_parser(
        "site",
        help="write a lesson for the browser: the stepper, the quiz and the training view, running offline",
        description="Write into DIR a static site that runs the engine in the browser (Python compiled to "
        "WebAssembly: Pyodide, fetched once from the npm registry and cached, or given with --pyodide): type an "
        "expression and step through its backward pass, take the quiz, train a network on two moons. Serve DIR "
        "with any web server (python -m http.server -d DIR); the students need no internet. A link opens an "
        f"exercise: {LECTURE_LINK}. DIR is created if missing; a folder holding files micrograd-like site did not "
        "write is refused, unless --force.",
        allow_abbrev=False,
    )
    parser.add_argument("-o", "--output", required=True, type=folder_name,
                        metavar="DIR", help="the directory to write into")
    parser.add_argument("--pyodide", metavar="FILE",
                        help="a copy of the pinned Pyodide tarball (npm pack pyodide@VERSION), for a machine "
                        "without the npm registry")
    add_force_argument(parser, "write into a directory holding other files, over those of the same names")
    parser.set_defaults(run=run)
    return parser


def _progress(what: str, done: int, total: int) -> None:
    """``fetching Pyodide: megabyte 3 of 6`` and ``writing the site: file 4 of 19`` (on a terminal)."""
    if what.startswith("fetching"):
        megabytes = max(1, round(total / MEGABYTE))  # done * megabytes // total reaches it at the end only
        progress_line(f"{what}: megabyte", done * megabytes // total, megabytes)
    else:
        progress_line(f"{what}: file", done, total)


def run(args: argparse.Namespace) -> int:
    """Build the site; every mistake is a one-line UserError."""
    try:
        paths = build_site(args.output, pyodide=args.pyodide, force=args.force, progress=_progress)
    except (SiteError, FileExistsError) as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot write {args.output}: {error.strerror or error}") from None
    size = sum(path.stat().st_size for path in paths)
    print(f"wrote the site ({len(paths)} files, {size / MEGABYTE:.1f} MB) in {args.output}: serve it with "
          f"python -m http.server -d {args.output}, then open http://localhost:8000/{LECTURE_LINK}")
    return 0
