"""Participants into a program from a CSV file (docs/csv.md): all rows or none.

Every row goes through the questionnaire's own forms, so an import never
stores what a person filling in the questionnaire would be refused. A preview
runs the whole import inside a transaction it then rolls back; a commit runs
it again and keeps it only when no row has a problem.

Sensitive answers never appear in a problem's message, a task's arguments or
a log: a message names their column, never their value."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import IO

from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from . import cycles, emails, zones
from .forms import AboutForm, LogisticsForm, step_form
from .models import Profile, Program, Tag, User
from .services import announce_change
from .taxonomy import (
    COMPONENTS,
    SENSITIVE_FACETS,
    SINGLE_CHOICE_FACETS,
    STEPS,
    CareerStage,
    Facet,
    Importance,
    MeetingFormat,
    Role,
    TagKind,
    Visibility,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
SEPARATOR = ";"

IMPORTANCE_COLUMNS = tuple(f"importance_{c}" for c in COMPONENTS)
SENSITIVE_COLUMNS = (*(f.value for f in SENSITIVE_FACETS), "heritage_note")
# The questionnaire's own field names, so that a form's problem names its column.
COLUMNS = (
    "email",
    "role",
    *AboutForm.Meta.fields,
    "goals",
    "values",
    *LogisticsForm.Meta.fields,
    "capacity",
    *IMPORTANCE_COLUMNS,
    "must_share",
    *SENSITIVE_COLUMNS,
    "background_consent",
    "background_visibility",
)
# career_stage too: the questionnaire refuses a profile without one.
REQUIRED_COLUMNS = (
    "email",
    "role",
    "display_name",
    "career_stage",
    "languages",
    "timezone",
    "meeting_format",
)
ONLY_FOR_ROLE = {
    "capacity": Role.MENTOR,
    **dict.fromkeys((*IMPORTANCE_COLUMNS, "must_share"), Role.MENTEE),
}
# Handed to the forms as they are.
RAW_COLUMNS = ("display_name", "headline", "bio", "years_experience", "city", "contact_details")
# The questionnaire's form fields that are named differently from their column.
COLUMN_OF_FIELD = {"consent": "background_consent", "visibility": "background_visibility"}
TAG_COLUMN_OF_KIND = {
    TagKind.LANGUAGE: "languages",
    TagKind.GOAL: "goals",
    TagKind.VALUE: "values",
    TagKind.INDUSTRY: "industry",
}
SINGLE_TAG_COLUMNS = ("industry", *(f.value for f in SINGLE_CHOICE_FACETS))
# A tag column's refusal of names it does not know, one sentence per column.
UNKNOWN_TAGS = {
    "languages": _("unknown language %(names)s"),
    "goals": _("unknown goal %(names)s"),
    "values": _("unknown value %(names)s"),
    "industry": _("unknown industry %(names)s"),
}
CHANGED_MEANWHILE = _(
    "The program's participants changed while this file was being imported; nothing was "
    "imported. Run the import again."
)


def _word(text: str) -> str:
    return text.strip().casefold().replace("-", "_").replace(" ", "_")


def _words(pairs) -> dict[str, object]:
    """Accepted spellings, by :func:`_word`, of each (value, *names): the labels in
    English, whatever language the page that first loads this module is in."""
    with translation.override("en"):
        return {_word(str(name)): value for value, *names in pairs for name in (value, *names)}


ROLE_WORDS = _words((r.value,) for r in Role)
STAGE_WORDS = _words((s.value, s.name, s.label) for s in CareerStage)
MEETING_WORDS = _words((m.value, m.label) for m in MeetingFormat)
VISIBILITY_WORDS = _words((v.value,) for v in Visibility)
FACET_WORDS = _words((f.value, f.label) for f in Facet)
CONSENT_WORDS = {
    **dict.fromkeys(("yes", "y", "true", "1"), True),
    **dict.fromkeys(("no", "n", "false", "0"), False),
}
ALLOWED = {
    "role": "mentor, mentee",
    "career_stage": ", ".join(s.name.lower() for s in CareerStage),
    "meeting_format": ", ".join(MeetingFormat.values),
    "background_visibility": ", ".join(Visibility.values),
    "must_share": ", ".join(Facet.values),
    "background_consent": "yes, no",
}


@dataclass(frozen=True)
class ImportIssue:
    """One problem: its line as a spreadsheet numbers it (the header is line 1)
    and its column; no column for a whole row's problem, neither for the file's."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        said = {"line": self.line, "column": self.column, "message": self.message}
        if self.line and self.column:
            return gettext("line %(line)s, column %(column)s: %(message)s") % said
        if self.line:
            return gettext("line %(line)s: %(message)s") % said
        if self.column:
            return gettext("column %(column)s: %(message)s") % said
        return str(self.message)


@dataclass(frozen=True)
class ImportRow:
    line: int
    cells: dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class ImportPerson:
    """What a preview may show of a row: nothing sensitive."""

    line: int
    email: str
    role: str
    display_name: str
    is_new_user: bool


@dataclass
class ImportSummary:
    """Who a file brings in, and what stops it."""

    issues: list[ImportIssue] = field(default_factory=list)
    people: list[ImportPerson] = field(repr=False, default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def mentors(self) -> int:
        return sum(p.role == Role.MENTOR for p in self.people)

    @property
    def mentees(self) -> int:
        return sum(p.role == Role.MENTEE for p in self.people)

    @property
    def new_users(self) -> int:
        return len({p.email for p in self.people if p.is_new_user})

    @property
    def existing_users(self) -> int:
        return len({p.email for p in self.people if not p.is_new_user})


@dataclass
class ImportPreview(ImportSummary):
    """A checked file, ready for :func:`commit`. It holds the raw answers, so
    keep it in the server's memory only: not in a session, a task or a log."""

    program_id: int = 0
    rows: list[ImportRow] = field(repr=False, default_factory=list)


@dataclass
class ImportResult(ImportSummary):
    profile_ids: list[int] = field(repr=False, default_factory=list)
    invited: int = 0


# --- reading the file -------------------------------------------------------------------------


def _read_text(source: str | bytes | IO) -> tuple[str | None, ImportIssue | None]:
    if not isinstance(source, str | bytes | bytearray):
        source = source.read(MAX_BYTES + 1)
    size = len(source.encode() if isinstance(source, str) else source)
    if size > MAX_BYTES:
        return None, ImportIssue(
            None,
            None,
            gettext("The file is larger than %(size)s MB; split it.")
            % {"size": MAX_BYTES // (1024 * 1024)},
        )
    if isinstance(source, str):
        text = source.removeprefix("\ufeff")
    else:
        data = bytes(source)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None, ImportIssue(
                None, None, gettext("The file is UTF-16 text; save it as “CSV UTF-8” instead.")
            )
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")) or b"\0" in data:
            return None, ImportIssue(
                None,
                None,
                gettext(
                    "This is not a CSV file (it looks like a spreadsheet or another binary "
                    "file); save it as “CSV UTF-8” and upload that."
                ),
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return None, ImportIssue(
                line,
                None,
                gettext("The file is not UTF-8 text; save it as “CSV UTF-8” and try again."),
            )
    if "\0" in text:
        return None, ImportIssue(
            None, None, gettext("This is not a CSV file: it holds binary data.")
        )
    if not text.strip():
        return None, ImportIssue(None, None, gettext("The file is empty."))
    return text, None


def _header(cells: list[str]) -> tuple[list[str | None], list[ImportIssue]]:
    """The name of each column (None when blank) and the header's problems."""
    names = [_word(c) or None for c in cells]
    known = [n for n in names if n in COLUMNS]
    if not known:
        if len(cells) == 1 and SEPARATOR in cells[0]:
            message = gettext("The columns are separated by semicolons; save the file with commas.")
        else:
            message = gettext(
                "The first line is not a header row of Kindred's columns "
                "(email, role, display_name, …); see docs/csv.md."
            )
        return names, [ImportIssue(1, None, message)]
    issues = [
        ImportIssue(1, name, gettext("unknown column"))
        for name in names
        if name and name not in COLUMNS
    ]
    issues += [
        ImportIssue(1, name, gettext("this column appears more than once"))
        for name in dict.fromkeys(known)
        if known.count(name) > 1
    ]
    issues += [
        ImportIssue(1, name, gettext("required column is missing"))
        for name in REQUIRED_COLUMNS
        if name not in known
    ]
    return names, issues


def parse(source: str | bytes | IO) -> tuple[list[ImportRow], list[ImportIssue]]:
    """The rows of a CSV file and the problems of its form (encoding, header, shape).

    When a problem is the whole file's, no rows come back."""
    text, problem = _read_text(source)
    if problem:
        return [], [problem]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[ImportRow] = []
    issues: list[ImportIssue] = []
    columns: list[str | None] = []
    line = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            return [], [
                ImportIssue(
                    line + 1,
                    None,
                    gettext("This line is not valid CSV (%(error)s).") % {"error": exc},
                )
            ]
        line += 1
        if line == 1:
            columns, issues = _header(cells)
            if not any(c in COLUMNS for c in columns):
                return [], issues
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(rows) == MAX_ROWS:
            return [], [
                ImportIssue(
                    None,
                    None,
                    gettext("The file has more than %(rows)s rows.")
                    % {"rows": number_format(MAX_ROWS, force_grouping=True)},
                )
            ]
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            issues.append(
                ImportIssue(
                    line,
                    None,
                    gettext("%(cells)s cells, but the header names %(columns)s columns")
                    % {"cells": len(cells), "columns": len(columns)},
                )
            )
        issues += [
            ImportIssue(
                line,
                None,
                gettext("a value under column %(number)s, which has no header") % {"number": i + 1},
            )
            for i, (column, cell) in enumerate(zip(columns, cells, strict=False))
            if column is None and cell.strip()
        ]
        rows.append(
            ImportRow(
                line,
                {
                    column: cell.strip()
                    for column, cell in zip(columns, cells, strict=False)
                    if column in COLUMNS
                },
            )
        )
    if not rows and not issues:
        issues.append(
            ImportIssue(None, None, gettext("The file has a header row but no participants."))
        )
    return rows, issues


# --- from cells to the questionnaire's form data ----------------------------------------------


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


class Vocabulary:
    """The active tags by column, findable by slug or by name in any shipped language
    (a file exported in English imports for an admin who reads Korean), in any case."""

    def __init__(self) -> None:
        self.tags: dict[str, dict[str, int]] = {}
        for tag in Tag.objects.active():
            column = TAG_COLUMN_OF_KIND.get(tag.kind, tag.facet)
            found = self.tags.setdefault(column, {})
            for code, _name in settings.LANGUAGES:
                if name := getattr(tag, build_localized_fieldname("name", code)):
                    found.setdefault(name.casefold(), tag.pk)
            found[tag.name.casefold()] = tag.pk
            found[tag.slug.casefold()] = tag.pk
        # Any case, and old names too (Asia/Calcutta): the form takes the zone meant.
        self.timezones = {z.casefold(): z for z in zones.canonical_names()} | {
            old.casefold(): z for old, z in zones.aliases().items()
        }

    def find(self, column: str, text: str) -> int | None:
        found = self.tags.get(column, {})
        return found.get(text.casefold()) or found.get(slugify(text))


class RowAnswers:
    """One row's cells as the data the questionnaire's forms take, and the
    problems found on the way, by column."""

    def __init__(
        self, cells: dict[str, str], role: str | None, vocab: Vocabulary, program: Program
    ):
        self.cells, self.vocab = cells, vocab
        self.problems: list[tuple[str | None, str]] = []
        self.data: dict[str, object] = {c: cells.get(c, "") for c in RAW_COLUMNS}
        self.data["career_stage"] = self.choice("career_stage", STAGE_WORDS)
        self.data["meeting_format"] = self.choice("meeting_format", MEETING_WORDS)
        timezone = cells.get("timezone", "")
        self.data["timezone"] = vocab.timezones.get(timezone.casefold(), timezone)
        for column in ("industry", "languages", "goals", "values"):
            self.data[column] = self.tags(column)
        self.background()
        self.role_answers(role, program)

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append((column, message))

    @property
    def reported(self) -> set[str | None]:
        return {column for column, _ in self.problems}

    def choice(self, column: str, words: dict, default=""):
        text = self.cells.get(column, "")
        return self.word(column, text, words, default) if text else default

    def word(self, column: str, text: str, words: dict, default=""):
        """The value ``text`` names among ``words`` (none of them sensitive)."""
        value = words.get(_word(text))
        if value is None:
            self.problem(
                column,
                gettext("“%(text)s” is not one of: %(values)s")
                % {"text": text, "values": ALLOWED[column]},
            )
            return default
        return value

    def tags(self, column: str, *, sensitive: bool = False):
        texts = _split(self.cells.get(column, ""))
        found = [self.vocab.find(column, t) for t in texts]
        unknown = [i for i, pk in enumerate(found) if pk is None]
        if unknown and sensitive:
            places = ", ".join(str(i + 1) for i in unknown)
            self.problem(
                column,
                gettext("answer %(places)s is not one of this question's answers")
                % {"places": places},
            )
        elif unknown:
            names = ", ".join(f"“{texts[i]}”" for i in unknown)
            self.problem(column, UNKNOWN_TAGS[column] % {"names": names})
        pks = list(dict.fromkeys(pk for pk in found if pk is not None))
        if column not in SINGLE_TAG_COLUMNS:
            return pks
        if len(texts) > 1:
            self.problem(column, gettext("one answer only"))
        return pks[0] if len(pks) == 1 else ""

    def background(self) -> None:
        consent = self.choice("background_consent", CONSENT_WORDS, default=False)
        self.data["consent"] = consent
        self.data["visibility"] = self.choice(
            "background_visibility", VISIBILITY_WORDS, default=Visibility.MATCHING
        )
        given = [c for c in SENSITIVE_COLUMNS if self.cells.get(c)]
        if not consent:
            if "background_consent" not in self.reported:
                for column in given:
                    self.problem(column, gettext("sensitive answers need background_consent=yes"))
            return
        for facet in SENSITIVE_FACETS:
            self.data[facet.value] = self.tags(facet.value, sensitive=True)
        self.data["heritage_note"] = self.cells.get("heritage_note", "")

    def role_answers(self, role: str | None, program: Program) -> None:
        for column, only in ONLY_FOR_ROLE.items():
            if role and role != only and self.cells.get(column):
                self.problem(
                    column,
                    gettext("only for a mentor; leave it empty for a mentee")
                    if only == Role.MENTOR
                    else gettext("only for a mentee; leave it empty for a mentor"),
                )
        if role == Role.MENTOR:
            self.data["capacity"] = self.cells.get("capacity") or program.default_capacity
        elif role == Role.MENTEE:
            for column in IMPORTANCE_COLUMNS:
                self.data[column] = self.cells.get(column) or Importance.NORMAL
            self.data["must_share"] = [
                self.word("must_share", t, FACET_WORDS)
                for t in _split(self.cells.get("must_share", ""))
            ]


# --- checking and saving ----------------------------------------------------------------------


def _save_answers(
    profile: Profile, answers: RowAnswers, *, save: bool
) -> list[tuple[str | None, str]]:
    """Validate every questionnaire step of ``profile`` on the row's answers and,
    when all pass and ``save``, save them; the problems found otherwise."""
    problems = list(answers.problems)
    reported = answers.reported
    step_forms = {step: step_form(step, profile, answers.data) for step in STEPS}
    for step, form in step_forms.items():
        # The logistics step checks "must share" against the background just saved.
        if form.is_valid():
            if step == "background":
                form.save()
            continue
        for name, messages in form.errors.items():
            column = None if name == NON_FIELD_ERRORS else COLUMN_OF_FIELD.get(name, name)
            if column not in reported:
                problems += [(column, m) for m in messages]
    if problems or not save:
        return problems
    answered = {
        "about": True,
        "background": bool(step_forms["background"].answered_facets()),
        "goals": bool(answers.data["goals"]),
        "values": bool(answers.data["values"]),
        "logistics": True,
    }
    model_forms = [f for step, f in step_forms.items() if step != "background"]
    for form in model_forms:
        form.save(commit=False)
    profile.steps_done = [step for step in STEPS if answered[step]]
    profile.save()
    for form in model_forms:
        form.save_m2m()
    return []


def _email(text: str) -> tuple[str, str | None]:
    try:
        return forms.EmailField(max_length=254).clean(text).lower(), None
    except forms.ValidationError as exc:
        return "", exc.messages[0]


def _existing_users(emails: set[str]) -> dict[str, User]:
    """Users by lower-case email, found by their login or a verified address."""
    found = {
        u.email.lower(): u for u in User.objects.annotate(key=Lower("email")).filter(key__in=emails)
    }
    for address in (
        EmailAddress.objects.annotate(key=Lower("email"))
        .filter(key__in=emails, verified=True)
        .select_related("user")
    ):
        found.setdefault(address.email.lower(), address.user)
    return found


@dataclass
class _Outcome:
    issues: list[ImportIssue] = field(default_factory=list)
    people: list[ImportPerson] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    new_users: list[User] = field(default_factory=list)


def _identity(
    row: ImportRow, existing: dict[str, User], held: set, first_line: dict
) -> tuple[str, str, list[tuple[str | None, str]]]:
    """The row's email and role, and what stops it from becoming a new profile."""
    email, bad_email = _email(row.cells.get("email", ""))
    role = ROLE_WORDS.get(_word(row.cells.get("role", "")), "")
    problems: list[tuple[str | None, str]] = [("email", bad_email)] if bad_email else []
    if not role:
        text = row.cells.get("role", "")
        problems.append(
            (
                "role",
                gettext("“%(text)s” is not one of: %(values)s")
                % {"text": text, "values": ALLOWED["role"]}
                if text
                else gettext("required"),
            )
        )
    if problems:
        return email, role, problems
    user = existing.get(email)
    if (email, role) in first_line:
        line = {"line": first_line[email, role]}
        if role == Role.MENTOR:
            problems.append(("email", gettext("already a mentor on line %(line)s") % line))
        else:
            problems.append(("email", gettext("already a mentee on line %(line)s") % line))
    elif user and (user.pk, role) in held:
        if role == Role.MENTOR:
            problems.append(("email", gettext("already a mentor in this program")))
        else:
            problems.append(("email", gettext("already a mentee in this program")))
    else:
        first_line[email, role] = row.line
    return email, role, problems


def _import_rows(rows: list[ImportRow], program: Program, out: _Outcome, *, save: bool) -> None:
    vocab = Vocabulary()
    existing = _existing_users({_email(r.cells.get("email", ""))[0] for r in rows} - {""})
    held = set(
        Profile.objects.filter(
            program=program, user__in=[u.pk for u in existing.values()]
        ).values_list("user_id", "role")
    )
    first_line: dict[tuple[str, str], int] = {}
    made: dict[str, User] = {}
    # Imported people take part in the program's current round, if it runs in rounds.
    cycle = cycles.current(program)
    for row in rows:
        email, role, problems = _identity(row, existing, held, first_line)
        answers = RowAnswers(row.cells, role, vocab, program)
        if email and role:
            name = row.cells.get("display_name", "")
            out.people.append(ImportPerson(row.line, email, role, name, email not in existing))
        if not problems:
            user = existing.get(email) or made.get(email)
            if user is None:
                user = made[email] = User.objects.create_user(email)
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
                out.new_users.append(user)
            profile = Profile.objects.create(
                user=user, program=program, role=role, capacity=program.default_capacity
            )
            if cycle is not None:
                cycles.enrol(profile=profile, cycle=cycle)
            out.profiles.append(profile)
            problems += _save_answers(profile, answers, save=save)
        else:
            problems += answers.problems
        out.issues += [
            ImportIssue(row.line, column, message)
            for column, message in problems
            # A column missing from the file is the header's problem, told once.
            if column is None or column in row.cells or column not in COLUMNS
        ]


def _run(rows: list[ImportRow], program: Program, *, keep: bool, invite: bool = False) -> _Outcome:
    """Import ``rows`` in one transaction, kept only when ``keep`` and no row has a problem."""
    out = _Outcome()
    try:
        with transaction.atomic():
            # A preview skips the last writes: the forms have said all there is to say.
            _import_rows(rows, program, out, save=keep)
            if out.issues or not keep:
                transaction.set_rollback(True)
                return out
            for profile in out.profiles:
                announce_change(profile)
            if invite:
                for user in out.new_users:
                    emails.invitation.delay_on_commit(user.pk, program.pk)
    except IntegrityError:
        return _Outcome(issues=[ImportIssue(None, None, str(CHANGED_MEANWHILE))])
    return out


def preview(source: str | bytes | IO, program: Program) -> ImportPreview:
    """Check a CSV file against ``program`` without keeping anything."""
    rows, issues = parse(source)
    result = ImportPreview(program_id=program.pk, rows=rows, issues=issues)
    if rows:
        outcome = _run(rows, program, keep=False)
        result.issues += outcome.issues
        result.people = outcome.people
    return result


def commit(preview: ImportPreview, program: Program, *, invite: bool) -> ImportResult:
    """Import a clean preview's rows, checking them again; all or nothing.

    With ``invite``, every new user gets an email with a link to choose a password."""
    if preview.program_id != program.pk:
        raise ValueError("This preview was made for another program.")
    if not preview.ok:
        return ImportResult(issues=list(preview.issues))
    outcome = _run(preview.rows, program, keep=True, invite=invite)
    if outcome.issues:
        return ImportResult(issues=outcome.issues)
    return ImportResult(
        people=outcome.people,
        profile_ids=[p.pk for p in outcome.profiles],
        invited=len(outcome.new_users) if invite else 0,
    )
