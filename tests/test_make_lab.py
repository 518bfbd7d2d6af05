"""`make lab` starts a JupyterLab server that serves the lessons (on localhost only)."""

from labkit import config

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

TOKEN = "labkit-test-token"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.fixture
def lab_server():
    port = _free_port()
    flags = f"--no-browser --ip=127.0.0.1 --ServerApp.port_retries=0 --IdentityProvider.token={TOKEN}"
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_FLAGS={flags}"],
                              cwd=config.REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(f"{base}/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"make lab did not start a server:\n{server.stdout.read()}")
                time.sleep(0.5)
        yield base, server
    finally:
        _stop(server)


def _stop(server):
    """Stop `make` and the jupyter server it started (one process group)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except ProcessLookupError:
        pass  # already stopped
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def test_make_lab_serves_jupyterlab_and_the_lessons(lab_server):
    base, _ = lab_server
    status, page = _get(f"{base}/lab")
    assert status == 200 and "JupyterLab" in page
    status, body = _get(f"{base}/api/contents/01_rnn_from_scratch.ipynb")
    notebook = json.loads(body)
    assert status == 200 and notebook["type"] == "notebook"
    sources = ["".join(c["source"]) for c in notebook["content"]["cells"]]
    assert any("class MyRNNCell" in s for s in sources)


def test_make_lab_prints_the_url(lab_server):
    base, server = lab_server
    _stop(server)
    output = server.stdout.read()
    assert re.search(rf"{re.escape(base)}/lab\?token=", output), output[-2000:]
