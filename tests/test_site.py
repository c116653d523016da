"""The lesson site (``micrograd-like site``): built once, served from its folder only, and driven
in headless Chromium with the network cut off, as a student's browser would run it.

The site is built once for the module; Pyodide is fetched from the npm registry the first time
and kept in the user's cache (~/.cache/micrograd_like), so later runs fetch nothing.  Every test
in the browser checks that each request the page made was answered from the folder, and the
first one checks that the browser really has no network.  The browser tests need Debian's
``chromium`` and ``chromedriver`` (a failure under CI when missing, else a skip).
"""

from __future__ import annotations

import http.server
import io
import os
import re
import shutil
import tarfile
import threading
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from helpers import need, run_command, run_main
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.browser import offline_chromium, serve, wait_for
from micrograd_like import parse
from micrograd_like.teach.expression import ExpressionError
from micrograd_like.teach.quiz import Quiz
from micrograd_like.web import pyodide_files, site
from micrograd_like.web.site import LECTURE_LINK, SiteError, build_site, exercise

LECTURE = "(a*b + c)*f"
LECTURE_VALUES = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
READY = "return ['ready', 'failed'].includes(document.body.dataset.state) && document.body.dataset.state"


# -- the site, its server and the browser, once for the module ---------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("site") / "lesson"
    try:
        build_site(directory)  # Pyodide from the cache, or fetched into it once
    except SiteError as error:
        if os.environ.get("CI") or "cannot fetch" not in str(error):
            raise
        pytest.skip(f"no Pyodide to build with here: {error}")
    return directory


@pytest.fixture(scope="module")
def served(built):
    with serve(built) as (url, log):
        yield url, log


@pytest.fixture(scope="module")
def browser():
    need("chromium")
    need("chromedriver")
    pytest.importorskip("selenium")
    with offline_chromium() as driver:
        yield driver


def open_page(browser, served, query: str = "") -> None:
    """Open index.html (with ``query``) and wait until Python has started and the page is ready."""
    url, log = served
    log.clear()
    browser.get_log("browser")  # what earlier pages said is theirs
    browser.get(f"{url}index.html{query}")
    state = wait_for(browser, READY, timeout=180)
    assert state == "ready", browser.execute_script("return document.getElementById('problem').textContent")


def assert_all_from_the_folder(browser, served, built: Path) -> None:
    """Every resource the page loaded came from the site's server, each was a file of the folder,
    and the page's console has no error."""
    url, log = served
    names = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert names, "the page loaded nothing?"
    elsewhere = [name for name in names if not name.startswith(url) and not name.startswith(("blob:", "data:"))]
    assert not elsewhere
    assert log, "the server saw no request"
    for path, status in log:
        file = built / path.split("?")[0].lstrip("/")
        assert status in (200, 304) and file.is_file(), (path, status)
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors


def click(browser, selector: str, words: str) -> None:
    buttons = [b for b in browser.find_elements("css selector", selector) if b.text.strip() == words]
    assert buttons, f"no button {words!r} in {selector}"
    buttons[0].click()


def text_of(browser, element_id: str) -> str:
    return browser.execute_script(f"return document.getElementById({element_id!r}).innerText")


def step_readout(browser) -> str:
    return browser.execute_script("return (document.querySelector('#stepper .mgl-readout') || {}).textContent")


def next_five_times(browser) -> None:
    for done in range(1, 6):
        click(browser, "#stepper button", "Next")
        wait_for(browser, f"return (document.querySelector('#stepper .mgl-readout') || {{}}).textContent "
                          f"=== '{done}/6'", timeout=30)


# -- in the browser ------------------------------------------------------------------------------------
def test_the_browser_has_no_network(browser, served):
    open_page(browser, served)
    reached = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch('http://example.com/', {mode: 'no-cors'}).then(() => done('reached'), () => done('refused'));""")
    assert reached == "refused"


def test_the_page_says_it_is_loading_until_python_has_started(built):
    page = (built / "index.html").read_text()  # as the browser first shows it, before any script has run
    loading = re.search(r'<div id="loading" role="status"([^>]*)>(.*?)</div>', page, re.S)
    assert loading and "hidden" not in loading.group(1)
    assert "Starting Python in the browser" in loading.group(2)
    assert re.search(r'<input id="expression"[^>]*disabled', page)  # nothing to type into before Python is there


def test_a_page_whose_python_cannot_start_says_so(browser, built, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(built, broken)
    (broken / "packages.zip").unlink()
    with serve(broken) as (url, _):
        browser.get(f"{url}index.html")
        assert wait_for(browser, READY, timeout=180) == "failed"
        assert "Python could not start in this browser: packages.zip: 404" in text_of(browser, "problem")
        assert browser.execute_script("return document.getElementById('loading').hidden")


def test_the_lecture_link_opens_the_stepper_and_five_nexts_reach_a(browser, served, built):
    open_page(browser, served, "?" + LECTURE_LINK.partition("?")[2])
    assert browser.execute_script("return document.getElementById('problem').hidden")
    assert text_of(browser, "pass-name") == LECTURE
    assert step_readout(browser) == "0/6"
    assert browser.execute_script("return document.getElementById('loading').hidden")
    next_five_times(browser)
    words = text_of(browser, "stepper")
    assert "a.grad = 0.0 + 6.0 = 6.0" in words
    assert browser.execute_script("return document.querySelector('#stepper svg') !== null")  # drawn in the page
    assert_all_from_the_folder(browser, served, built)


def test_a_typed_expression_opens_the_same_pass_and_the_address_links_to_it(browser, served, built):
    open_page(browser, served)
    assert browser.execute_script("return document.getElementById('stepper-section').hidden")
    box = browser.find_element("id", "expression")
    box.send_keys(LECTURE)
    wait_for(browser, "return document.getElementById('value-f') !== null", timeout=30)
    for name, value in LECTURE_VALUES.items():
        browser.find_element("id", f"value-{name}").send_keys(f"{value:g}")
    browser.find_element("id", "start").click()
    wait_for(browser, "return !document.getElementById('stepper-section').hidden", timeout=60)
    next_five_times(browser)
    assert "a.grad = 0.0 + 6.0 = 6.0" in text_of(browser, "stepper")
    link = browser.execute_script("return location.search")
    assert exercise(link) == (LECTURE, LECTURE_VALUES)
    assert_all_from_the_folder(browser, served, built)


def test_a_mistake_typed_after_a_pass_says_why_and_the_pass_comes_back_once_corrected(browser, served):
    open_page(browser, served, "?" + LECTURE_LINK.partition("?")[2])
    box = browser.find_element("id", "value-a")
    box.clear()
    box.send_keys("two")
    browser.find_element("id", "start").click()
    wait_for(browser, "return !document.getElementById('problem').hidden", timeout=30)
    assert "the value of a must be a number, got 'two'" in text_of(browser, "problem")
    assert browser.execute_script("return document.getElementById('stepper-section').hidden")
    box.clear()
    box.send_keys("3")
    browser.find_element("id", "start").click()
    wait_for(browser, "return !document.getElementById('stepper-section').hidden", timeout=30)
    assert browser.execute_script("return document.getElementById('problem').hidden")
    assert exercise(browser.execute_script("return location.search"))[1]["a"] == 3.0


@pytest.mark.parametrize(("query", "words"), [
    ("?expr=a*b&a=2", "gives no value for b"),
    ("?expr=a*%2B&a=1", "column"),
    ("?expr=a*b&a=2&b=two", "the value of b must be a number"),
    ("?a=2", "no expression"),
])
def test_a_link_that_makes_no_sense_says_why_on_the_page(browser, served, query, words):
    open_page(browser, served, query)
    problem = text_of(browser, "problem")
    assert words in problem
    assert browser.execute_script("return document.getElementById('stepper-section').hidden")
    assert not browser.find_element("id", "expression").get_property("disabled")  # the form still works ...
    link = dict(urllib.parse.parse_qsl(query[1:], keep_blank_values=True))
    assert browser.find_element("id", "expression").get_property("value") == link.get("expr", "")  # ... as linked
    if "expr=a*b" in query:
        assert browser.find_element("id", "value-a").get_property("value") == link["a"]


def answer_in_the_page(browser, text: str) -> None:
    box = browser.find_element("css selector", "#quiz input[type=text]")
    box.clear()
    box.send_keys(text)
    click(browser, "#quiz button", "Submit")


def test_the_quiz_scores_a_right_answer(browser, served, built):
    open_page(browser, served, "?" + LECTURE_LINK.partition("?")[2])
    quiz = Quiz(parse(LECTURE, LECTURE_VALUES).backward_steps())  # the same questions, asked here too
    right = f"{quiz.question.expected:g}"
    assert quiz.answer(right).verdict == "right"
    answer_in_the_page(browser, right)
    wait_for(browser, f"return document.querySelector('#quiz .mgl-score').textContent.includes('score: {quiz.score}')",
             timeout=30)
    assert quiz.score == (1, 1)
    assert str(quiz.question).splitlines()[0] in text_of(browser, "quiz")  # on to the next question
    assert_all_from_the_folder(browser, served, built)


def test_the_quiz_gives_a_hint_for_a_wrong_answer(browser, served):
    open_page(browser, served, "?" + LECTURE_LINK.partition("?")[2])
    quiz = Quiz(parse(LECTURE, LECTURE_VALUES).backward_steps())
    wrong = f"{quiz.question.expected + 7:g}"
    said = quiz.answer(wrong)
    assert said.verdict == "hint"
    answer_in_the_page(browser, wrong)
    feedback = wait_for(browser, "return document.querySelector('#quiz .mgl-feedback').innerText.trim()", timeout=30)
    assert said.text.splitlines()[0].strip() in feedback
    assert f"score: {quiz.score}" in text_of(browser, "quiz")  # a hint is not yet a wrong answer


def test_the_moons_view_trains_after_play(browser, served, built):
    open_page(browser, served)
    browser.find_element("id", "open-training").click()
    status = "return (document.querySelector('#training .mgl-status') || {}).innerText"
    first = wait_for(browser, status, timeout=60)
    assert first.startswith("step 0 ")
    loss_at_start = float(first.split("loss ")[1].split()[0])
    picture = "return document.querySelector('#training canvas.mgl-boundary').toDataURL()"
    boundary_at_start = browser.execute_script(picture)
    assert browser.execute_script("""const drawn = document.querySelector('#training canvas.mgl-boundary');
        const blank = Object.assign(document.createElement('canvas'), {width: drawn.width, height: drawn.height});
        return drawn.toDataURL() !== blank.toDataURL()""")  # drawn from the start
    click(browser, "#training button", "Play")
    later = wait_for(browser, f"const s = {status[7:]}; return s && !s.startsWith('step 0 ') "
                              "&& Number(s.split(' ')[1]) >= 10 && s", timeout=120)
    click(browser, "#training button", "Pause")
    assert float(later.split("loss ")[1].split()[0]) < loss_at_start
    assert browser.execute_script(picture) != boundary_at_start  # the boundary moved
    assert browser.execute_script("return document.getElementById('problem').hidden")
    assert_all_from_the_folder(browser, served, built)


# -- reading a link ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "words"), [
    ("?expr=a*b&a=2&b=3&z=1", "gives 'z', which the expression does not use"),
    ("?expr=&a=1", "empty"),
    ("?expr=log(a)&a=0", "log"),
    ("?expr=a*b&a=1e400&b=1", "finite"),
    ("?expr=a*b&a=2,5&b=1", "write decimals with a point: 2.5"),
    ("?expr=a*b&a=1&b=2&a=3", "gives 'a' more than once"),
])
def test_a_link_that_makes_no_sense_is_one_line_saying_why(query, words):
    with pytest.raises(ExpressionError, match=re.escape(words)) as raised:
        exercise(query)
    assert "\n" not in str(raised.value)
    assert site.lesson(query)["problem"].startswith("This link does not open an exercise")


@settings(max_examples=200)
@given(st.text(max_size=40) | st.text(alphabet="ab+-*/() 0123.e", max_size=20),
       st.dictionaries(st.text(max_size=4).filter(lambda name: name != "expr") | st.sampled_from("ab"),
                       st.text(max_size=8) | st.floats().map(repr), max_size=4))
def test_any_link_is_an_exercise_or_one_line_saying_why(expr, values):
    query = urllib.parse.urlencode({"expr": expr, **values})
    try:
        found = exercise(query)
    except ExpressionError as error:
        assert str(error) and "\n" not in str(error)
        return
    text, numbers = found  # what the link asked for, read back exactly
    assert text == expr.strip() and set(numbers) == set(values) - {"expr"}
    assert all(numbers[name] == float(values[name]) for name in numbers)


def test_a_link_gives_the_same_pass_as_the_command_line():
    text, values = exercise("?" + LECTURE_LINK.partition("?")[2])
    L = parse(text, values)
    L.backward()
    expected = parse(LECTURE, LECTURE_VALUES)
    expected.backward()
    assert (text, values) == (LECTURE, LECTURE_VALUES)
    assert L.data == expected.data == -8.0


# -- the archive of Python ------------------------------------------------------------------------------
def test_the_archive_holds_the_package_and_its_pure_python_dependencies_and_is_the_same_each_time():
    data = site.package_archive()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    for needed in ("micrograd_like/__init__.py", "micrograd_like/teach/stepper.py", "micrograd_like/web/panel.py",
                   "micrograd_like/pages/templates/slideshow.html", "jinja2/__init__.py", "markupsafe/__init__.py",
                   "graphviz/__init__.py"):
        assert needed in names
    assert not [name for name in names if "__pycache__" in name or name.endswith((".so", ".pyc"))]
    assert not [name for name in names if name.startswith("micrograd_like/drawing/viz/")]  # copied beside it
    assert site.package_archive() == data


# -- fetching Pyodide ------------------------------------------------------------------------------------
@pytest.fixture
def tarball(built) -> Path:
    """The pinned tarball, as the build fetched and cached it."""
    path = pyodide_files.cache_dir() / f"pyodide-{pyodide_files.PYODIDE_VERSION}.tgz"
    if not path.is_file():
        pytest.skip("the user's cache holds no Pyodide tarball (it could not be written)")
    return path


def test_pyodide_is_fetched_once_with_progress_then_taken_from_the_cache(tarball, tmp_path, monkeypatch):
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "pyodide.tgz").write_bytes(tarball.read_bytes())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    told = []
    with serve(registry) as (url, log):
        monkeypatch.setattr(pyodide_files, "TARBALL_URL", f"{url}pyodide.tgz")
        first = pyodide_files.tarball_bytes(progress=lambda what, done, total: told.append((done, total)))
        assert log == [("/pyodide.tgz", 200)]
        again = pyodide_files.tarball_bytes()
        assert log == [("/pyodide.tgz", 200)]  # from the cache: no second request
    assert first == again == tarball.read_bytes()
    assert (tmp_path / "cache" / "micrograd_like" / tarball.name).read_bytes() == first
    assert len(told) > 1 and told == sorted(told) and told[-1] == (len(first), len(first))


def test_a_fetched_tarball_of_other_contents_is_refused_and_not_cached(tmp_path, monkeypatch):
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "pyodide.tgz").write_bytes(b"not pyodide")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with serve(registry) as (url, _):
        monkeypatch.setattr(pyodide_files, "TARBALL_URL", f"{url}pyodide.tgz")
        with pytest.raises(pyodide_files.PyodideError, match="does not match its pinned checksum"):
            pyodide_files.tarball_bytes()
    assert not (tmp_path / "cache").exists()


# -- the command -----------------------------------------------------------------------------------------
def one_line_error(status: int, out: str, err: str) -> str:
    assert status == 2
    assert out == ""
    assert err.startswith("micrograd-like site: error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def a_fake_tarball(path: Path) -> Path:
    """A real gzipped tarball with Pyodide's file names, and other contents."""
    with tarfile.open(path, "w:gz") as archive:
        for name in pyodide_files.CORE_FILES:
            data = b"// not pyodide\n"
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("kind", ["not a tarball", "another tarball", "missing"])
def test_a_bad_pyodide_file_is_one_line_and_nothing_is_written(kind, tmp_path, capsys):
    given = tmp_path / "pyodide.tgz"
    if kind == "not a tarball":
        given.write_text("hello\n")
    elif kind == "another tarball":
        a_fake_tarball(given)
    out_dir = tmp_path / "out" / "lesson"
    err = one_line_error(*run_main(capsys, "site", "-o", str(out_dir), "--pyodide", str(given)))
    assert str(given) in err
    assert ("cannot read" if kind == "missing" else "is not the tarball of Pyodide") in err
    assert not (tmp_path / "out").exists()


def test_no_network_is_one_line_and_nothing_is_written(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(pyodide_files, "TARBALL_URL", "http://127.0.0.1:9/pyodide.tgz")  # nothing listens there
    err = one_line_error(*run_main(capsys, "site", "-o", str(tmp_path / "lesson")))
    assert "cannot fetch Pyodide" in err and "--pyodide FILE" in err
    assert not (tmp_path / "lesson").exists()


def test_a_folder_holding_other_files_is_refused_unless_force(tarball, tmp_path, capsys):
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    (folder / "index.html").write_text("<p>my own page</p>\n")
    err = one_line_error(*run_main(capsys, "site", "-o", str(folder), "--pyodide", str(tarball)))
    assert "index.html and 1 more" in err and "--force" in err
    assert sorted(path.name for path in folder.iterdir()) == ["index.html", "notes.txt"]
    assert (folder / "index.html").read_text() == "<p>my own page</p>\n"
    status, out, _ = run_main(capsys, "site", "-o", str(folder), "--pyodide", str(tarball), "--force")
    assert status == 0 and "wrote the site" in out
    assert (folder / "notes.txt").read_text() == "mine\n"  # left alone
    assert "Written by micrograd-like site" in (folder / "index.html").read_text()  # written over: --force


def test_a_site_is_written_again_over_itself_but_not_over_a_changed_file(tarball, tmp_path, capsys):
    folder = tmp_path / "lesson"
    assert run_main(capsys, "site", "-o", str(folder), "--pyodide", str(tarball))[0] == 0
    assert run_main(capsys, "site", "-o", str(folder), "--pyodide", str(tarball))[0] == 0  # ours: no --force
    (folder / "style.css").write_text("body { color: pink }\n")  # a teacher's edit: theirs now
    err = one_line_error(*run_main(capsys, "site", "-o", str(folder), "--pyodide", str(tarball)))
    assert "style.css" in err
    assert (folder / "style.css").read_text() == "body { color: pink }\n"


def test_a_symbolic_link_in_the_way_is_refused_even_with_force(tarball, tmp_path, capsys):
    folder = tmp_path / "lesson"
    folder.mkdir()
    target = tmp_path / "elsewhere.html"
    target.write_text("someone's\n")
    (folder / "index.html").symlink_to(target)
    err = one_line_error(*run_main(capsys, "site", "-o", str(folder), "--pyodide", str(tarball), "--force"))
    assert "symbolic link" in err
    assert target.read_text() == "someone's\n"


def test_a_download_cut_short_is_one_line_and_not_cached(tmp_path, monkeypatch):
    class CutShort(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"only the start")  # and the connection closes

        def log_message(self, format, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CutShort)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(pyodide_files, "TARBALL_URL", f"http://127.0.0.1:{server.server_address[1]}/pyodide.tgz")
    try:
        with pytest.raises(pyodide_files.PyodideError, match="cannot fetch Pyodide") as raised:
            pyodide_files.tarball_bytes()
    finally:
        server.shutdown()
        server.server_close()
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(("in_the_way", "words"), [("index.html/", "it is a directory"), ("pyodide", "is a file")])
def test_a_folder_where_a_file_goes_or_the_other_way_round_is_refused_even_with_force(tarball, tmp_path, capsys,
                                                                                     in_the_way, words):
    folder = tmp_path / "lesson"
    folder.mkdir()
    if in_the_way.endswith("/"):
        (folder / in_the_way).mkdir()
    else:
        (folder / in_the_way).write_text("mine\n")
    err = one_line_error(*run_main(capsys, "site", "-o", str(folder), "--pyodide", str(tarball), "--force"))
    assert words in err
    assert sorted(path.name for path in folder.iterdir()) == [in_the_way.rstrip("/")]


def test_the_command_run_as_a_user_runs_it_answers_a_bad_tarball_in_one_line(tmp_path):
    given = a_fake_tarball(tmp_path / "pyodide.tgz")
    result = run_command("site", "-o", str(tmp_path / "lesson"), "--pyodide", str(given))
    one_line_error(result.returncode, result.stdout, result.stderr)
    assert not (tmp_path / "lesson").exists()


def test_a_plus_typed_into_a_link_by_hand_is_said_to_be_a_space():
    with pytest.raises(ExpressionError, match=r"in a link, \+ is a space: write %2B for \+"):
        exercise("?expr=a*b+c&a=1&b=2&c=3")
    assert exercise("?expr=a*b%2Bc&a=1&b=2&c=3") == ("a*b+c", {"a": 1.0, "b": 2.0, "c": 3.0})
