from django.core.management.base import BaseCommand, CommandError

from profiles import imports
from profiles.models import Program


class Command(BaseCommand):
    help = (
        "Check a CSV file of participants against a program and, with --commit, import it: "
        "all rows or none. See docs/csv.md for the columns."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a UTF-8 CSV file")
        parser.add_argument("--program", required=True, help="the program's slug")
        parser.add_argument("--commit", action="store_true", help="import it (default: preview)")
        parser.add_argument(
            "--invite", action="store_true", help="email each new user a link to set a password"
        )

    def handle(self, *args, file, program, commit, invite, **options):
        if invite and not commit:
            raise CommandError("--invite sends emails, so it needs --commit.")
        found = Program.objects.filter(slug=program).first()
        if found is None:
            raise CommandError(f"No program with the slug {program!r}.")
        try:
            with open(file, "rb") as source:
                checked = imports.preview(source, found)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        self.stdout.write(
            f"{file}: {len(checked.rows)} rows for {found.name}: {checked.mentors} mentors, "
            f"{checked.mentees} mentees; {checked.new_users} new users, "
            f"{checked.existing_users} existing."
        )
        if not checked.ok:
            self.fail(checked.issues)
        if not commit:
            self.stdout.write("No problems found. Nothing imported yet: add --commit to import.")
            return
        result = imports.commit(checked, found, invite=invite)
        if not result.ok:
            self.fail(result.issues)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.mentors} mentors and {result.mentees} mentees "
                f"({result.new_users} new users); invitations queued: {result.invited}."
            )
        )

    def fail(self, issues: list[imports.ImportIssue]) -> None:
        for issue in issues:
            self.stderr.write(str(issue))
        raise CommandError(f"{len(issues)} problem(s) found; nothing was imported.")
