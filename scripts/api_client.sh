#!/usr/bin/env bash
# A Python client generated from the API's schema (openapi-python-client), and the
# integrator's example docs/examples/api_flow.py type-checked against it with
# mypy --strict: a schema change that would break code written against the client
# fails here (docs/api.md, "Generate a client"; tests/api/test_generated_client.py).
#
#   scripts/api_client.sh [OUT_DIR]                 the schema written from the code
#   scripts/api_client.sh --schema FILE [OUT_DIR]   a schema given (the tests drift one)
#
# OUT_DIR (build/api-client by default, gitignored) gets schema.json, the package
# kindred_api_client/ and mypy's cache (or MYPY_CACHE_DIR). The generated client is
# never committed.
set -euo pipefail
cd "$(dirname "$0")/.."

schema=""
if [[ ${1:-} == --schema ]]; then
  schema=$(realpath "$2")
  shift 2
fi
out=$(realpath -m "${1:-build/api-client}")
mkdir -p "$out"
if [[ -z $schema ]]; then
  schema=$out/schema.json
  .venv/bin/python manage.py spectacular --format openapi-json --file "$schema"
fi

# Any warning (a construct the generator cannot type) fails. The generator formats
# its output with ruff (the venv's, found on PATH); by default with whatever ruff
# configuration lies above OUT_DIR, and ruff's defaults outside this repository
# rewrite the client's __exit__(*args: Any) to *args: object (PYI036), which mypy
# --strict rejects. Ruff without configuration, on named rules, gives the same
# client wherever it is generated.
cat >"$out/generator.yaml" <<'YAML'
post_hooks:
  - ruff check . --isolated --no-cache --fix-only --select F401,I
  - ruff format . --isolated --no-cache
YAML
PATH="$PWD/.venv/bin:$PATH" .venv/bin/openapi-python-client generate --path "$schema" \
  --config "$out/generator.yaml" --meta none --output-path "$out/kindred_api_client" \
  --overwrite --fail-on-warning
echo "generated $out/kindred_api_client"

# Strict on the example and on the client's code, but for one module the generator
# gets wrong whatever the schema says: Error.from_dict binds the new instance to a
# local named after the class, "error", which is also the property's name
# (openapi-python-client issue 1117; fixed by its pull request 1485, not released).
cat >"$out/mypy.ini" <<'INI'
[mypy]
strict = True
[mypy-kindred_api_client.models.error]
ignore_errors = True
INI
MYPYPATH="$out" .venv/bin/mypy --config-file "$out/mypy.ini" \
  --cache-dir "${MYPY_CACHE_DIR:-$out/.mypy_cache}" \
  docs/examples/api_flow.py
