#!/usr/bin/env bash
# `make run`: migrate, seed the demo programs (idempotent) and serve on :8000.
# PostgreSQL and a real Celery worker when DATABASE_URL / REDIS_URL are set;
# otherwise an embedded SQLite file and tasks run in-process.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
# Links in emails (printed to this console) point at this server's own port.
export KINDRED_SITE_URL=${KINDRED_SITE_URL:-http://127.0.0.1:$PORT}

if [ -z "${DATABASE_URL:-}" ]; then
  echo "» DATABASE_URL is not set: using the embedded SQLite database (db.sqlite3)."
else
  echo "» Database: ${DATABASE_URL%%@*}@…"
fi
if [ -z "${REDIS_URL:-}" ]; then
  echo "» REDIS_URL is not set: background tasks run in-process, right after each request."
fi

$PY manage.py migrate --noinput
$PY manage.py seed_demo --mentors "${DEMO_MENTORS:-60}" --mentees "${DEMO_MENTEES:-150}" --seed 1

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
if [ -n "${REDIS_URL:-}" ]; then
  echo "» Starting a Celery worker and beat against $REDIS_URL"
  .venv/bin/celery -A config worker --loglevel INFO --concurrency 2 &
  pids+=($!)
  .venv/bin/celery -A config beat --loglevel INFO --schedule "${TMPDIR:-/tmp}/kindred-beat-schedule" &
  pids+=($!)
fi

$PY manage.py score_program default --wait
$PY manage.py score_program first-gen --wait

echo "» Kindred is at http://127.0.0.1:$PORT/ (log in with a demo login above)"
$PY manage.py runserver "127.0.0.1:$PORT"
