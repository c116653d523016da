"""A lesson in the browser: a static folder that runs the real engine under Pyodide, offline.

``micrograd-like site -o DIR`` (or :func:`build_site`) writes a folder any web server can serve
(``python -m http.server -d DIR``) and that needs no internet once it is served::

    index.html           the page: a loading indicator, then the stepper, the quiz and the training view
    site.js  model.js    the page's code: start Pyodide, run the panels; a widget's model backed by a panel
    style.css            large type, for a projector
    pyodide/             Pyodide itself, the pinned npm package's core (see pyodide_files)
    packages.zip         this package and the pure-Python ones it imports (Jinja2, MarkupSafe, graphviz),
                         unpacked into Pyodide's site-packages as the page starts
    frontend/  viz/      the widgets' front-ends, and Graphviz in WebAssembly, when installed

A link opens an exercise: ``index.html?expr=(a*b%20%2B%20c)*f&a=2&b=-3&c=10&f=-2`` starts the
stepper on that pass (the expression in ``expr``, each variable's value under its name); the
page reads the link with :func:`exercise`, in Pyodide, and a link that does not make sense
says why on the page.

Nothing in DIR that this project did not write is overwritten: a list of what was written, with
each file's SHA-256, stays in DIR (:data:`MANIFEST`).  A folder holding other files is refused
unless ``force``, which then writes over files of the same names (never through a symbolic
link) and leaves every other file alone.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import parse_qsl

from ..drawing import in_browser
from ..drawing.render import write_file
from ..pages.files import folders_made, plain_file, refuse_link
from ..teach.expression import ExpressionError, parse, parse_assignments, variables_in
from . import pyodide_files

__all__ = ["build_site", "planned_files", "package_archive", "exercise", "lesson", "variables_of", "training",
           "SiteError", "MANIFEST", "DEPENDENCIES", "LECTURE_LINK"]

MANIFEST = ".micrograd-like-site"  # the files a build wrote, one a line: name, tab, SHA-256
DEPENDENCIES = ("jinja2", "markupsafe", "graphviz")
"""The pure-Python packages the engine's teaching parts import, put in the archive beside it
(MarkupSafe without its C speedups: its pure-Python fallback is used)."""

LECTURE_LINK = "index.html?expr=(a*b%20%2B%20c)*f&a=2&b=-3&c=10&f=-2"
"""The lecture's example as a link: L = (a*b + c)*f at a=2, b=-3, c=10, f=-2."""

STATIC = ("site.js", "model.js", "style.css")  # copied from micrograd_like/web/site_files/ as they are
PANELS = ("stepper", "quiz", "training")  # the widgets whose front-ends (web/frontend/NAME.js) the page shows
VIZ_FILES = (in_browser.VIZ_FILE, "LICENSE", "viz.json")  # micrograd_like/drawing/viz/
_HERE = Path(__file__).resolve().parent
_PACKAGE = _HERE.parent  # micrograd_like/
_SKIPPED = {"__pycache__"}  # folders left out of the archive
_COPIED_BESIDE = ("drawing/viz/",)  # big files a page loads itself, kept out of the archive
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # every entry's time: the same files make the same archive

Progress = Callable[[str, int, int], None]  # (what, done, total)


class SiteError(Exception):
    """The site cannot be written (a folder in the way, Pyodide not to be had): one line, saying what to do."""


# -- reading a link: the exercise it opens ----------------------------------------------------------
def exercise(query: str | Mapping[str, str]) -> tuple[str, dict[str, float]] | None:
    """The expression and values a link's query asks for, checked, or None when it asks for none.

    The page calls this in Pyodide with ``location.search``; each mistake is an ExpressionError
    whose words the page shows.

    >>> exercise("?expr=(a*b%20%2B%20c)*f&a=2&b=-3&c=10&f=-2")
    ('(a*b + c)*f', {'a': 2.0, 'b': -3.0, 'c': 10.0, 'f': -2.0})
    >>> exercise("") is None
    True
    >>> exercise("?expr=a*b&a=2")
    Traceback (most recent call last):
    micrograd_like.teach.expression.ExpressionError: the link gives no value for b: add &b=... to it
    """
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True) if isinstance(query, str) else list(query.items())
    given = dict(pairs)
    twice = [name for name, count in Counter(name for name, _ in pairs).items() if count > 1]
    if twice:
        raise ExpressionError(f"the link gives {twice[0]!r} more than once: keep one of them")
    if "expr" not in given:
        if given:
            raise ExpressionError(f"the link names {', '.join(map(repr, given))} but no expression: "
                                  "add ?expr=... to it")
        return None
    text = given.pop("expr").strip()
    if not text:
        raise ExpressionError("the link's expression (expr=) is empty")
    typed_plus = isinstance(query, str) and "+" in query.partition("expr=")[2].partition("&")[0]
    try:
        names = variables_in(text)  # a mistake in the expression is said here, with its column
    except ExpressionError as error:
        if typed_plus:  # a link typed by hand: in a link, + means a space
            raise ExpressionError(f"{error} (in a link, + is a space: write %2B for +)") from None
        raise
    missing = [name for name in names if name not in given]
    if missing:
        adds = "".join(f"&{name}=..." for name in missing)
        raise ExpressionError(f"the link gives no value for {', '.join(missing)}: add {adds} to it")
    extra = [name for name in given if name not in names]
    if extra:
        raise ExpressionError(f"the link gives {', '.join(map(repr, extra))}, which the expression does not use")
    values = parse_assignments([f"{name}={given[name]}" for name in names])
    parse(text, values)  # a value outside a function's domain (log(0)) is said now, not by the stepper
    return text, values


def lesson(query: str) -> dict:
    """What the page shows for a link's ``query``, made in Pyodide: ``{"expression", "values",
    "stepper", "quiz"}`` (the two panels, each on a pass of its own), ``{"problem", "typed",
    "values"}`` when the link does not make sense (its words, and what it gave, to put back in the
    form), or ``{}`` for a link that asks for nothing."""
    from ..teach.quiz import Quiz
    from .quiz_panel import QuizPanel
    from .stepper_panel import StepperPanel

    try:
        found = exercise(query)
    except ExpressionError as error:
        given = dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))
        return {"problem": f"This link does not open an exercise: {error}.", "typed": given.pop("expr", ""),
                "values": given}
    if found is None:
        return {}
    text, values = found
    stepper = StepperPanel(parse(text, values).backward_steps(), in_kernel=False)
    quiz = QuizPanel(Quiz(parse(text, values).backward_steps()), in_kernel=False)
    as_linked = dict(parse_qsl(query.lstrip("?")))  # each value as the link wrote it, for the form
    return {"expression": text, "values": {name: as_linked[name].strip() for name in values},
            "stepper": stepper, "quiz": quiz}


def variables_of(text: str) -> dict:
    """The variables the form asks values for as ``text`` is typed: ``{"names", "problem"}``
    (a mistake in the expression in words, or "")."""
    if not text.strip():
        return {"names": [], "problem": ""}
    try:
        return {"names": variables_in(text), "problem": ""}
    except ExpressionError as error:
        return {"names": [], "problem": str(error)}


def training():
    """The training view's panel, on two moons (made in Pyodide when the page opens it)."""
    from .playground import Playground
    from .training_panel import TrainingPanel

    return TrainingPanel(Playground(dataset="moons"), in_kernel=False)


# -- the archive of Python packages -----------------------------------------------------------------
def _package_folder(name: str) -> Path:
    """The folder an installed package is imported from."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SiteError(f"the site needs the Python package {name}, which is not installed (pip install {name})")
    return Path(next(iter(spec.submodule_search_locations)))


def _archived(relative: str) -> bool:
    """Whether a file of a package goes in the archive: no caches, no compiled extensions
    (CPython's, of no use to WebAssembly), nothing the page loads from beside it."""
    parts = relative.split("/")
    return not (_SKIPPED & set(parts) or relative.endswith((".pyc", ".so", ".pyd"))
                or relative.startswith(_COPIED_BESIDE))


def package_archive() -> bytes:
    """A zip of micrograd_like and :data:`DEPENDENCIES`, as installed here, for Pyodide's site-packages.

    The same files make the same bytes (sorted entries, one fixed time), so a build repeated
    over its own folder finds its archive unchanged."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ("micrograd_like", *DEPENDENCIES):
            folder = _PACKAGE if name == "micrograd_like" else _package_folder(name)
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder).as_posix()
                if path.is_file() and _archived(relative):
                    info = zipfile.ZipInfo(f"{name}/{relative}", date_time=_ZIP_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


# -- the folder --------------------------------------------------------------------------------------
def _viz_files() -> dict[str, bytes]:
    """Graphviz in WebAssembly (drawing/viz/: the module, its licence, where it came from), when
    this install has it, by name."""
    folder = Path(in_browser.__file__).resolve().parent / "viz"
    if not (folder / in_browser.VIZ_FILE).is_file():
        return {}
    return {name: (folder / name).read_bytes() for name in VIZ_FILES if (folder / name).is_file()}


def _frontends() -> dict[str, bytes]:
    """The widgets' front-ends (web/frontend/*.js: the panels' and the modules they share), by file name."""
    folder = _HERE / "frontend"
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.js")) if path.is_file()}


def _index_page(frontends: Mapping[str, bytes], viz: bool) -> str:
    """index.html, from the Jinja2 template web/site_files/index.html."""
    import jinja2

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(_HERE / "site_files"), autoescape=True,
                                     keep_trailing_newline=True)
    return environment.get_template("index.html").render(
        pyodide_version=pyodide_files.PYODIDE_VERSION, panels=[name for name in PANELS if f"{name}.js" in frontends],
        viz=viz, lecture_link=LECTURE_LINK)


def _contents(tarball: bytes) -> dict[str, bytes]:
    """Every file of the site, by its path in DIR."""
    frontends = _frontends()
    viz = _viz_files()
    files = {"index.html": _index_page(frontends, bool(viz)).encode("utf-8")}
    files |= {name: (_HERE / "site_files" / name).read_bytes() for name in STATIC}
    files |= {f"pyodide/{name}": data for name, data in pyodide_files.core_files(tarball).items()}
    files["packages.zip"] = package_archive()
    files |= {f"frontend/{name}": data for name, data in frontends.items()}
    files |= {f"viz/{name}": data for name, data in viz.items()}
    return files


def planned_files() -> list[str]:
    """The paths a build writes in DIR (the manifest last), for checking a folder before fetching anything."""
    names = ["index.html", *STATIC, *(f"pyodide/{name}" for name in pyodide_files.CORE_FILES), "packages.zip"]
    names += [f"frontend/{name}" for name in _frontends()]
    names += [f"viz/{name}" for name in _viz_files()]
    return [*names, MANIFEST]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ours(directory: Path) -> dict[str, str]:
    """The files an earlier build wrote in ``directory``, with their SHA-256, from its manifest
    ("" for a file a build was about to write when it stopped: ours, its contents unknown)."""
    manifest = directory / MANIFEST
    if not plain_file(manifest):
        return {}
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return {name: digest for name, _, digest in (line.partition("\t") for line in lines) if name}


def _check_directory(directory: Path, names: list[str], force: bool) -> None:
    """Refuse a folder holding files this project did not write (or wrote and someone changed
    since) unless ``force``; refuse a symbolic link in the way always."""
    refuse_link(directory, "micrograd-like site")
    for name in names:
        for part in [*Path(name).parents][-2::-1] + [Path(name)]:  # pyodide, then pyodide/pyodide.mjs
            if (directory / part).is_symlink():
                raise SiteError(f"cannot write {directory / part}: it is a symbolic link, and micrograd-like site "
                                "never writes through one, even with --force: remove it, or choose another directory")
    if not directory.exists():
        return
    if not directory.is_dir():
        raise SiteError(f"cannot write into {directory}: it is a file, not a directory")
    ours = _ours(directory)
    theirs = sorted(path.relative_to(directory).as_posix() for path in directory.rglob("*")
                    if not path.is_dir() or path.is_symlink())
    theirs = [name for name in theirs if name != MANIFEST and not (
        name in ours and plain_file(directory / name)
        and ours[name] in ("", _digest((directory / name).read_bytes())))]
    for name in names:  # a folder where a file goes, or a file where a folder goes: not even --force
        folder = next((part for part in Path(name).parents if (directory / part).is_file()), None)
        if (directory / name).is_dir() or folder is not None:
            what = f"{directory / folder} is a file" if folder is not None else "it is a directory"
            raise SiteError(f"cannot write {directory / name}: {what}: move it away, or choose another directory")
    if theirs and not force:
        more = f" and {len(theirs) - 1} more" if len(theirs) > 1 else ""
        raise SiteError(f"{directory} already holds {theirs[0]}{more}, not written by micrograd-like site (or "
                        "changed since): choose a new or empty directory, or add --force to write over the files "
                        "of the same names (others are left alone)")


def build_site(directory: str | Path, *, pyodide: str | Path | None = None, force: bool = False,
               progress: Progress | None = None) -> list[Path]:
    """Write the site into ``directory`` (created if missing) and return the paths written.

    ``pyodide`` is a local copy of the pinned npm tarball (else it is fetched once and cached,
    see :mod:`.pyodide_files`); ``progress(what, done, total)`` is told how the fetching and the
    writing go.  The folder is checked before anything is fetched or written, and a failure
    (a bad tarball, no network) leaves it as it was, new folders removed.
    """
    directory = Path(directory)
    names = planned_files()
    _check_directory(directory, names, force)
    try:
        tarball = pyodide_files.tarball_bytes(pyodide, progress)
        files = _contents(tarball)
    except pyodide_files.PyodideError as error:
        raise SiteError(str(error)) from None
    with folders_made(directory):
        directory.mkdir(parents=True, exist_ok=True)
        ours = _ours(directory)
        # The manifest first, naming every file about to be written as ours (its contents not yet
        # known): a build stopped part way leaves only files the next one may write over.
        write_file(directory / MANIFEST, _manifest_text({**ours, **dict.fromkeys(files, "")}), replace=True)
        for done, (name, data) in enumerate(files.items(), start=1):
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if not (plain_file(path) and _digest(path.read_bytes()) == _digest(data)):
                write_file(path, data, replace=True)  # checked above: ours, or --force
            if progress is not None:
                progress("writing the site", done, len(files))
        write_file(directory / MANIFEST, _manifest_text({**ours, **{n: _digest(d) for n, d in files.items()}}),
                   replace=True)
    return [(directory / name).resolve() for name in [*files, MANIFEST]]


def _manifest_text(digests: Mapping[str, str]) -> str:
    return "".join(f"{name}\t{digest}\n" if digest else f"{name}\n" for name, digest in sorted(digests.items()))
