from django.core.management.base import CommandError

from matching import exports
from matching.management.operator import OperatorCommand
from profiles.models import Program


class Command(OperatorCommand):
    help = "Write a program's mentorships (or, with --suggestions, its listed suggestions) as CSV."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the program's slug")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument(
            "--suggestions", action="store_true", help="the listed suggestions, not mentorships"
        )
        parser.add_argument(
            "--include-sensitive",
            action="store_true",
            help="add both sides' background answers (special-category data: handle with care)",
        )

    def handle(self, *args, slug, output, suggestions, include_sensitive, **options):
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"No program with the slug {slug!r}.")
        write = exports.write_suggestions if suggestions else exports.write_matches
        if output is None:
            write(program, self.stdout, include_sensitive=include_sensitive)
            return
        try:
            # The byte-order mark lets spreadsheet programs read the file as UTF-8.
            with open(output, "w", encoding="utf-8-sig", newline="") as out:
                rows = write(program, out, include_sensitive=include_sensitive)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        what = "suggestions" if suggestions else "mentorships"
        self.stdout.write(f"Wrote {rows} {what} of {program.name} to {output}.")
