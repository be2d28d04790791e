import json

from django.core.management.base import CommandError

from matching import learned
from matching.management.operator import OperatorCommand
from matching.models import WeightProposal
from profiles.models import Cycle, Program
from profiles.taxonomy import COMPONENT_LABELS, COMPONENTS


class Command(OperatorCommand):
    help = (
        "Learn weights from a program's outcomes and save them as a proposal, which its "
        "admins see on the dashboard and may approve. The program's weights are not changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the program's slug")
        parser.add_argument(
            "--cycle", metavar="NAME", help="learn from this cycle's mentorships only"
        )
        parser.add_argument("--json", action="store_true", help="print the proposal as JSON")

    def handle(self, *args, slug, cycle, **options):
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"No program with the slug {slug!r}.")
        chosen = None
        if cycle is not None:
            chosen = Cycle.objects.filter(program=program, name=cycle).first()
            if chosen is None:
                names = list(program.cycles.values_list("name", flat=True))
                known = f" Its cycles: {', '.join(names)}." if names else " It has no cycles."
                raise CommandError(f"{program.name} has no cycle named {cycle!r}.{known}")
        proposal = learned.propose(program=program, cycle=chosen)
        if options["json"]:
            self.stdout.write(json.dumps(self.report(proposal), indent=2))
        else:
            self.print_table(proposal)

    @staticmethod
    def report(proposal: WeightProposal) -> dict:
        fit = proposal.fit
        return {
            "proposal": proposal.pk,
            "program": proposal.program.slug,
            "cycle": proposal.cycle.name if proposal.cycle else None,
            "status": proposal.status,
            "message": learned.describe_too_few(proposal)
            if proposal.status == WeightProposal.Status.TOO_FEW
            else None,
            "current": proposal.current_weights,
            "proposed": proposal.proposed_weights,
            "intervals": proposal.intervals,
            "confident": fit.get("confident", {}),
            "learned": fit.get("learned", {}),
            "coefficients": fit.get("coefficients", {}),
            "level": fit["level"],
            "sample": proposal.sample,
        }

    def print_table(self, proposal: WeightProposal) -> None:
        name = proposal.program.name
        if proposal.status == WeightProposal.Status.TOO_FEW:
            self.stdout.write(f"{name}: {learned.describe_too_few(proposal)}")
            self.stdout.write(f"Saved as proposal #{proposal.pk}, with nothing to approve.")
            return
        level = round(proposal.fit["level"] * 100)
        self.stdout.write(f"Weights learned for {name} {learned.describe_sample(proposal.sample)}.")
        header = ("component", "current", "proposed", f"{level}% interval", "confident?")
        self.stdout.write("{:<18} {:>7} {:>8}  {:<14} {}".format(*header))
        confident, learnt = proposal.fit["confident"], proposal.fit["learned"]
        for c in COMPONENTS:
            now, then = proposal.current_weights[c], proposal.proposed_weights[c]
            low, high = proposal.intervals[c]
            if not learnt[c]:
                verdict = "kept (nothing to learn from)"
            elif confident[c]:
                verdict = "yes, " + ("up" if then > now else "down")
            else:
                verdict = "no"
            self.stdout.write(
                f"{COMPONENT_LABELS[c]:<18} {now:>7} {then:>8}  {f'{low}–{high}':<14} {verdict}"
            )
        self.stdout.write(
            f"Saved as proposal #{proposal.pk}. Nothing has changed: the program's weights "
            "change only when an admin approves the proposal on the dashboard."
        )
