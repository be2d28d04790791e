"""Start a local identity provider (a Node script) for the tests, and stop it after.

The script is configured through one environment variable holding JSON, picks a
free port itself and prints ``ready <json>`` once it listens; the fixture waits
for that line with a deadline rather than sleeping.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
READY = "ready "


@contextmanager
def node_idp(script: Path, *, env_name: str, config: dict, timeout: float = 20.0) -> Iterator[dict]:
    """Run ``script`` with ``config`` in ``env_name``; yield what its ready line says."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("no `node` on the PATH: the local identity providers need Node.js")
    with tempfile.TemporaryFile(mode="w+") as stderr:
        process = subprocess.Popen(
            [node, str(script)],
            cwd=ROOT,
            env={**os.environ, env_name: json.dumps(config)},
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            yield _ready(process, stderr, script=script, timeout=timeout)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()


def _ready(process: subprocess.Popen, stderr, *, script: Path, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0:
            if not selector.select(timeout=left):
                break
            line = process.stdout.readline()
            if line.startswith(READY):
                return json.loads(line[len(READY) :])
            if not line:  # the process ended
                break
    process.kill()
    process.wait()
    stderr.seek(0)
    pytest.fail(
        f"{script.name} did not start (exit status {process.returncode}):\n{stderr.read()}",
        pytrace=False,
    )
