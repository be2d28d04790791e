"""What each bulk or destructive admin action asks before it is done: a title,
what will happen in counts and words, and the yes button's words (the page is
dashboard/views/confirming.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

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


def _mentees(n: int) -> str:
    return ngettext("%(count)s mentee", "%(count)s mentees", n) % {"count": n}


def _mentors(n: int) -> str:
    return ngettext("%(count)s mentor", "%(count)s mentors", n) % {"count": n}


def _mentorships(n: int) -> str:
    return ngettext("%(count)s mentorship", "%(count)s mentorships", n) % {"count": n}


def _emails(n: int) -> str:
    return ngettext("%(count)s email", "%(count)s emails", n) % {"count": n}


def _invitations(n: int) -> str:
    return ngettext("%(count)s invitation", "%(count)s invitations", n) % {"count": n}


def _people(n: int) -> str:
    return ngettext("%(count)s person", "%(count)s people", n) % {"count": n}


def rescore(program: Program) -> Question:
    mentees, mentors = rescoring.ready_counts(program)
    return Question(
        title=gettext("Re-score %(program)s?") % {"program": program.name},
        happens=[
            gettext(
                "The suggestion lists of all %(mentees)s are worked out again against "
                "%(mentors)s, with the current weights and settings."
            )
            % {
                "mentees": ngettext("%(count)s ready mentee", "%(count)s ready mentees", mentees)
                % {"count": mentees},
                "mentors": ngettext("%(count)s ready mentor", "%(count)s ready mentors", mentors)
                % {"count": mentors},
            },
            gettext(
                "A mentee whose list was empty and now has mentors in it is emailed that "
                "suggestions are ready."
            ),
            gettext("Nobody is matched, and no request or mentorship changes."),
            gettext("It runs in the background; its page shows the progress."),
        ],
        confirm_label=ngettext(
            "Yes, re-score %(count)s mentee", "Yes, re-score %(count)s mentees", mentees
        )
        % {"count": mentees},
    )


def commit(run: MatchingRun) -> Question:
    """Counts from the pairs the admin left in the proposal: one mentorship and
    two emails (one to each side) for each."""
    ahead = assigning.outlook(run)
    happens = [
        ngettext(
            "%(count)s mentorship is created at once — fewer if a mentor fills up or a mentee "
            "finds a mentor meanwhile: those pairs are skipped, and listed on the proposal "
            "afterwards.",
            "%(count)s mentorships are created at once — fewer if a mentor fills up or a "
            "mentee finds a mentor meanwhile: those pairs are skipped, and listed on the "
            "proposal afterwards.",
            ahead.pairs,
        )
        % {"count": ahead.pairs},
        ngettext(
            "%(count)s email: both people in each new mentorship are told that auto-assignment "
            "matched them, and that they can say the match does not work for them.",
            "%(count)s emails: both people in each new mentorship are told that "
            "auto-assignment matched them, and that they can say the match does not work for "
            "them.",
            ahead.emails,
        )
        % {"count": ahead.emails},
    ]
    if ahead.removed:
        happens.append(
            ngettext(
                "Left out: %(count)s pair removed by hand. That mentee stays waiting.",
                "Left out: %(count)s pairs removed by hand. Those mentees stay waiting.",
                ahead.removed,
            )
            % {"count": ahead.removed}
        )
    happens += [
        gettext(
            "The program is then re-scored, so suggestion lists leave out matched mentees and "
            "full mentors."
        ),
        gettext("Undoing it means ending each mentorship one by one."),
    ]
    return Question(
        title=gettext("Commit auto-assignment #%(run)s?") % {"run": run.pk},
        happens=happens,
        confirm_label=gettext("Yes, create %(mentorships)s and send %(emails)s")
        % {"mentorships": _mentorships(ahead.pairs), "emails": _emails(ahead.emails)},
    )


def discard(run: MatchingRun) -> Question:
    ahead = assigning.outlook(run)
    pairs = ahead.pairs + ahead.removed
    return Question(
        title=gettext("Discard auto-assignment #%(run)s?") % {"run": run.pk},
        happens=[
            ngettext(
                "The %(count)s proposed pair is set aside: no mentorship is created and nobody "
                "is emailed.",
                "The %(count)s proposed pairs are set aside: no mentorship is created and "
                "nobody is emailed.",
                pairs,
            )
            % {"count": pairs},
            gettext(
                "The proposal stays on its page for the record, but can no longer be committed. "
                "You can propose a new auto-assignment at any time."
            ),
        ],
        confirm_label=gettext("Yes, discard the proposal"),
        danger=True,
    )


def import_job(job: ImportJob, invite: bool) -> Question:
    r = job.report
    people, new, existing = r["mentors"] + r["mentees"], r["new_users"], r["existing_users"]
    if existing:
        accounts = gettext(
            "%(made)s, and %(joining)s the program. No existing profile is changed."
        ) % {
            "made": ngettext(
                "%(count)s new account is made", "%(count)s new accounts are made", new
            )
            % {"count": new},
            "joining": ngettext(
                "%(count)s existing account joins", "%(count)s existing accounts join", existing
            )
            % {"count": existing},
        }
    else:
        accounts = ngettext(
            "%(count)s new account is made.", "%(count)s new accounts are made.", new
        ) % {"count": new}
    if invite:
        invitations = ngettext(
            "%(count)s invitation is emailed, each with a link to choose a password.",
            "%(count)s invitations are emailed, each with a link to choose a password.",
            new,
        ) % {"count": new}
        confirm = gettext("Yes, import %(people)s and send %(invitations)s") % {
            "people": _people(people),
            "invitations": _invitations(new),
        }
    else:
        invitations = gettext(
            "No invitation is emailed: new people choose a password through “Forgot "
            "your password?” when they first sign in."
        )
        confirm = gettext("Yes, import %(people)s") % {"people": _people(people)}
    return Question(
        title=gettext("Import %(file)s?") % {"file": job.filename},
        happens=[
            ngettext(
                "%(count)s profile is created in %(program)s: %(mentors)s and %(mentees)s.",
                "%(count)s profiles are created in %(program)s: %(mentors)s and %(mentees)s.",
                people,
            )
            % {
                "count": people,
                "program": job.program.name,
                "mentors": _mentors(r["mentors"]),
                "mentees": _mentees(r["mentees"]),
            },
            accounts,
            invitations,
            gettext(
                "Everyone imported is scored against the program straight away. The import is "
                "all or nothing, and goes on the audit log."
            ),
        ],
        confirm_label=confirm,
        hidden=(("invite", "on"),) if invite else (),
    )


def move_cycle(cycle: Cycle, to: str, reason: str = "") -> Question:
    """A cycle moved by hand: what registration and the matching pool do
    (docs/admin.md, "Cycles")."""
    label = dict(Cycle.State.choices)
    start = cycle.state
    people = Profile.objects.filter(cycle=cycle).count()
    onward = cycles.ORDER.index(to) > cycles.ORDER.index(start)
    states = {"cycle": cycle.name, "start": label[start], "to": label[to]}
    if onward:
        moves = gettext(
            "%(cycle)s moves on from “%(start)s” to “%(to)s” now, whatever its dates say."
        )
    else:
        moves = gettext(
            "%(cycle)s moves back from “%(start)s” to “%(to)s” now, whatever its dates say."
        )
    happens = [moves % states]
    program = {"program": cycle.program.name}
    if to == Cycle.State.REGISTRATION:
        happens.append(
            gettext("Registration opens: people who join %(program)s take part in it.") % program
        )
    elif start == Cycle.State.REGISTRATION:
        happens.append(
            gettext(
                "Registration closes: joining %(program)s is refused, with when the next "
                "cycle opens."
            )
            % program
        )
    taking_part = Cycle.TAKING_PART
    if people and start in taking_part and to not in taking_part:
        happens.append(
            ngettext(
                "%(count)s person of this cycle leaves the matching pool: their suggestion "
                "lists empty, and nobody is suggested them.",
                "%(count)s people of this cycle leave the matching pool: their suggestion "
                "lists empty, and nobody is suggested them.",
                people,
            )
            % {"count": people}
        )
    elif people and to in taking_part and start not in taking_part:
        happens.append(
            ngettext(
                "%(count)s person of this cycle enters the matching pool, and suggestions are "
                "worked out for them.",
                "%(count)s people of this cycle enter the matching pool, and suggestions are "
                "worked out for them.",
                people,
            )
            % {"count": people}
        )
    if to == Cycle.State.CLOSED:
        happens.append(gettext("A closed cycle stays closed: it cannot be moved back."))
    elif onward:
        happens.append(
            gettext("The clock only moves it on from here, on the dates that are still to come.")
        )
    happens.append(gettext("It goes on the audit log, with your reason."))
    return Question(
        title=gettext("Move %(cycle)s to “%(to)s”?") % states,
        happens=happens,
        confirm_label=gettext("Yes, move it to “%(to)s”") % states,
        danger=to == Cycle.State.CLOSED,
        # The state the admin saw: if the clock moves it meanwhile, the yes changes nothing.
        hidden=(("to", to), ("reason", reason), ("from_state", start)),
    )


def approve_weights(proposal: WeightProposal, seen: dict | None) -> Question:
    """What approving learned weights changes: the weights, then every list (the
    preview's counts), and the record kept."""
    program = proposal.program
    moves = approving.changes_in_words(proposal.current_weights, proposal.proposed_weights)
    # Translators: between the weights' changes, as in "Goals 20 → 30; Values 10 → 5".
    moved = gettext("; ").join(moves) or gettext("none moves")
    happens = [
        gettext(
            "%(program)s's weights change: %(moves)s. The settings page shows them, and they "
            "can be changed there at any time."
        )
        % {"program": program.name, "moves": moved},
    ]
    if seen:
        lists = seen["lists"]
        happens.append(
            gettext(
                "The whole program is re-scored with them at once. In the preview, "
                "%(changed)s of %(compared)s compared got a different list, and the "
                "auto-assignment paired %(paired)s differently; lists may move a little more "
                "if people or places changed since."
            )
            % {
                "changed": lists["lists_changed"],
                "compared": _mentees(lists["compared"]),
                "paired": _mentees(seen["assignment"]["changed"]),
            }
        )
    happens += [
        gettext(
            "Nobody is matched, and no request or mentorship changes. A mentee whose list was "
            "empty and now has mentors in it is emailed that suggestions are ready."
        ),
        gettext(
            "It goes on the audit log with proposal #%(proposal)s and the outcomes it was "
            "learned from, and the re-score records that its weights came from learning."
        )
        % {"proposal": proposal.pk},
    ]
    return Question(
        title=gettext("Approve the learned weights of proposal #%(proposal)s?")
        % {"proposal": proposal.pk},
        happens=happens,
        confirm_label=gettext("Yes, approve and re-score"),
    )


def discard_weights(proposal: WeightProposal) -> Question:
    return Question(
        title=gettext("Discard proposal #%(proposal)s?") % {"proposal": proposal.pk},
        happens=[
            gettext("%(program)s's weights stay as they are; nothing is re-scored.")
            % {"program": proposal.program.name},
            gettext(
                "The proposal stays on the learned-weights page for the record, but can no "
                "longer be approved. You can learn from outcomes again at any time."
            ),
        ],
        confirm_label=gettext("Yes, discard the proposal"),
        danger=True,
    )
