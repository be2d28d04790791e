import json

from django.core.management.base import CommandError

from matching import assigning, assignment, suggestions
from matching.management.operator import OperatorCommand
from matching.models import AssignmentPair, MatchingRun
from mentorships.exceptions import Refused
from profiles.models import Program


class Command(OperatorCommand):
    help = "Propose (and unless --dry-run, commit) an auto-assignment of every unmatched mentee."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the program's slug")
        parser.add_argument("--policy", choices=sorted(assignment.POLICIES), default="optimal")
        parser.add_argument("--dry-run", action="store_true", help="propose only; change nothing")
        parser.add_argument("--json", action="store_true", help="print the proposal as JSON")

    def handle(self, *args, slug, policy, dry_run, **options):
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"No program with the slug {slug!r}.")
        report = self.dry_run_report(program, policy) if dry_run else self.commit(program, policy)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.print_table(report, dry_run)

    @staticmethod
    def dry_run_report(program: Program, policy: str) -> dict:
        """Worked out in memory: no run is recorded, nothing is written."""
        weights, settings = suggestions.snapshot(program)
        proposal = assigning.work_out(
            program_id=program.pk, weights=weights, settings=settings, policy=policy
        )
        pairs = sorted([mentee, mentor, score] for mentee, mentor, score, *_ in proposal.pairs)
        return Command.report(None, program, proposal.summary, pairs, committed=None)

    @staticmethod
    def commit(program: Program, policy: str) -> dict:
        run = assigning.start(program=program, policy=policy, queue=False)
        assigning.propose(run_id=run.pk)
        run.refresh_from_db()
        if run.status != MatchingRun.Status.SUCCEEDED:
            raise CommandError(f"Run #{run.pk} failed: {run.error}")
        try:
            committed = assigning.commit(run=run, user=None)
        except Refused as refused:
            raise CommandError(str(refused)) from refused
        pairs = AssignmentPair.objects.filter(run=run).order_by("mentee_id")
        pairs = [list(p) for p in pairs.values_list("mentee_id", "mentor_id", "score")]
        return Command.report(run.pk, program, run.summary, pairs, committed)

    @staticmethod
    def report(
        run_id: int | None, program: Program, summary: dict, pairs: list, committed: dict | None
    ) -> dict:
        figures = summary["figures"]
        chosen = figures[summary["policy"]]
        return {
            "run": run_id,
            "program": program.slug,
            "policy": summary["policy"],
            "mentees": summary["mentees"],
            "pairs": pairs,
            **{
                k: chosen[k]
                for k in ("matched", "total_score", "min_score", "median_score", "mentors_used")
            },
            "greedy": figures["greedy"],
            "policies": {k: v for k, v in figures.items() if k != "greedy"},
            "committed": committed,
        }

    def print_table(self, report: dict, dry_run: bool) -> None:
        run, mentees, policy = report["run"], report["mentees"], report["policy"]
        name = f"Run #{run}" if run else "Dry run"
        self.stdout.write(f"{name}: {mentees} unmatched mentees, policy {policy}.")
        header = ("policy", "matched", "total", "lowest", "median", "mentors")
        self.stdout.write("{:<10} {:>8} {:>10} {:>7} {:>7} {:>8}".format(*header))
        for name, f in {**report["policies"], "greedy": report["greedy"]}.items():
            self.stdout.write(
                f"{name:<10} {f['matched']:>8} {f['total_score']:>10} {f['min_score'] or '-':>7} "
                f"{f['median_score'] or '-':>7} {f['mentors_used']:>8}"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed or recorded.")
        else:
            c = report["committed"]
            self.stdout.write(
                self.style.SUCCESS(f"Created {c['created']} mentorships; skipped {c['skipped']}.")
            )
