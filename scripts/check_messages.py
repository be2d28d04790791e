"""CI's check of the shipped catalogues (docs/translating.md), `scripts/messages.sh --check`.

1. Gathering the marked strings again finds nothing the catalogues lack (every
   string is marked *and* gathered) and nothing they hold that is gone.
2. Every entry of every catalogue is translated (each plural form) and none is fuzzy.
3. Each translation keeps its message's placeholders (``%(name)s``, ``%s``,
   ``{name}``) and HTML tags, and its leading and trailing line breaks.
4. ``msgfmt --check`` passes, and the committed ``.mo`` files are what the ``.po``
   files compile to.

Prints each problem and exits 1 if there is any. The catalogues are left as found.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{\w*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")
COUNTS = {"%(count)s", "%(counter)s", "%(count)d", "%(counter)d", "%s", "%d"}


def catalogues() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def placeholders(text: str) -> collections.Counter:
    """Named placeholders once each (a translation may name someone once where English
    names them twice); positional ones as often as they occur, since order matters."""
    found = [p for p in PLACEHOLDER.findall(text) if p != "%%"]
    named = {p for p in found if p.startswith(("%(", "{"))}
    return collections.Counter([*named, *(p for p in found if p not in named)])


def tags(text: str) -> collections.Counter:
    return collections.Counter(name.lower() for name in TAG.findall(text))


def _ends(text: str) -> tuple[bool, bool]:
    return text.startswith("\n"), text.endswith("\n")


def entry_problems(entry: polib.POEntry) -> list[str]:
    """What is wrong with one entry's translation(s)."""
    name = repr(entry.msgid[:60])
    if entry.msgctxt:
        name += f" (context {entry.msgctxt!r})"
    if entry.fuzzy:
        return [f"{name}: fuzzy"]
    forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    if not forms or any(not form for form in forms):
        return [f"{name}: not translated"]
    problems = []
    if entry.msgid_plural:
        wanted = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
        # A plural form may say "one" instead of the count, but keeps every other placeholder.
        required = {p for p in wanted if p not in COUNTS}
        for form in forms:
            found = set(placeholders(form))
            if not required <= found or not found <= set(wanted):
                problems.append(f"{name}: placeholders {sorted(found)} ≠ {sorted(wanted)}")
    elif placeholders(entry.msgstr) != placeholders(entry.msgid):
        problems.append(
            f"{name}: placeholders {sorted(placeholders(entry.msgstr).elements())}"
            f" ≠ {sorted(placeholders(entry.msgid).elements())}"
        )
    for form in forms:
        if tags(form) != tags(entry.msgid):
            problems.append(f"{name}: HTML tags differ")
        if _ends(form) != _ends(entry.msgid):
            problems.append(f"{name}: leading or trailing line break differs")
    return problems


def catalogue_problems(path: Path) -> list[str]:
    po = polib.pofile(str(path))
    problems = [f"{path.relative_to(ROOT)}: {p}" for e in po for p in entry_problems(e)]
    problems += [
        f"{path.relative_to(ROOT)}: obsolete entry {e.msgid[:60]!r}" for e in po.obsolete_entries()
    ]
    return problems


def ids(path: Path) -> set[tuple[str, str, str]]:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural) for e in polib.pofile(str(path))}


def gathering_problems() -> list[str]:
    """Gather again (scripts/messages.sh) and compare the message ids; restore the files."""
    kept = {path: path.read_bytes() for path in LOCALE.rglob("django.[pm]o")}
    before = {path: ids(path) for path in catalogues()}
    try:
        subprocess.run(["bash", str(ROOT / "scripts" / "messages.sh")], check=True)  # noqa: S603, S607
        after = {path: ids(path) for path in catalogues()}
    finally:
        for path, content in kept.items():
            path.write_bytes(content)
    problems = []
    for path, found in after.items():
        where = path.relative_to(ROOT)
        for ctxt, msgid, _ in sorted(found - before.get(path, set()))[:20]:
            problems.append(f"{where}: not gathered yet: {msgid[:70]!r} {ctxt}".rstrip())
        for ctxt, msgid, _ in sorted(before.get(path, set()) - found)[:20]:
            problems.append(f"{where}: no longer in the code: {msgid[:70]!r} {ctxt}".rstrip())
    return problems


def compile_problems(path: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        compiled = Path(folder) / "django.mo"
        done = subprocess.run(  # noqa: S603
            ["msgfmt", "--check", "-o", str(compiled), str(path)],  # noqa: S607
            capture_output=True,
            text=True,
        )
        if done.returncode:
            return [f"{path.relative_to(ROOT)}: msgfmt --check: {done.stderr.strip()}"]
        committed = path.with_suffix(".mo")
        if not committed.is_file() or committed.read_bytes() != compiled.read_bytes():
            return [
                f"{committed.relative_to(ROOT)}: not compiled from its .po (scripts/messages.sh)"
            ]
    return []


def main() -> int:
    problems = gathering_problems()
    for path in catalogues():
        problems += catalogue_problems(path)
        problems += compile_problems(path)
    for problem in problems:
        print(problem)
    print(f"{len(catalogues())} catalogues checked: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
