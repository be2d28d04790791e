"""A run's page in words: a re-score's figures labelled, the policies side by side
with their solve times, and a page of proposed pairs ready to show (names told
apart, reasons for and against, the shared background for an admin allowed it)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from matching import assigning, sentences
from matching.models import AssignmentPair, MatchingRun
from profiles.models import SensitiveAccess, User

# A re-score's figures (keys of matching.rescoring.summarise), in the order shown.
RESULT_LABELS = {
    "mentees": _("Mentees scored"),
    "mentors": _("Mentors"),
    "pairs_scored": _("Pairs scored"),
    "suggestions": _("Suggestions listed"),
    "mentees_with_suggestions": _("Mentees with suggestions"),
    "mentees_without_suggestions": _("Mentees without suggestions"),
    "mentors_suggested": _("Mentors in at least one list"),
    "busiest_mentor_lists": _("Most lists one mentor is in"),
    "mean_top_score": _("Mean best score"),
    "median_top_score": _("Median best score"),
}
# Each policy's name and what it does, as the form's choices say them (forms.POLICY_CHOICES).
POLICY_NAMES = {
    "optimal": _("Optimal"),
    "balanced": _("Balanced"),
    "stable": _("Stable"),
    "greedy": _("Greedy"),
}
POLICY_HELP = {
    "optimal": _("most mentees matched, then the highest total score"),
    "balanced": _("as many matched, spread over more mentors for a sliver of score"),
    "stable": _("no mentee and mentor who would both rather be together"),
    "greedy": _("longest-waiting mentee first, each to their best mentor with room"),
}


def result_in_words(summary: dict) -> list[tuple[str, object]]:
    """A re-score's figures, labelled in words, in RESULT_LABELS' order (others
    after; what is not a figure, such as a preview's comparison, left out)."""
    keys = [k for k in RESULT_LABELS if k in summary]
    keys += [
        k for k in summary if k not in RESULT_LABELS and not isinstance(summary[k], dict | list)
    ]
    return [
        (
            RESULT_LABELS.get(k, k.replace("_", " ").capitalize()),
            f"{summary[k]:,}" if isinstance(summary[k], int) else summary[k],
        )
        for k in keys
    ]


def policy_rows(summary: dict) -> list[dict]:
    """Each policy's figures, in the order the dashboard offers them (greedy last)."""
    order = list(POLICY_NAMES)
    figures = sorted(
        summary.get("figures", {}).items(),
        key=lambda item: order.index(item[0]) if item[0] in order else len(order),
    )
    return [
        {
            **f,
            "name": POLICY_NAMES.get(name, name.capitalize()),
            "help": POLICY_HELP.get(name, ""),
            "chosen": name == summary.get("policy"),
            "solve_time": solve_time(f.get("seconds")),
        }
        for name, f in figures
    ]


def timed(summary: dict) -> bool:
    """Whether the run recorded each policy's solve time (older runs did not)."""
    return any("seconds" in f for f in summary.get("figures", {}).values())


def solve_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{max(seconds * 1000, 0.1):.{0 if seconds >= 0.01 else 1}f} ms"
    return f"{seconds:.1f} s"


def ready_to_show(pairs: list[AssignmentPair], *, run: MatchingRun, viewer: User) -> None:
    """Each side's email beside a name someone else in the program holds too, and
    the reasons split into for and against, with the shared background for a
    viewer allowed to read background answers (and each such view on the record)."""
    names = {p.mentee.display_name for p in pairs} | {p.mentor.display_name for p in pairs}
    shared = assigning.namesakes(program_id=run.program_id, names=names)
    background = {}
    if pairs and SensitiveAccess.allowed(viewer, run.program):
        background = assigning.background_reasons(pairs)
        SensitiveAccess.record(
            viewer=viewer,
            program=run.program,
            what=f"shared background of auto-assignment #{run.pk}'s pairs, {run.program.slug}",
        )
    worded = [p.reasons + background.get(p.pk, []) for p in pairs]
    tag_names = sentences.names_of(worded)
    for p, reasons in zip(pairs, worded, strict=True):
        # (name, email split before its "@" so a narrow column breaks it there) per side.
        p.shown_as = {
            side: (
                person.name,
                _at(person.user.email) if person.display_name.lower() in shared else None,
            )
            for side, person in (("mentee", p.mentee), ("mentor", p.mentor))
        }
        p.reasons_for, p.concerns = sentences.split(reasons, names=tag_names)


def _at(email: str) -> tuple[str, str]:
    local, _, domain = email.rpartition("@")
    return (local, f"@{domain}") if local else (email, "")
