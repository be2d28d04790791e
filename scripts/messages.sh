#!/usr/bin/env bash
# Gather every marked string into the shipped catalogues (locale/<lang>/LC_MESSAGES/django.po),
# keeping what is translated, then compile them. docs/translating.md: run this after changing
# any text, then translate what it added. `scripts/messages.sh ko` does one language only;
# `scripts/messages.sh --check` is CI's check (scripts/check_messages.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

if [ "${1:-}" = "--check" ]; then
  exec $PY scripts/check_messages.py
fi
if [ $# -gt 0 ]; then LANGS=("$@"); else LANGS=(zh_Hans zh_Hant ko vi tl hi); fi
$PY manage.py makemessages "${LANGS[@]/#/--locale=}" --add-location file --no-obsolete \
  --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'bench/*' \
  --ignore 'staticfiles/*' --ignore 'scripts/*' --ignore 'docs/*' >/dev/null
$PY manage.py compilemessages "${LANGS[@]/#/--locale=}" \
  --ignore '.venv/*' --ignore 'node_modules/*' >/dev/null
