import time

from django.core.management.base import CommandError
from tqdm import tqdm

from matching import rescoring
from matching.management.operator import OperatorCommand
from matching.models import MatchingRun
from profiles.models import Program

# How often --wait looks at the run: a small program's run takes tenths of a second.
POLL_SECONDS = 0.05


class Command(OperatorCommand):
    help = "Re-score a whole program as a chunked run that every worker shares."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the program's slug")
        parser.add_argument(
            "--wait", action="store_true", help="follow the run and print its summary"
        )
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait at most")

    def handle(self, *args, slug, wait, timeout, **options):
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"No program with the slug {slug!r}.")
        run = rescoring.start_rescore(program=program)
        self.stdout.write(
            f"Run #{run.pk}: {run.total} mentees in {run.chunks_total} chunk(s) of "
            f"{run.settings['chunk_size']} against {run.settings['mentors']} mentors."
        )
        if not wait:
            self.stdout.write("Queued; workers will pick it up. Add --wait to follow it.")
            return
        run = self.follow(run, timeout)
        if run.status == MatchingRun.Status.FAILED:
            raise CommandError(f"Run #{run.pk} failed: {run.error}")
        if run.status != MatchingRun.Status.SUCCEEDED:
            raise CommandError(f"Run #{run.pk} is still {run.status} after {timeout:g} s.")
        self.stdout.write(self.style.SUCCESS(f"Run #{run.pk} succeeded in {run.seconds:.2f} s."))
        for key, value in run.summary.items():
            self.stdout.write(f"  {key.replace('_', ' '):<30} {value}")

    def follow(self, run: MatchingRun, timeout: float) -> MatchingRun:
        deadline = time.monotonic() + timeout
        with tqdm(total=run.total, desc=f"Scoring {run.program.slug}", unit="mentees") as bar:
            while True:
                run.refresh_from_db()
                bar.update(run.done - bar.n)
                if run.is_finished or time.monotonic() > deadline:
                    return run
                time.sleep(POLL_SECONDS)
