"""The Docker build context leaves secrets and local state out (issue 14,
item 9): no Docker engine is needed to check it, only .dockerignore read as
docker itself reads it (docker-py's exclude_paths)."""

import shutil
from pathlib import Path

import pytest
from docker.utils.build import exclude_paths

ROOT = Path(__file__).resolve().parent.parent
NEVER = [
    ".env",
    ".env.production",
    ".git/config",
    "db.sqlite3",
    ".venv/bin/python",
    "node_modules/axe-core/axe.min.js",
    "matching/__pycache__/scoring.cpython-311.pyc",
    "staticfiles/css/site.css",
]
NEEDED = [
    "Dockerfile",
    "manage.py",
    "pyproject.toml",
    "README.md",
    ".env.example",
    "config/settings.py",
    "mentorships/lifecycle.py",
    "matching/templates/matching/home.html",
    "static/css/kindred.css",
]


def context(root: Path) -> set[str]:
    patterns = (root / ".dockerignore").read_text().splitlines()
    patterns = [p for p in patterns if p.strip() and not p.startswith("#")]
    return set(exclude_paths(str(root), patterns))


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A checkout as an operator has it: the repository's .dockerignore and a
    file at every path that matters, secrets and all."""
    shutil.copy(ROOT / ".dockerignore", tmp_path / ".dockerignore")
    for name in NEVER + NEEDED:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return tmp_path


def test_secrets_and_local_state_stay_out_of_the_image(checkout):
    sent = context(checkout)
    assert not sent & set(NEVER)


def test_what_the_image_runs_is_sent(checkout):
    assert set(NEEDED) <= context(checkout)


def test_this_checkout_sends_no_secret_and_no_environment():
    sent = context(ROOT)
    leaked = {p for p in sent if p.split("/")[0] in {".git", ".venv", "node_modules", ".env"}}
    assert leaked == set()
    assert "db.sqlite3" not in sent
