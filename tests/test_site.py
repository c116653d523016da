"""The lesson site (``micrograd-like site``): built once, served from its folder only, and driven
in headless Chromium with the network cut off, as a student's browser would run it.

The site is built once for the module; Pyodide is fetched from the npm registry the first time
and kept in the user's cache (~/.cache/micrograd_like), so later runs fetch nothing.  Every test
in the browser checks that each request the page made was answered from the folder, and the
first one checks that the browser really has no network.  The browser tests need Debian's
``chromium`` and ``chromedriver`` (a failure under CI when missing, else a skip).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import need

from bench.browser import offline_chromium, serve, wait_for
from micrograd_like import parse
from micrograd_like.teach.quiz import Quiz
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
    browser.get(f"{url}index.html{query}")
    state = wait_for(browser, READY, timeout=180)
    assert state == "ready", browser.execute_script("return document.getElementById('problem').textContent")


def assert_all_from_the_folder(browser, served, built: Path) -> None:
    """Every resource the page loaded came from the site's server, and each was a file of the folder."""
    url, log = served
    names = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert names, "the page loaded nothing?"
    elsewhere = [name for name in names if not name.startswith(url) and not name.startswith(("blob:", "data:"))]
    assert not elsewhere
    assert log, "the server saw no request"
    for path, status in log:
        file = built / path.split("?")[0].lstrip("/")
        assert status in (200, 304) and file.is_file(), (path, status)


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


def test_the_lecture_link_opens_the_stepper_and_five_nexts_reach_a(browser, served, built):
    open_page(browser, served, "?" + LECTURE_LINK.partition("?")[2])
    assert browser.execute_script("return document.getElementById('problem').hidden")
    assert text_of(browser, "pass-name") == LECTURE
    assert step_readout(browser) == "0/6"
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
    assert not browser.find_element("id", "expression").get_property("disabled")  # the form still works


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
    click(browser, "#training button", "Play")
    later = wait_for(browser, f"const s = {status[7:]}; return s && !s.startsWith('step 0 ') "
                              "&& Number(s.split(' ')[1]) >= 10 && s", timeout=120)
    click(browser, "#training button", "Pause")
    assert float(later.split("loss ")[1].split()[0]) < loss_at_start
    assert browser.execute_script("return document.getElementById('problem').hidden")
    assert_all_from_the_folder(browser, served, built)
