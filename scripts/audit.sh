#!/usr/bin/env bash
# Static security checks: bandit on the project's code (no medium or high
# finding may pass) and pip-audit on the installed dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "bandit: medium and high findings fail the build"
.venv/bin/bandit -q -r config profiles mentorships matching dashboard privacy api sso -ll

echo "pip-audit: known vulnerabilities in the installed packages"
report=$(mktemp)
status=0
.venv/bin/pip-audit --progress-spinner off --skip-editable >"$report" 2>&1 || status=$?
cat "$report"
audited=$(grep -c "Dependency not found on PyPI" "$report" || true)
if [ "$status" -ne 0 ]; then
  echo "pip-audit found known vulnerabilities (or failed): see above." >&2
  exit "$status"
fi
if [ "$audited" -gt 0 ] && ! grep -q "^Name .*Version .*ID" "$report"; then
  echo "NOTE: pip-audit could not reach the vulnerability data from this network" \
       "($audited packages not audited); run it where pypi.org's JSON API is reachable." >&2
fi
