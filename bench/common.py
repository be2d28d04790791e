"""Helpers shared by the scoring benchmarks: environment, Django, seeded
programs, new profiles, Celery workers, timing and result files.

Importing this module points Django at the benchmark database and Redis
index (``BENCH_DATABASE_URL`` / ``BENCH_REDIS_URL``), never at whatever
``DATABASE_URL`` the shell happens to hold.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kindred_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PROTECTED_DATABASES = {"kindred", "kindred_dev", "kindred_walk", "test_kindred"}
PROTECTED_REDIS = {"0", "3", "15"}
QUEUE = "kindred"
NEW_PROFILE_DOMAIN = "bench.kindred.test"

if DATABASE_URL.rsplit("/", 1)[-1] in PROTECTED_DATABASES:
    sys.exit(f"Refusing to benchmark against {DATABASE_URL}: use a dedicated database.")
if REDIS_URL.rsplit("/", 1)[-1] in PROTECTED_REDIS:
    sys.exit(f"Refusing to benchmark against {REDIS_URL}: use a dedicated Redis index.")

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
# As in config/celery.py: a worker process scores with one BLAS thread.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(ROOT))
# Stop cleanly (workers included) on kill -TERM or -INT, even when started with nohup.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
signal.signal(signal.SIGINT, signal.default_int_handler)


# --- Django and the benchmark database ------------------------------------------


def setup_django(*, database: bool = True) -> None:
    """django.setup(); with ``database``, create and migrate the bench database."""
    import django

    if database:
        _create_database()
    django.setup()
    if database:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def _create_database() -> None:
    import psycopg2
    from psycopg2 import sql

    base, name = DATABASE_URL.rsplit("/", 1)
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def vacuum() -> None:
    """VACUUM ANALYZE the benchmark database.

    The PostgreSQL here runs with autovacuum off. Every re-score rewrites each
    listed suggestion, so without this the table fills with dead row versions
    and the planner has no statistics: after a few 100k runs the lists query in
    ``refresh_for_mentor`` read 750,000 index entries for 50,000 live rows.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def program_slug(size: int) -> str:
    return f"bench-{size // 1000}k" if size >= 10_000 else f"bench-small-{size}"


def program_seed(size: int) -> int:
    return size // 1000 if size >= 10_000 else size


def seeded_program(size: int):
    """A program of ``size`` mentors and ``size`` mentees (seeded once, then reused)."""
    from django.core.management import call_command

    from profiles.models import Program

    slug = program_slug(size)
    call_command(
        "seed_demo",
        mentors=size,
        mentees=size,
        seed=program_seed(size),
        program=slug,
        no_logins=True,
        stdout=sys.stderr,
    )
    program = Program.objects.get(slug=slug)
    settle(program)
    vacuum()
    return program


def settle(program) -> None:
    """Leave a freshly seeded program as a live one is: its last edit older than
    the loader's look-back (features.LAG).

    The loader re-reads every profile saved within LAG before the newest save,
    on every update; right after seeding that is the whole program. So wait
    until the seeded rows are older than LAG, then touch one profile so that the
    newest save is recent and the window holds only it.
    """
    from django.utils import timezone

    from matching.features import LAG
    from profiles.models import Profile

    profiles = Profile.objects.filter(program=program)
    newest = profiles.latest("updated_at")
    if profiles.filter(updated_at__gte=newest.updated_at - LAG).count() <= 1:
        return
    wait = (newest.updated_at + LAG - timezone.now()).total_seconds()
    if wait > 0:
        print(f"waiting {wait:.0f} s until the seeded rows leave the loader's look-back window")
        time.sleep(wait + 1)
    profiles.filter(pk=newest.pk).update(updated_at=timezone.now())


# --- new profiles, written as the questionnaire would ---------------------------------


class ProfileWriter:
    """Writes fresh ready profiles with their tags, from the demo generator."""

    def __init__(self, program, seed: int = 9001):
        import random

        from profiles.management.commands.seed_demo import Command

        self.program = program
        self.rng = random.Random(seed)
        self.seed_command = Command()
        self.vocab, self.ids = self.seed_command.vocabulary()
        self.background_kind = {s: k for (k, s) in self.ids if k in ("heritage", "identity")}
        self.count = 0

    def write(self, role: str) -> int:
        """Create one user and ready profile with its tags; return the profile id."""
        from django.db import transaction

        from profiles.demo import person
        from profiles.management.commands.seed_demo import UNUSABLE
        from profiles.models import User

        self.count += 1
        p = person(self.rng, role, self.count, 0, self.vocab)
        stamp = f"{time.time_ns()}-{self.count}"
        p.email = f"new-{role}-{stamp}@{NEW_PROFILE_DOMAIN}"
        tag = self.ids.__getitem__
        with transaction.atomic():
            user = User.objects.create(email=p.email, password=UNUSABLE, first_name="Bench")
            profile = self.seed_command.profile_row(self.program, user, p, self.ids)
            profile.save()
            profile.languages.set([tag(("language", s)) for s in p.languages])
            profile.goals.set([tag(("goal", s)) for s in p.goals])
            profile.values.set([tag(("value", s)) for s in p.values])
            profile.background.set([tag((self.background_kind[s], s)) for s in p.background])
        return profile.pk


def delete_new_profiles() -> int:
    """Remove every profile the benchmarks wrote (their users cascade)."""
    from profiles.models import User

    deleted, _ = User.objects.filter(email__endswith=f"@{NEW_PROFILE_DOMAIN}").delete()
    return deleted


# --- Celery workers ------------------------------------------------------------------


class Workers:
    """A real ``celery worker --pool prefork`` on the benchmark broker, as a context."""

    def __init__(self, concurrency: int):
        self.concurrency = concurrency
        self.name = f"bench-c{concurrency}@%h"
        self.log = RESULTS / f"worker-c{concurrency}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Workers:
        RESULTS.mkdir(parents=True, exist_ok=True)
        cmd = [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(self.concurrency),
            "-Q",
            f"{QUEUE},{QUEUE}-figures",
            "-n",
            self.name,
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ]
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"celery worker exited; see {self.log}")
            if len(self.children()) >= self.concurrency and " ready." in self.log.read_text():
                return
            time.sleep(0.2)
        raise RuntimeError(f"celery worker not ready after {timeout} s; see {self.log}")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except FileNotFoundError:
            return []

    def peak_rss_mb(self) -> dict[int, float]:
        """VmHWM (peak resident set) of each pool process, in MB."""
        return {pid: proc_status_kb(pid, "VmHWM") / 1024 for pid in self.children()}

    def __exit__(self, *exc) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        children = self.children()
        self.proc.terminate()  # warm shutdown: finish the task at hand, then exit
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pid in children:
            if Path(f"/proc/{pid}").exists():
                os.kill(pid, 9)


def proc_status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_broker() -> None:
    """Fail the runs a benchmark left unfinished and drop their messages, so a
    starting worker does not resume them in the middle of a measurement."""
    from config.celery import app
    from matching import rescoring
    from matching.models import MatchingRun

    live = [MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING]
    for run_id in MatchingRun.objects.filter(status__in=live).values_list("pk", flat=True):
        rescoring.fail_run(run_id=run_id, error="Left unfinished by a benchmark.")
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)


def warm_up(program, workers: Workers) -> float:
    """A throwaway run, abandoned once the pool processes have scored two chunks
    each (so each has loaded the program); returns its seconds."""
    from matching import rescoring
    from matching.models import MatchingChunk

    t0 = time.perf_counter()
    run = rescoring.start_rescore(program=program)
    enough = min(run.chunks_total, 2 * workers.concurrency)
    while run.chunks_done < enough and not run.is_finished:
        time.sleep(0.1)
        run.refresh_from_db()
    reset_broker()
    while MatchingChunk.objects.filter(run=run, status=MatchingChunk.Status.RUNNING).exists():
        time.sleep(0.1)
    return time.perf_counter() - t0


def rescore(program, workers: Workers, *, timeout: float = 3600) -> dict:
    """Vacuum, wait for a quiet machine, start a full re-score and wait for it:
    wall-clock and recorded timings, and the CPU used elsewhere meanwhile."""
    from matching import rescoring
    from matching.models import MatchingChunk, MatchingRun

    vacuum()
    wait_for_quiet()
    pool = {workers.proc.pid, *workers.children()}
    with OtherLoad(lambda: our_pids(pool)) as other:
        t0 = time.perf_counter()
        run = rescoring.start_rescore(program=program)
        while True:
            status = MatchingRun.objects.filter(pk=run.pk).values_list("status", flat=True).get()
            if status in (MatchingRun.Status.SUCCEEDED, MatchingRun.Status.FAILED):
                break
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"run {run.pk} still {status} after {timeout} s")
            other.sample()
            time.sleep(0.05)
        wall = time.perf_counter() - t0
    run.refresh_from_db()
    if status != MatchingRun.Status.SUCCEEDED:
        raise RuntimeError(f"run {run.pk} failed: {run.error}")
    chunks = [
        (c.finished_at - c.started_at).total_seconds()
        for c in MatchingChunk.objects.filter(run=run)
    ]
    return {
        "run": run.pk,
        "wall_s": wall,
        "recorded_s": run.seconds,
        "chunks": run.chunks_total,
        "chunk_size": run.settings["chunk_size"],
        "chunk_median_s": statistics.median(chunks),
        "chunk_sum_s": sum(chunks),
        "suggestions": run.summary.get("suggestions"),
        "other_cores": other.cores,
        "worker_cpu_s": sum(t for p, t in other.cpu.items() if p in pool),
        "database_cpu_s": sum(t for p, t in other.cpu.items() if p not in pool | {os.getpid()}),
    }


# --- other load on the machine ------------------------------------------------------
# Two cores are shared with whatever else runs here (tests, other benchmarks), so
# each measurement records how much CPU the rest of the machine used meanwhile.


def _busy_ticks() -> int:
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return user + nice + system + irq + softirq + steal


def _process_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def our_pids(extra: list[int] = ()) -> set[int]:
    """This process, ``extra`` (workers) and the PostgreSQL backends of the bench database."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            backends = {pid for (pid,) in cursor.fetchall()}
    except DatabaseError:  # no benchmark database (scorer_speed needs none)
        backends = set()
    return {os.getpid(), *extra, *backends}


class OtherLoad:
    """CPU cores used by processes other than ours during a ``with`` block
    (``cores``), and the CPU seconds each of ours used (``cpu``).

    Call ``sample()`` now and then inside the block: Celery closes its database
    connection after every task, so the backends serving the workers come and
    go, and a process's CPU time can only be read while it exists.
    """

    def __init__(self, pids=our_pids):
        self.pids = pids
        self.cores = None
        self.cpu: dict[int, float] = {}

    def sample(self) -> None:
        for pid in self.pids() | self.last.keys():
            ticks = _process_ticks(pid)
            if ticks:
                self.last[pid] = ticks
            self.start.setdefault(pid, 0)  # started inside the block

    def __enter__(self) -> OtherLoad:
        self.start = {pid: _process_ticks(pid) for pid in self.pids()}
        self.last = dict(self.start)
        self.busy, self.t0 = _busy_ticks(), time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        self.sample()
        busy, seconds = _busy_ticks() - self.busy, time.monotonic() - self.t0
        hz = os.sysconf("SC_CLK_TCK")
        ticks = {pid: self.last[pid] - self.start[pid] for pid in self.last}
        self.cpu = {pid: t / hz for pid, t in ticks.items()}
        self.cores = max(busy - sum(ticks.values()), 0) / hz / seconds


def wait_for_quiet(max_cores: float = 0.3, window: float = 3, timeout: float = 1800) -> float:
    """Wait until the rest of the machine uses under ``max_cores`` for a ``window``;
    return the seconds waited (giving up after ``timeout``, with a warning)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        with OtherLoad() as other:
            time.sleep(window)
        if other.cores < max_cores:
            return time.monotonic() - t0
        print(f"  machine busy ({other.cores:.1f} cores used elsewhere); waiting", flush=True)
    print(f"warning: still busy after {timeout:.0f} s; measuring anyway", flush=True)
    return time.monotonic() - t0


# --- timing, tables and result files ------------------------------------------------


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def spread(values: list[float]) -> dict:
    return {
        "n": len(values),
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "values": values,
    }


def fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(dict.fromkeys(c for row in rows for c in row))
    cells = [[fmt(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


def machine() -> dict:
    import numpy as np

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": f"{blas['name']} {blas['version']}",
        "blas_threads": os.environ["OPENBLAS_NUM_THREADS"],
        "load_average": os.getloadavg(),
        "code": code_version(),
    }


def code_version() -> dict:
    """The commit, and a fingerprint of uncommitted product changes (if any)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout

    paths = ["matching", "profiles", "config"]
    diff = git("diff", "HEAD", "--", *paths)
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "uncommitted": git("diff", "HEAD", "--name-only", "--", *paths).split(),
        "diff_sha256": hashlib.sha256(diff.encode()).hexdigest()[:12] if diff else None,
    }


def save(name: str, results) -> Path:
    """Write ``bench/results/<name>.json`` with the machine and the code measured."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    about = machine()
    if about["code"] != CODE_AT_START:
        print("warning: the product code changed while this benchmark ran")
        about["code_at_start"] = CODE_AT_START
    path.write_text(json.dumps({"machine": about, "results": results}, indent=2, default=str))
    print(f"\nwrote {path.relative_to(ROOT)}")
    return path


CODE_AT_START = code_version()
