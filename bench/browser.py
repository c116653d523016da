"""The lesson site in a browser: how big it is, how long it takes to start, how fast it trains.

``python -m bench.browser`` builds the site (``micrograd-like site``) into a temporary folder,
serves it on 127.0.0.1, and drives headless Chromium with the network cut off:

- the folder's size (what a server hands a student's browser, once);
- the first load: from navigation to the page saying it is ready (Pyodide started, the engine
  unpacked, the stepper on the lecture's pass), each time in a fresh browser (a cold cache),
  and the same page opened again in that browser (a warm cache);
- the moons training step, the compiled one the training view runs (``Playground.step()``, the
  loss traced once by ``compiler.compiled.CompiledLoss``), timed by the same code under Pyodide
  and in CPython here: the ratio of their medians.

Not part of the test suite (timings on a shared machine are noise in a test); the numbers in
docs/site.md come from here.  The server and the offline browser are also what tests/test_site.py
drives (:func:`serve`, :func:`offline_chromium`).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["serve", "offline_chromium", "wait_for", "OFFLINE_FLAGS", "STEP_TIMING", "main"]

OFFLINE_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # the network cut off: every name resolves to nothing, every connection goes to a dead proxy,
    # except 127.0.0.1, where the site is served
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
)

# Timed the same way in CPython and in Pyodide: the training view's step on two moons.
STEP_TIMING = """
import time
from micrograd_like.web.playground import Playground

def time_steps(repeats):
    playground = Playground(dataset="moons", seed=0)  # the page's training view, as it opens
    playground.step(3)  # warmed up
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        playground.step(1)
        seconds.append(time.perf_counter() - start)
    return seconds
"""


class _LoggingHandler(http.server.SimpleHTTPRequestHandler):
    """Answers from one folder only, and writes down every request: (path, status)."""

    log: list[tuple[str, int]]

    def log_request(self, code="-", size="-"):
        self.log.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, format, *args):  # quiet: the log is the list
        pass


@contextlib.contextmanager
def serve(directory: str | Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yield its address and the
    list every request is logged in, as (path, status)."""
    log: list[tuple[str, int]] = []
    handler = type("Handler", (_LoggingHandler,), {"log": log})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", log
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def offline_chromium(window: str = "1280,1000") -> Iterator:
    """Headless Chromium (selenium, Debian's chromedriver) with a fresh profile and no network
    but 127.0.0.1: yields the driver.  The page's console is kept (driver.get_log("browser"))."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    profile = tempfile.mkdtemp(prefix="chromium-site-")
    for flag in (*OFFLINE_FLAGS, f"--user-data-dir={profile}", f"--window-size={window}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, script: str, timeout: float = 120.0, every: float = 0.2):
    """Run ``script`` (JavaScript returning a value) until it returns something true; return that.
    A TimeoutError after ``timeout`` seconds, with the page's state and problem in its words."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(every)
    state = driver.execute_script("return [document.body.dataset.state, "
                                  "(document.getElementById('problem') || {}).textContent]")
    raise TimeoutError(f"waited {timeout:g} s for {script!r}; the page: {state}")


def _folder_size(directory: Path) -> tuple[int, int]:
    """The bytes of the folder's files, and its disk usage in bytes (as ``du``)."""
    files = [path for path in directory.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), sum(path.stat().st_blocks * 512 for path in files)


def _load_seconds(driver, url: str) -> float:
    """Navigation to ``url`` until the page says it is ready, in seconds (its own performance mark)."""
    driver.get(url)
    state = wait_for(driver, "return ['ready', 'failed'].includes(document.body.dataset.state) "
                             "&& document.body.dataset.state", timeout=300)
    if state != "ready":
        raise RuntimeError(f"the page failed: {driver.find_element('id', 'problem').text}")
    return driver.execute_script("return performance.getEntriesByName('ready')[0].startTime") / 1000


def load_seconds(url: str) -> tuple[float, float]:
    """The first load in a fresh browser (a cold cache), then the page opened again (a warm one), in seconds."""
    with offline_chromium() as driver:
        first = _load_seconds(driver, url)
        return first, _load_seconds(driver, url)


def pyodide_step_seconds(url: str, repeats: int) -> list[float]:
    """The moons step's times under Pyodide, in the page's own interpreter."""
    with offline_chromium() as driver:
        driver.set_script_timeout(600)
        driver.get(url)
        wait_for(driver, "return document.body.dataset.state === 'ready'", timeout=300)
        return driver.execute_async_script("""
            const [code, repeats, done] = arguments;
            const pyodide = globalThis.micrograd_like.pyodide;
            pyodide.runPython(code);
            const seconds = pyodide.globals.get("time_steps")(repeats);
            done(seconds.toJs());
            seconds.destroy();""", STEP_TIMING, repeats)


def cpython_step_seconds(repeats: int) -> list[float]:
    """The same step's times in this CPython."""
    namespace: dict = {}
    exec(STEP_TIMING, namespace)
    return namespace["time_steps"](repeats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="moons steps timed in each Python (default 30)")
    parser.add_argument("--loads", type=int, default=3, help="cold first loads timed (default 3)")
    parser.add_argument("--pyodide", metavar="FILE", help="the Pyodide tarball, as micrograd-like site --pyodide")
    args = parser.parse_args(argv)
    from micrograd_like.web.site import LECTURE_LINK, build_site

    with tempfile.TemporaryDirectory(prefix="bench-site-") as temporary:
        directory = Path(temporary) / "lesson"
        print("building the site ...", file=sys.stderr, flush=True)
        build_site(directory, pyodide=args.pyodide)
        size, usage = _folder_size(directory)
        with serve(directory) as (url, _):
            page = url + LECTURE_LINK
            loads, again = [], []
            for done in range(1, args.loads + 1):
                print(f"load {done} of {args.loads} ...", file=sys.stderr, flush=True)
                cold, warm = load_seconds(page)
                loads.append(cold)
                again.append(warm)
            print(f"timing {args.repeats} moons steps under Pyodide ...", file=sys.stderr, flush=True)
            in_browser = pyodide_step_seconds(page, args.repeats)
    print(f"timing {args.repeats} moons steps in CPython ...", file=sys.stderr, flush=True)
    here = cpython_step_seconds(args.repeats)
    browser_median, here_median = statistics.median(in_browser), statistics.median(here)
    print(f"site folder: {size / 1e6:.1f} MB in its files ({usage / 2**20:.1f} MiB on disk, as du)")
    print(f"first load, navigation to ready, cold cache: median {statistics.median(loads):.2f} s "
          f"of {len(loads)} ({', '.join(f'{s:.2f}' for s in loads)})")
    print(f"opened again, warm cache: median {statistics.median(again):.2f} s "
          f"of {len(again)} ({', '.join(f'{s:.2f}' for s in again)})")
    from micrograd_like.web.playground import Playground

    playground = Playground(dataset="moons", seed=0)
    print(f"moons step (Playground.step, compiled: {playground.model}, {len(playground.X)} points), "
          f"median of {args.repeats}: "
          f"Pyodide {browser_median * 1000:.1f} ms, CPython {platform.python_version()} {here_median * 1000:.1f} ms, "
          f"ratio {browser_median / here_median:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
