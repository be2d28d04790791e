"""A small program whose lists and auto-assignment learned weights change in a known
way, and weights proposals made straight in the database (as matching/learned.py
saves them), for the preview and approval tests."""

from django.utils import timezone

from matching.models import WeightProposal
from mentorships.models import CheckIn, Mentorship
from profiles.taxonomy import COMPONENTS
from tests.factories import MentorFactory, ProfileFactory

# Values made to matter: the two mentees who share values with mentor "Values"
# but goals with mentor "Goals" go to "Values"; the third, who shares both with
# "Goals", stays with them.
VALUES_FIRST = {"goals": 10, "background": 10, "values": 70, "experience": 5, "logistics": 5}
SAMPLE = {
    "mentorships": 143,
    "observations": 410,
    "kinds": {
        "request": {"good": 100, "poor": 20},
        "check_in": {"good": 150, "poor": 50},
        "close_out": {"good": 40, "poor": 20},
        "close": {"good": 25, "poor": 5},
    },
    "cycle": None,
    "cycles": ["Summer 2026"],
    "first": "2026-03-02",
    "last": "2026-08-30",
    "needs": {"mentorships": 30, "observations": 60},
}


def known_program(program):
    """Mentees Ada and Bea (networking, family) and Cy (networking, community);
    mentors Gail (networking, community) and Val (leadership, family), room for
    all three each. Today's weights put Gail first for everyone, Val below the
    minimum score for Cy; VALUES_FIRST puts Val first for Ada and Bea and Gail
    below the minimum for them."""
    program.min_score = 40
    program.save()
    people = {
        "ada": ProfileFactory(
            program=program, display_name="Ada", goals=["networking"], values=["family"]
        ),
        "bea": ProfileFactory(
            program=program, display_name="Bea", goals=["networking"], values=["family"]
        ),
        "cy": ProfileFactory(
            program=program, display_name="Cy", goals=["networking"], values=["community"]
        ),
        "gail": MentorFactory(
            program=program,
            display_name="Gail",
            goals=["networking"],
            values=["community"],
            capacity=3,
        ),
        "val": MentorFactory(
            program=program, display_name="Val", goals=["leadership"], values=["family"], capacity=3
        ),
    }
    return people


def fit(**coefficients) -> dict:
    """A fit as matching/learned.py keeps it: values raise the chance of a good outcome."""
    coefficients = coefficients or {"values": 2.0, "goals": 0.2}
    return {
        "reason": "",
        "counts": {"mentorships": 143, "observations": 410, "good": 315, "poor": 95},
        "confident": {c: c == "values" for c in COMPONENTS},
        "learned": dict.fromkeys(COMPONENTS, True),
        "coefficients": coefficients,
        "coefficient_intervals": {c: [v - 0.5, v + 0.5] for c, v in coefficients.items()},
        "level": 0.99,
        "resamples": 400,
        "seed": 0,
        "converged": True,
        "model": {"kind": "logistic"},
    }


def make_proposal(program, *, proposed=None, status=WeightProposal.Status.PROPOSED, **fields):
    proposed = proposed or VALUES_FIRST
    return WeightProposal.objects.create(
        program=program,
        status=status,
        current_weights=program.weights(),
        proposed_weights=proposed if status != WeightProposal.Status.TOO_FEW else {},
        intervals={c: [max(w - 6, 0), w + 6] for c, w in proposed.items()}
        if status != WeightProposal.Status.TOO_FEW
        else {},
        fit=fit(),
        sample=SAMPLE,
        **fields,
    )


def outcomes(program, n=40):
    """``n`` closed mentorships of two people outside the pool (paused), those
    sharing values gone well and the others not, each with a check-in."""
    mentee = ProfileFactory(program=program, steps_done=[])
    mentor = MentorFactory(program=program, is_paused=True)
    for i in range(n):
        shared = i % 3 != 0
        m = Mentorship.objects.create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            status=Mentorship.Status.COMPLETED if shared else Mentorship.Status.ENDED,
            end_reason="goals_met" if shared else "not_working",
            source="admin",
            requested_at=timezone.now(),
            match_components={
                "goals": (i % 4) / 4 if shared else 1.0,
                "background": 0.5,
                "values": 1.0 if shared else (i % 5) / 10,
                "experience": 0.5,
                "logistics": 1.0,
            },
            match_weights=program.weights(),
        )
        CheckIn.objects.create(mentorship=m, author=mentee, rating=5 if shared else 1)
