"""Real processes for the fault tests: a private redis-server, Celery workers
started as the deployment starts them, and a way to hold a worker inside an
open database transaction so a fault lands mid-write, not between tasks."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from profiles.models import Program
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
# libpq reads PGAPPNAME, so every connection a worker opens carries this name
# in pg_stat_activity: the test can find (and terminate) exactly those.
WORKER_APP_NAME = "kindred-faults-worker"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    return (
        "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
    )


class RedisServer:
    """A redis-server of the test's own, without persistence, so a restart
    loses every queued message."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server must be on the PATH (the fault tests run their own)"
        args = f"--port {self.port} --bind 127.0.0.1 --save '' --appendonly no --daemonize no"
        with (self.directory / "redis.log").open("a") as log:
            self.process = subprocess.Popen(
                [binary, *shlex.split(args), "--dir", str(self.directory)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_for(lambda: self._pings(client), timeout=10)

    @staticmethod
    def _pings(client) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Worker:
    """``celery -A config worker`` in its own process group, so SIGKILL to the
    group takes the parent and its pool child together."""

    def __init__(self, name: str, env: dict, log: Path, concurrency: int = 1):
        self.name, self.env, self.log = name, env, log
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        args = (
            f"-m celery -A config worker --pool prefork --concurrency {self.concurrency}"
            f" -Q {settings.CELERY_TASK_DEFAULT_QUEUE} -n {self.name}@%h --loglevel INFO"
            " --without-mingle --without-gossip --without-heartbeat"
        )
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, *args.split()],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for(lambda: " ready." in self.log.read_text() or not self.alive(), 60)
        except AssertionError:
            raise AssertionError(f"{self.name} never became ready:\n{tail(self.log)}") from None
        assert self.alive(), tail(self.log)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def processes(self) -> list[int]:
        """Live processes of the worker's group (Linux /proc; zombies excluded)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if fields[0] != "Z" and int(fields[2]) == self.process.pid:
                    found.append(int(stat.parent.name))
        return found

    def kill(self) -> None:
        """SIGKILL the whole worker: nothing gets to clean up or hand messages back."""
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def retried(self, task: str) -> bool:
        """Whether the worker logged a retry of ``task`` (celery.app.trace's LOG_RETRY)."""
        pattern = rf"Task {re.escape(task)}\[[-0-9a-f]+\] retry: "
        return re.search(pattern, self.log.read_text()) is not None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.kill()


@pytest.fixture
def broker(redis_server):
    """Point this process's Celery app at the private Redis, tasks sent for real."""
    from config.celery import app

    before = (app.conf.broker_url, app.conf.task_always_eager)

    def switch(url: str, eager: bool) -> None:
        # The app caches its connection pools on first use; kombu keeps one per
        # URL, so forgetting the app's references is enough (closing them would
        # leave a closed pool for the next test that uses the same URL).
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.update(broker_url=url, task_always_eager=eager)

    switch(redis_server.url, eager=False)
    try:
        yield app
    finally:
        switch(*before)


def worker_database_url() -> str:
    """DATABASE_URL, but naming the test database pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


@pytest.fixture
def workers(stall, redis_server, broker, tmp_path):
    """Start workers with ``workers()``; each is killed when the test ends, pass or fail."""
    started: list[Worker] = []
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_server.url,
        "PGAPPNAME": WORKER_APP_NAME,
        "KINDRED_LOG_LEVEL": "INFO",
    }

    def start(concurrency: int = 1) -> Worker:
        name = f"faults{len(started) + 1}"
        worker = Worker(name, env, tmp_path / f"{name}.log", concurrency)
        started.append(worker)
        return worker.start()

    try:
        yield start
    finally:
        stall.disarm()
        for worker in started:
            worker.kill()
        # Shown by pytest only when the test failed.
        for worker in started:
            print(f"--- {worker.name} ---\n{tail(worker.log, 80)}")


class Stall:
    """Hold a worker inside its write transaction on demand.

    An AFTER INSERT trigger on the suggestion table waits while the switch is
    on, for worker connections only. A worker held there has written rows it
    has not committed: the worst moment to lose its process or connection."""

    def __init__(self):
        self.db = settings.DATABASES["default"]["NAME"]

    def install(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                CREATE TABLE IF NOT EXISTS faults_stall (app text PRIMARY KEY);
                CREATE OR REPLACE FUNCTION faults_stall() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    WHILE EXISTS (
                        SELECT 1 FROM faults_stall WHERE app = current_setting('application_name')
                    ) LOOP
                        PERFORM pg_sleep(0.05);
                    END LOOP;
                    RETURN NULL;
                END $$;
                CREATE OR REPLACE TRIGGER faults_stall AFTER INSERT ON matching_suggestion
                    FOR EACH STATEMENT EXECUTE FUNCTION faults_stall();
                """
            )

    def remove(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '20s'")
            cursor.execute(
                "DROP TRIGGER IF EXISTS faults_stall ON matching_suggestion;"
                "DROP FUNCTION IF EXISTS faults_stall();"
                "DROP TABLE IF EXISTS faults_stall;"
            )
            cursor.execute("RESET lock_timeout")

    def arm(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO faults_stall VALUES (%s)", [WORKER_APP_NAME])

    def disarm(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM faults_stall")

    def held(self) -> list[int]:
        """Backend pids of worker connections held inside the trigger."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s"
                " AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()",
                [self.db, WORKER_APP_NAME],
            )
            return [pid for (pid,) in cursor.fetchall()]

    def wait_held(self, timeout: float = 30) -> int:
        pids = wait_for(self.held, timeout)
        assert len(pids) == 1, pids
        return pids[0]

    def terminate(self, pid: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0]


@pytest.fixture
def stall(transactional_db):
    hook = Stall()
    hook.install()
    try:
        yield hook
    finally:
        hook.disarm()
        hook.remove()


@pytest.fixture
def seeded_program(transactional_db) -> Program:
    """2,000 mentees and 500 mentors from the demo generator: ten chunks of 200."""
    call_command("seed_demo", mentors=500, mentees=2000, seed=11, program="faults", no_logins=True)
    return Program.objects.get(slug="faults")
