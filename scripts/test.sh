#!/usr/bin/env bash
# The whole suite against PostgreSQL and Redis: unit and integration tests,
# then the browser tests in their own process (Playwright's event loop makes
# Django's async-safety switch process-wide).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python scripts/services.py

# pytest arguments (`scripts/test.sh -k name`) narrow both runs; one of them
# may then select nothing (pytest's exit code 5), which is fine.
pytest_run() {
  local rc=0
  "$@" || rc=$?
  if [[ $rc -eq 5 && $narrowed -eq 1 ]]; then rc=0; fi
  return "$rc"
}
narrowed=$(($# > 0))

# npm's packages (package-lock.json): axe-core for the browser tests, and the
# local identity providers the single sign-on tests start (tests/sso/idp/).
if [[ ! -f node_modules/axe-core/axe.min.js || package-lock.json -nt node_modules/.package-lock.json ]]; then
  if ! command -v npm >/dev/null; then
    echo "The tests need npm (Node.js 18+) for axe-core and the identity providers: apt-get install -y npm" >&2
    exit 1
  fi
  npm ci --no-audit --no-fund
fi

# Unit and integration tests in two processes (pytest-xdist): each has its own
# test database (pytest-django adds _gw0, _gw1 to its name) and its own Redis
# database, KINDRED_TEST_REDIS_DB's indexes in order (tests/conftest.py), as
# every test flushes its Redis. 15 and 13 here, 14 for the browser tests below
# and 0 for `make run`. KINDRED_TEST_WORKERS=0 runs them in this process.
# worksteal: a worker that finishes its share early takes over part of the other's.
workers=${KINDRED_TEST_WORKERS:-2}
KINDRED_TEST_REDIS_DB="${KINDRED_TEST_REDIS_DB:-15,13}" \
  pytest_run .venv/bin/pytest -m "not e2e" -n "$workers" --dist worksteal "$@"

# Browser tests: Debian's Chromium.
if ! command -v chromium >/dev/null; then
  echo "The browser tests need Chromium: apt-get install -y chromium" >&2
  exit 1
fi

# A Redis database and a Celery queue of their own: tests running beside them
# flush their database before each test, and the journey holds tasks back in
# Redis for a worker it starts later.
DJANGO_ALLOW_ASYNC_UNSAFE=true KINDRED_TEST_REDIS_DB="${KINDRED_TEST_REDIS_DB_E2E:-14}" \
  KINDRED_CELERY_QUEUE="kindred-e2e-$$" pytest_run .venv/bin/pytest -m e2e "$@"
