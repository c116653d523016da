"""A standard stream closed by the shell (``<&-``, ``>&-``, ``2>&-``) gives no traceback."""

import shlex
import subprocess
import sys

import pytest

COMMAND = f"{shlex.quote(sys.executable)} -m micrograd_like"


def shell(line: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("closed", ["<&-", ">&-", "2>&-", "<&- >&- 2>&-"])
@pytest.mark.parametrize("subcommand", ['quiz "x*y" --var x=1 --var y=2', 'step "x*y" --var x=1 --var y=2 --all',
                                        'draw "x*y" --var x=1 --var y=2 --format dot'])
def test_a_closed_standard_stream_gives_no_traceback(subcommand, closed):
    done = shell(f"{COMMAND} {subcommand} {closed}")
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode in (0, 1), done.stderr


def test_a_quiz_with_its_input_closed_stops_as_at_the_end_of_input():
    done = shell(f'{COMMAND} quiz "x*y" --var x=1 --var y=2 <&-')
    assert "stopped at question 1 of" in done.stdout
    assert done.returncode == 1, done.stderr


def test_a_drawing_is_still_written_to_its_file_with_every_stream_closed(tmp_path):
    out = tmp_path / "graph.svg"
    done = shell(f'{COMMAND} draw "x*y" --var x=1 --var y=2 -o {shlex.quote(str(out))} <&- >&- 2>&-')
    assert done.returncode == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
