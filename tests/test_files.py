"""Every writer keeps the promise of ``pages/files.py``: never through a symbolic link, never over a file unasked.

Each writer, from Python and from the command line, is pointed at a symbolic link (absolute or
relative, to a file that exists or to nothing) and at a file that exists already.  A link is
refused whatever the caller asks, and neither it nor its target is touched; an existing file
is refused by the command unless ``--force``; from Python, a plain file the caller names is
replaced, as ``open(path, "w")`` would.
"""

import os
from pathlib import Path

import pytest
from helpers import need_dot, run_command

from micrograd_like import Value
from micrograd_like.drawing.render import write_file
from micrograd_like.pages.worksheets import write_worksheets
from micrograd_like.teach.worksheet import WorksheetError, make_sheets

LINKS = ["absolute", "relative", "dangling absolute", "dangling relative"]
MINE = "the user's own words\n"


def make_link(folder: Path, name: str, kind: str) -> tuple[Path, Path]:
    """A symbolic link ``folder/name`` of ``kind``, and its target (holding MINE unless dangling)."""
    target = folder / f"target-of-{name}"
    if "dangling" not in kind:
        target.write_text(MINE, encoding="utf-8")
    link = folder / name
    link.symlink_to(target if "absolute" in kind else Path(target.name))
    return link, target


def assert_untouched(link: Path, target: Path, kind: str) -> None:
    """The link is still a link to the same place, and its target as it was (or still missing)."""
    assert link.is_symlink()
    if "dangling" in kind:
        assert not target.exists() and not target.is_symlink()
    else:
        assert target.read_text(encoding="utf-8") == MINE


def graph() -> Value:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = (a * b).tanh()
    out.label = "L"
    return out


def written_files(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


# -- the one writer ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LINKS)
@pytest.mark.parametrize("replace", [True, False])
def test_write_file_never_writes_through_a_link(tmp_path, kind, replace):
    link, target = make_link(tmp_path, "out.txt", kind)
    with pytest.raises(FileExistsError, match="symbolic link"):
        write_file(link, "new", replace=replace)
    assert_untouched(link, target, kind)
    assert written_files(tmp_path) <= {"out.txt", target.name}  # no temporary file left behind


def test_write_file_replaces_a_plain_file_only_when_asked(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text(MINE, encoding="utf-8")
    with pytest.raises(FileExistsError, match="already exists"):
        write_file(path, "new", replace=False)
    assert path.read_text(encoding="utf-8") == MINE
    write_file(path, "new", replace=True)
    assert path.read_text(encoding="utf-8") == "new" and written_files(tmp_path) == {"out.txt"}


def test_write_file_that_fails_part_way_leaves_the_old_file_and_nothing_else(tmp_path, monkeypatch):
    path = tmp_path / "out.txt"
    path.write_text(MINE, encoding="utf-8")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)  # Ctrl-C just before the new file takes its place
    with pytest.raises(KeyboardInterrupt):
        write_file(path, "new")
    assert path.read_text(encoding="utf-8") == MINE and written_files(tmp_path) == {"out.txt"}


# -- from Python -----------------------------------------------------------------------------------------


def write_drawing(path: Path, replace: bool = True) -> None:
    from micrograd_like.drawing.graphs import draw_dot

    draw_dot(graph()).save(path, replace=replace)


def write_html(path: Path, replace: bool = True) -> None:
    graph().backward_steps().save_html(path, replace=replace)


PYTHON_WRITERS = {"Drawing.save": (write_drawing, "out.svg"), "save_html": (write_html, "out.html")}


@pytest.mark.parametrize("writer", PYTHON_WRITERS)
@pytest.mark.parametrize("kind", LINKS)
def test_python_writers_never_write_through_a_link(tmp_path, writer, kind):
    need_dot()
    write, name = PYTHON_WRITERS[writer]
    link, target = make_link(tmp_path, name, kind)
    with pytest.raises(FileExistsError, match="symbolic link"):
        write(link)
    assert_untouched(link, target, kind)


@pytest.mark.parametrize("writer", PYTHON_WRITERS)
def test_python_writers_replace_a_plain_file_unless_told_not_to(tmp_path, writer):
    need_dot()
    write, name = PYTHON_WRITERS[writer]
    path = tmp_path / name
    path.write_text(MINE, encoding="utf-8")
    with pytest.raises(FileExistsError):
        write(path, replace=False)
    assert path.read_text(encoding="utf-8") == MINE
    write(path)
    assert path.read_text(encoding="utf-8").lstrip().startswith("<")  # SVG or HTML now


@pytest.mark.parametrize("kind", LINKS)
def test_save_svgs_refuses_a_folder_that_is_a_link(tmp_path, kind):
    need_dot()
    if "dangling" in kind:
        link, target = make_link(tmp_path, "frames", kind)
    else:
        target = tmp_path / "elsewhere"
        target.mkdir()
        link = tmp_path / "frames"
        link.symlink_to(target if kind == "absolute" else Path(target.name))
    with pytest.raises(FileExistsError, match="symbolic link"):
        graph().backward_steps().save_svgs(link)
    assert link.is_symlink() and not (target.exists() and any(target.iterdir()))


@pytest.mark.parametrize("kind", LINKS)
@pytest.mark.parametrize("name", ["step-00.svg", ".micrograd-like-frames"])
def test_save_svgs_never_writes_a_frame_or_its_list_through_a_link(tmp_path, kind, name):
    need_dot()
    link, target = make_link(tmp_path, name, kind)
    with pytest.raises(FileExistsError):
        graph().backward_steps().save_svgs(tmp_path)
    assert_untouched(link, target, kind)


@pytest.mark.parametrize("kind", LINKS)
def test_write_worksheets_refuses_a_folder_that_is_a_link(tmp_path, kind):
    need_dot()
    if "dangling" in kind:
        link, target = make_link(tmp_path, "class", kind)
    else:
        target = tmp_path / "elsewhere"
        target.mkdir()
        link = tmp_path / "class"
        link.symlink_to(target if kind == "absolute" else Path(target.name))
    with pytest.raises(WorksheetError, match="symbolic link"):
        write_worksheets(make_sheets("a*b", students=1), link, force=True)
    assert link.is_symlink() and not (target.exists() and any(target.iterdir()))


@pytest.mark.parametrize("kind", LINKS)
def test_write_worksheets_never_writes_a_file_through_a_link(tmp_path, kind):
    need_dot()
    link, target = make_link(tmp_path, "answers.md", kind)
    with pytest.raises(WorksheetError, match="symbolic link"):
        write_worksheets(make_sheets("a*b", students=1), tmp_path, force=True)
    assert_untouched(link, target, kind)


# -- from the command line -------------------------------------------------------------------------------

EXPRESSION = ["tanh(a*b)", "--var", "a=2", "--var", "b=-3"]
COMMANDS = {
    "draw -o": (["draw", *EXPRESSION, "-o"], "out.svg"),
    "step --html": (["step", *EXPRESSION, "--html"], "out.html"),
    "step --svg-dir": (["step", *EXPRESSION, "--svg-dir"], "frames"),
    "worksheet -o": (["worksheet", "a*b", "--students", "1", "-o"], "class"),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", LINKS)
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_the_command_never_writes_through_a_link(tmp_path, command, kind, force):
    need_dot()
    arguments, name = COMMANDS[command]
    if name.endswith((".svg", ".html")) or "dangling" in kind:
        link, target = make_link(tmp_path, name, kind)
    else:  # a folder to write into
        target = tmp_path / "elsewhere"
        target.mkdir()
        link = tmp_path / name
        link.symlink_to(target if kind == "absolute" else Path(target.name))
    result = run_command(*arguments, name, *force, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "symbolic link" in result.stderr, result.stderr
    assert link.is_symlink()
    if target.is_dir():
        assert not any(target.iterdir())
    else:
        assert_untouched(link, target, kind)


FILE_COMMANDS = ["draw -o", "step --html"]


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_the_command_replaces_an_existing_file_only_with_force(tmp_path, command):
    need_dot()
    arguments, name = COMMANDS[command]
    (tmp_path / name).write_text(MINE, encoding="utf-8")
    refused = run_command(*arguments, name, cwd=tmp_path)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "exists already" in refused.stderr and "--force" in refused.stderr
    assert (tmp_path / name).read_text(encoding="utf-8") == MINE
    replaced = run_command(*arguments, name, "--force", cwd=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert (tmp_path / name).read_text(encoding="utf-8").lstrip().startswith("<")
    assert written_files(tmp_path) == {name}  # no temporary file left


def test_every_subcommand_that_writes_says_what_force_does():
    for command in ("draw", "step", "worksheet"):
        result = run_command(command, "--help")
        assert result.returncode == 0 and "--force" in result.stdout and "symbolic link" in result.stdout


# -- long passes: refused past a limit the caller can raise, before anything is drawn or written --------


def power_pass(factors: int):
    x = Value(1.001, label="x")
    out = x
    for _ in range(factors - 1):
        out = out * x
    return out.backward_steps()  # 2 steps per *, x being both operands


@pytest.mark.parametrize("writer", ["save_svgs", "save_html"])
def test_a_pass_over_the_limit_is_refused_before_anything_is_written(tmp_path, writer):
    from micrograd_like.pages.slideshow import MAX_STEPS, PassTooLongError

    steps = power_pass(MAX_STEPS // 2 + 2)  # just over the limit
    assert len(steps.steps) > MAX_STEPS
    where = tmp_path / "new" / ("frames" if writer == "save_svgs" else "pass.html")
    with pytest.raises(PassTooLongError, match=f"max_steps={len(steps.steps)} to draw it anyway"):
        getattr(steps, writer)(where)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("writer", ["save_svgs", "save_html"])
def test_max_steps_raises_or_lowers_the_limit(tmp_path, writer):
    from micrograd_like.pages.slideshow import PassTooLongError

    need_dot()
    steps = power_pass(4)  # 6 steps
    where = tmp_path / ("frames" if writer == "save_svgs" else "pass.html")
    with pytest.raises(PassTooLongError, match="has 6 steps, more than the 5"):
        getattr(steps, writer)(where, max_steps=5)
    assert not where.exists()
    getattr(steps, writer)(where, max_steps=6)
    assert where.exists()
    for wrong in (0, -1, 2.5, True, "6"):
        with pytest.raises(ValueError, match="max_steps must be a whole number"):
            getattr(steps, writer)(where, max_steps=wrong)


def test_estimate_says_how_many_drawings_and_about_how_many_bytes(tmp_path):
    from micrograd_like.pages.slideshow import estimate

    need_dot()
    steps = power_pass(12)  # 22 steps
    frames, size = estimate(steps)
    paths = steps.save_svgs(tmp_path)
    assert frames == len(paths) == 23
    written = sum(path.stat().st_size for path in paths)
    assert written / 2 < size < written * 2


def test_step_checks_every_output_before_writing_any(tmp_path):
    """--svg-dir and --html together: a page that may not be written is refused before any frame is."""
    (tmp_path / "pass.html").write_text(MINE, encoding="utf-8")
    result = run_command(*COMMANDS["step --svg-dir"][0], "frames", "--html", "pass.html", cwd=tmp_path)
    assert result.returncode == 2 and "pass.html exists already" in result.stderr, result.stderr
    assert written_files(tmp_path) == {"pass.html"}  # no frames folder
    assert (tmp_path / "pass.html").read_text(encoding="utf-8") == MINE


def test_the_folder_writers_leave_a_file_of_the_users_alone(tmp_path):
    """save_svgs never replaces a file it did not write; write_worksheets only with force."""
    need_dot()
    frames = tmp_path / "frames"
    frames.mkdir()
    (frames / "step-00.svg").write_text(MINE, encoding="utf-8")
    with pytest.raises(FileExistsError, match="not a frame micrograd-like wrote"):
        graph().backward_steps().save_svgs(frames)
    assert written_files(frames) == {"step-00.svg"} and (frames / "step-00.svg").read_text(encoding="utf-8") == MINE
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "answers.md").write_text(MINE, encoding="utf-8")
    with pytest.raises(WorksheetError, match="add --force to overwrite"):
        write_worksheets(make_sheets("a*b", students=1), sheets)
    assert written_files(sheets) == {"answers.md"} and (sheets / "answers.md").read_text(encoding="utf-8") == MINE
    write_worksheets(make_sheets("a*b", students=1), sheets, force=True)
    assert (sheets / "answers.md").read_text(encoding="utf-8") != MINE
