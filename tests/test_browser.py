"""The lessons in a real browser: JupyterLab in headless Chromium, run through the UI.

- Lessons 01 and 04 (fast mode, in a scratch copy) run every cell through JupyterLab's own
  "Run All"; no cell may show an error or a stderr stream; widgets must render (lesson 04's
  temperature player); lesson 04 must show an audio player.
- The site (``labkit.docs``, as ``make docs`` builds it) is built with the notebooks JupyterLab saved
  as those lessons' pages; its index, lesson 04's page, an API page and a search open in Chromium:
  every image loaded, lesson 04's figures and audio player there, its exercises listed, the API's
  functions shown, and the search finds the lessons.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them); skipped, saying so,
where they are missing. ``make test-browser`` runs this file alone.
"""

from labkit import config, docs

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="browser test skipped: install chromium and chromium-driver (apt-get)")
LESSONS = ("01_rnn_from_scratch", "04_music_generation")
TOKEN = "labkit-browser-test"

# The notebook JupyterLab shows, as the browser sees it: each code cell's outputs and count.
_CELLS = """
const panel = window.jupyterapp.shell.currentWidget;
if (!panel || !panel.content || !panel.content.model || !panel.sessionContext.session) return null;
const cells = panel.content.model.cells, found = [];
for (let i = 0; i < cells.length; i++) found.push(cells.get(i).toJSON());
return {kernel: panel.sessionContext.session.kernel.status, cells: found};
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free port over a scratch copy of the lessons, in fast mode."""
    root = tmp_path_factory.mktemp("browser")
    (root / "notebooks").mkdir()
    for name in LESSONS:
        shutil.copy(config.NOTEBOOKS_DIR / f"{name}.ipynb", root / "notebooks")
    port = _free_port()
    env = {**os.environ, "LABKIT_FAST": "1", "LABKIT_ROOT": str(root),
           "LABKIT_RESULTS_DIR": str(root / "results")}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # as a student's: labkit quiets TensorFlow itself
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root / 'notebooks'}", "--allow-root",
         "--expose-app-in-browser", "--LabApp.news_url=", "--ServerApp.disable_check_xsrf=True"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield url, root
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                 "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _run_all(browser, url, name):
    """Open the lesson in JupyterLab, Run All, wait until every code cell ran; the cells' JSON."""
    browser.get(f"{url}/lab/tree/{name}.ipynb?token={TOKEN}&reset")
    _wait(lambda: browser.execute_script(_CELLS) and browser.execute_script(_CELLS)["kernel"] == "idle",
          120, f"{name} to open with an idle kernel")
    browser.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells');")

    def finished():
        state = browser.execute_script(_CELLS)
        code = [c for c in state["cells"] if c["cell_type"] == "code"]
        errors = [c for c in code if any(o["output_type"] == "error" for o in c["outputs"])]
        done = state["kernel"] == "idle" and all(c["execution_count"] for c in code)
        return code if done or errors else None

    cells = _wait(finished, 900, f"{name} to run to the end")
    _save(browser, name)
    return cells


def _save(browser, name):
    """Save the open notebook and wait until JupyterLab says it is on disk (not dirty)."""
    browser.set_script_timeout(60)
    failed = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.jupyterapp.commands.execute('docmanager:save').then(() => done(null), e => done(String(e)));")
    assert failed is None, f"{name}: JupyterLab could not save: {failed}"
    _wait(lambda: browser.execute_script(
        "return !window.jupyterapp.shell.currentWidget.context.model.dirty;"), 60, f"{name} to be saved")


def _complaints(cells):
    """Error outputs and stderr streams, as (cell number, first line)."""
    found = []
    for number, cell in enumerate(cells, start=1):
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                found.append((number, f"{output['ename']}: {output['evalue']}"[:200]))
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                found.append((number, "stderr: " + "".join(output["text"]).strip()[:200]))
    return found


@pytest.fixture(scope="module")
def ran(lab, browser):
    url, _ = lab
    return {name: _run_all(browser, url, name) for name in LESSONS}


@pytest.mark.parametrize("name", LESSONS)
def test_run_all_in_jupyterlab_shows_no_error_and_no_stderr(ran, name):
    assert _complaints(ran[name]) == []


def test_widgets_render_and_lesson_04_plays_its_tune(ran, browser):
    count = "document.querySelectorAll('{}').length"
    rendered = browser.execute_script("return [" + ", ".join(count.format(selector) for selector in (
        ".jp-OutputArea-output .widget-slider", ".jp-OutputArea-output audio",
        ".jp-OutputArea-output .jupyter-button")) + "];")
    sliders, audio, buttons = rendered
    assert sliders >= 1 and buttons >= 1, f"widgets did not render: {rendered}"
    assert audio >= 1, "lesson 04 shows no audio player"


# What a page shows, as the browser sees it.
_SEEN = """
return {title: document.title, text: document.body.innerText,
        images: Array.from(document.images).map(i => [i.complete && i.naturalWidth > 0, i.src.slice(0, 40)]),
        audio: document.querySelectorAll('audio').length, links: document.querySelectorAll('a[href]').length,
        functions: document.querySelectorAll('dl.py.function, dl.py.class').length,
        found: document.querySelectorAll('#search-results li').length};
"""


def _open(browser, page):
    browser.get(page)
    _wait(lambda: browser.execute_script("return document.readyState") == "complete", 60, page)
    seen = browser.execute_script(_SEEN)
    assert seen["images"] == [] or all(ok for ok, _ in seen["images"]), f"{page}: images that did not load"
    return seen


def test_the_site_built_from_those_runs_shows_their_figures(ran, lab, browser):
    _, root = lab
    saved = root / "notebooks"
    for name in LESSONS:  # JupyterLab saved them with their outputs (the setup cell printed the banner)
        setup = next(c for c in json.loads((saved / f"{name}.ipynb").read_text())["cells"]
                     if "seed_everything" in "".join(c["source"]))
        assert setup["outputs"], name
    site = root / "site"
    docs.build(site, executed=saved, lessons=[config.NOTEBOOKS_DIR / f"{name}.ipynb" for name in LESSONS])

    index = _open(browser, (site / "index.html").as_uri())
    assert "Sequence Modeling Labs" in index["title"], index["title"]
    assert "For instructors" in index["text"], index["text"][:300]
    lesson = _open(browser, (site / "lessons" / "04_music_generation.html").as_uri())
    assert len(lesson["images"]) >= 2 and lesson["audio"] >= 1, lesson  # its plots and the tune it plays
    assert "exercises (download it):" in lesson["text"]  # under the title; Sphinx curls the apostrophe
    api = _open(browser, (site / "api" / "labkit.html").as_uri())
    assert api["functions"] >= 10 and "labkit.readme" in api["text"], api["text"][:300]
    browser.get((site / "search.html").as_uri() + "?q=attention")
    found = _wait(lambda: browser.execute_script(_SEEN)["found"], 60, "the search to find pages")
    print(f"\nindex: {len(index['images'])} images, {index['links']} links; lesson 04: "
          f"{len(lesson['images'])} images loaded, {lesson['audio']} audio players; API (labkit): "
          f"{api['functions']} functions and classes; search 'attention': {found} pages")
