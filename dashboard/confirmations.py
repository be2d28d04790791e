"""What each bulk or destructive admin action asks before it is done: a title,
what will happen in counts and words, and the yes button's words (the page is
dashboard/views/confirming.py)."""

from __future__ import annotations

from dataclasses import dataclass

from matching import approving, assigning, rescoring
from matching.models import MatchingRun, WeightProposal
from profiles import cycles
from profiles.models import Cycle, Profile, Program

from .models import ImportJob


@dataclass(frozen=True)
class Question:
    title: str
    happens: list[str]
    confirm_label: str
    danger: bool = False
    # Fields of the first form the yes button posts again (an import's "invite").
    hidden: tuple[tuple[str, str], ...] = ()


def plural(n: int, noun: str, nouns: str = "") -> str:
    """'1 mentorship', '149 mentorships'; ``nouns`` where adding an s will not do."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def rescore(program: Program) -> Question:
    mentees, mentors = rescoring.ready_counts(program)
    return Question(
        title=f"Re-score {program.name}?",
        happens=[
            f"The suggestion lists of all {plural(mentees, 'ready mentee')} are worked out "
            f"again against {plural(mentors, 'ready mentor')}, with the current weights and "
            "settings.",
            "A mentee whose list was empty and now has mentors in it is emailed that "
            "suggestions are ready.",
            "Nobody is matched, and no request or mentorship changes.",
            "It runs in the background; its page shows the progress.",
        ],
        confirm_label=f"Yes, re-score {plural(mentees, 'mentee')}",
    )


def commit(run: MatchingRun) -> Question:
    """Counts from the pairs the admin left in the proposal: one mentorship and
    two emails (one to each side) for each."""
    ahead = assigning.outlook(run)
    happens = [
        f"{plural(ahead.pairs, 'mentorship')} {_are(ahead.pairs)} created at once — fewer if "
        "a mentor fills up or a mentee finds a mentor meanwhile: those pairs are skipped, and "
        "listed on the proposal afterwards.",
        f"{plural(ahead.emails, 'email')}: both people in each new mentorship are told that "
        "auto-assignment matched them, and that they can say the match does not work for them.",
    ]
    if ahead.removed:
        happens.append(
            f"Left out: {plural(ahead.removed, 'pair')} removed by hand. "
            f"{'That mentee stays' if ahead.removed == 1 else 'Those mentees stay'} waiting."
        )
    happens += [
        "The program is then re-scored, so suggestion lists leave out matched mentees and "
        "full mentors.",
        "Undoing it means ending each mentorship one by one.",
    ]
    return Question(
        title=f"Commit auto-assignment #{run.pk}?",
        happens=happens,
        confirm_label=f"Yes, create {plural(ahead.pairs, 'mentorship')} and send "
        f"{plural(ahead.emails, 'email')}",
    )


def discard(run: MatchingRun) -> Question:
    ahead = assigning.outlook(run)
    pairs = ahead.pairs + ahead.removed
    return Question(
        title=f"Discard auto-assignment #{run.pk}?",
        happens=[
            f"The {plural(pairs, 'proposed pair')} {_are(pairs)} set aside: no mentorship is "
            "created and nobody is emailed.",
            "The proposal stays on its page for the record, but can no longer be committed. "
            "You can propose a new auto-assignment at any time.",
        ],
        confirm_label="Yes, discard the proposal",
        danger=True,
    )


def import_job(job: ImportJob, invite: bool) -> Question:
    r = job.report
    people, new, existing = r["mentors"] + r["mentees"], r["new_users"], r["existing_users"]
    accounts = f"{plural(new, 'new account')} {_are(new)} made"
    if existing:
        accounts += (
            f", and {plural(existing, 'existing account')} "
            f"{'joins' if existing == 1 else 'join'} the program. No existing profile is changed"
        )
    return Question(
        title=f"Import {job.filename}?",
        happens=[
            f"{plural(people, 'profile')} {_are(people)} created in {job.program.name}: "
            f"{plural(r['mentors'], 'mentor')} and {plural(r['mentees'], 'mentee')}.",
            f"{accounts}.",
            f"{plural(new, 'invitation')} {_are(new)} emailed, each with a link to choose a "
            "password."
            if invite
            else "No invitation is emailed: new people choose a password through “Forgot "
            "your password?” when they first sign in.",
            "Everyone imported is scored against the program straight away. The import is all "
            "or nothing, and goes on the audit log.",
        ],
        confirm_label=f"Yes, import {plural(people, 'person', 'people')}"
        + (f" and send {plural(new, 'invitation')}" if invite else ""),
        hidden=(("invite", "on"),) if invite else (),
    )


def move_cycle(cycle: Cycle, to: str, reason: str = "") -> Question:
    """A cycle moved by hand: what registration and the matching pool do
    (docs/admin.md, "Cycles")."""
    label = dict(Cycle.State.choices)
    start = cycle.state
    people = Profile.objects.filter(cycle=cycle).count()
    onward = cycles.ORDER.index(to) > cycles.ORDER.index(start)
    happens = [
        f"{cycle.name} moves {'on' if onward else 'back'} from “{label[start]}” to "
        f"“{label[to]}” now, whatever its dates say."
    ]
    if to == Cycle.State.REGISTRATION:
        happens.append(f"Registration opens: people who join {cycle.program.name} take part in it.")
    elif start == Cycle.State.REGISTRATION:
        happens.append(
            f"Registration closes: joining {cycle.program.name} is refused, with when "
            "the next cycle opens."
        )
    taking_part = Cycle.TAKING_PART
    if people and start in taking_part and to not in taking_part:
        happens.append(
            f"{plural(people, 'person', 'people')} of this cycle "
            f"{'leaves' if people == 1 else 'leave'} the matching pool: their suggestion "
            "lists empty, and nobody is suggested them."
        )
    elif people and to in taking_part and start not in taking_part:
        happens.append(
            f"{plural(people, 'person', 'people')} of this cycle "
            f"{'enters' if people == 1 else 'enter'} the matching pool, and suggestions are "
            "worked out for them."
        )
    if to == Cycle.State.CLOSED:
        happens.append("A closed cycle stays closed: it cannot be moved back.")
    elif onward:
        happens.append("The clock only moves it on from here, on the dates that are still to come.")
    happens.append("It goes on the audit log, with your reason.")
    return Question(
        title=f"Move {cycle.name} to “{label[to]}”?",
        happens=happens,
        confirm_label=f"Yes, move it to “{label[to]}”",
        danger=to == Cycle.State.CLOSED,
        # The state the admin saw: if the clock moves it meanwhile, the yes changes nothing.
        hidden=(("to", to), ("reason", reason), ("from_state", start)),
    )


def approve_weights(proposal: WeightProposal, seen: dict | None) -> Question:
    """What approving learned weights changes: the weights, then every list (the
    preview's counts), and the record kept."""
    program = proposal.program
    moves = approving.changes_in_words(proposal.current_weights, proposal.proposed_weights)
    happens = [
        f"{program.name}'s weights change: {'; '.join(moves) or 'none moves'}. "
        "The settings page shows them, and they can be changed there at any time.",
    ]
    if seen:
        lists = seen["lists"]
        happens.append(
            "The whole program is re-scored with them at once. In the preview, "
            f"{lists['lists_changed']} of {plural(lists['compared'], 'mentee')} compared got "
            "a different list, and the auto-assignment paired "
            f"{plural(seen['assignment']['changed'], 'mentee')} differently; lists may move a "
            "little more if people or places changed since."
        )
    happens += [
        "Nobody is matched, and no request or mentorship changes. A mentee whose list was "
        "empty and now has mentors in it is emailed that suggestions are ready.",
        f"It goes on the audit log with proposal #{proposal.pk} and the outcomes it was "
        "learned from, and the re-score records that its weights came from learning.",
    ]
    return Question(
        title=f"Approve the learned weights of proposal #{proposal.pk}?",
        happens=happens,
        confirm_label="Yes, approve and re-score",
    )


def discard_weights(proposal: WeightProposal) -> Question:
    return Question(
        title=f"Discard proposal #{proposal.pk}?",
        happens=[
            f"{proposal.program.name}'s weights stay as they are; nothing is re-scored.",
            "The proposal stays on the learned-weights page for the record, but can no longer "
            "be approved. You can learn from outcomes again at any time.",
        ],
        confirm_label="Yes, discard the proposal",
        danger=True,
    )
