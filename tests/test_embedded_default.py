"""`make run` with nothing configured: SQLite and in-process tasks."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


DASHBOARD_FIGURES = """
import json
from dashboard import figures
from profiles.models import Program
program = Program.objects.get(slug="default")
h = figures.program_health(program)
f = figures.fairness(program)
print(json.dumps({
    "mentors": h["mentors"], "mentees": h["mentees"], "matched": h["matched"],
    "waiting": len(h["waiting"]), "full": len(h["full_mentors"]), "idle": len(h["idle_mentors"]),
    "full_count": h["full_count"], "idle_count": h["idle_count"],
    "everyone": f["everyone"]["people"],
}))
"""


# Eight threads (runserver's, say) each make five calls against one API allowance of twelve.
ALLOWANCE_RACE = """
import threading, time
from collections import Counter
from django.db import connection
from api import allowances
answers, start = Counter(), threading.Barrier(8)
def calls():
    start.wait()
    for _ in range(5):
        try:
            wait = allowances.take(key="race", limit=12, window=3600, now=time.time())
            answers["refused" if wait else "counted"] += 1
        except Exception as error:
            answers[type(error).__name__] += 1
    connection.close()
threads = [threading.Thread(target=calls) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(answers))
"""


def test_the_embedded_default_migrates_seeds_and_serves_the_landing_page(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["KINDRED_SQLITE_PATH"] = str(tmp_path / "db.sqlite3")
    manage(env, "migrate", "--noinput")
    seeded = manage(env, "seed_demo", "--mentors", "4", "--mentees", "6")
    assert "mentee@demo.kindred.test" in seeded.stdout
    assert (tmp_path / "db.sqlite3").exists()
    # SQLite has no FOR UPDATE: concurrent calls still count exactly, none refused
    # with "database is locked" (api/allowances.py takes the write lock first).
    raced = manage(env, "shell", "-c", "import json\n" + ALLOWANCE_RACE)
    assert json.loads(raced.stdout.strip().splitlines()[-1]) == {"counted": 12, "refused": 28}
    # Scoring writes lists through bulk_create here (COPY is PostgreSQL's path); a
    # second run updates the same rows.
    counts = []
    for _ in range(2):
        manage(env, "score_program", "default", "--wait")
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            counts.append(
                db.execute(
                    "SELECT COUNT(*), SUM(reasons != '[]') FROM matching_suggestion"
                ).fetchone()
            )
    assert counts[0][0] > 0 and counts[0] == counts[1] == (counts[0][0], counts[0][0])
    # The dashboard's figures take SQLite's own paths (no array_agg, no
    # percentile_cont) and agree with themselves.
    shown = json.loads(
        manage(env, "shell", "-c", DASHBOARD_FIGURES).stdout.strip().splitlines()[-1]
    )
    assert shown["mentors"] >= 4 and shown["mentees"] >= 6
    assert shown["waiting"] == shown["mentees"] - shown["matched"]
    assert (shown["full"], shown["idle"]) == (shown["full_count"], shown["idle_count"])
    assert shown["idle_count"] > 0 and shown["everyone"] == shown["mentees"]

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "Find a mentor who understands where you come from" in body
    assert "Join as a mentee" in body
