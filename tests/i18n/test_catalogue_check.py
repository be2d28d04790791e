"""scripts/check_messages.py finds what would break a translated page (CI runs it on
the shipped catalogues; these show it fails on each kind of drift)."""

import importlib.util
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("check_messages", ROOT / "scripts/check_messages.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def entry(msgid: str, msgstr: str = "", **kwargs) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **kwargs)


def test_a_faithful_translation_passes():
    assert check.entry_problems(entry("Hello %(name)s", "안녕하세요, %(name)s님")) == []


def test_a_missing_placeholder_fails():
    (problem,) = check.entry_problems(entry("%(name)s accepted", "수락했습니다"))
    assert "placeholders" in problem


def test_a_renamed_placeholder_fails():
    assert check.entry_problems(entry("%(name)s accepted", "%(nom)s 수락"))


def test_an_untranslated_entry_fails():
    assert check.entry_problems(entry("Save")) == ["'Save': not translated"]


def test_a_fuzzy_entry_fails():
    assert check.entry_problems(entry("Save", "저장", flags=["fuzzy"])) == ["'Save': fuzzy"]


def test_a_lost_html_tag_fails():
    problems = check.entry_problems(entry('Read <a href="%(url)s">this</a>', "%(url)s 읽기"))
    assert any("HTML tags" in p for p in problems)


def test_a_lost_line_break_fails():
    assert check.entry_problems(entry("Thanks,\n", "감사합니다,"))


def test_a_plural_form_may_say_one_but_keeps_other_placeholders():
    ok = entry(
        "%(count)s mentor for %(program)s",
        msgid_plural="%(count)s mentors for %(program)s",
        msgstr_plural={
            0: "Isang mentor para sa %(program)s",
            1: "%(count)s mentor para sa %(program)s",
        },
    )
    assert check.entry_problems(ok) == []
    ok.msgstr_plural[1] = "%(count)s mentor"
    assert check.entry_problems(ok)


def test_an_empty_plural_form_fails():
    half = entry(
        "%(count)s day", msgid_plural="%(count)s days", msgstr_plural={0: "%(count)s araw", 1: ""}
    )
    assert check.entry_problems(half)


@pytest.mark.parametrize("path", check.catalogues(), ids=lambda p: p.parts[-3])
def test_each_shipped_catalogue_is_complete_and_consistent(path):
    assert check.catalogue_problems(path) == []
    assert check.compile_problems(path) == []


def test_a_name_said_once_where_english_says_it_twice_passes():
    assert (
        check.entry_problems(entry("%(name)s asked; reply to %(name)s", "%(name)s님께 답하기"))
        == []
    )


def test_positional_placeholders_are_counted():
    assert check.entry_problems(entry("%s of %s", "%s"))


def test_the_borrowed_words_of_allauth_and_django_are_current():
    """config/borrowed_messages.py is what scripts/borrowed_messages.py makes from the
    installed libraries: after an upgrade, run it again and translate what it adds."""
    import subprocess

    spec = importlib.util.spec_from_file_location("borrowed", ROOT / "scripts/borrowed_messages.py")
    borrowed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(borrowed)
    formatted = subprocess.run(
        [str(ROOT / ".venv/bin/ruff"), "format", "--stdin-filename", "x.py", "-"],
        input=borrowed.render(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert formatted == (ROOT / "config/borrowed_messages.py").read_text(encoding="utf-8")
    assert 'gettext_noop("Sign Up")' in formatted
    assert 'gettext_noop("This field is required.")' in formatted
