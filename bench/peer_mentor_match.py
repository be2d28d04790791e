"""Peer benchmark: a complete N × N matching by the open-source ``mentor-match`` package.

Runs in the PEER's own throwaway virtualenv, never Kindred's, and imports nothing from Kindred
(only the standard library, mentor-match and its dependency munkres):

    python3 -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install mentor-match==7.0.1
    /tmp/peer-venv/bin/python bench/peer_mentor_match.py --size N --seed S

Careful: mentor-match's top-level package is also called ``matching``, like Kindred's. Run the
script by path as above, not with ``-m`` or with the project root on ``PYTHONPATH``; if
``matching`` resolves to anything but the installed peer, the script refuses to start.

What is timed (``seconds``, time.perf_counter): from just after the input CSV files are written
to a temporary folder until the final pairs are known, i.e. the peer's own reading and parsing
of ``mentors.csv`` / ``mentees.csv`` (``process.create_participant_list_from_path``, as
``process.conduct_matching_from_file`` does), the scoring of every mentor–mentee pair with the
rules (``process.generate_match_matrix``: one ``Match`` object per pair) and the assignment
(``munkres.Munkres().compute`` on the N × N cost matrix), all inside
``process.process_data``, plus counting the pairs. Generating the people and writing the CSV
files are not timed; Python start-up is not timed; importing the peer is timed on its own
(``import_seconds``).

mentor-match 7.x ships no default rule set (its ``conduct_matching_from_file`` requires one),
so the rules are those of the package author's own deployment, mentor-match-web
(``app/helpers.py::base_rules`` plus ``UnmatchedBonus(6)`` from ``app/tasks/tasks.py``), with
7.x's single ``profession`` field: different organisation, mentor one or two grades above the
mentee (else disqualified), points for a one- or two-grade gap, the same profession and a
shared identity characteristic; with ``Mentor`` / ``Mentee`` subclassed, as that deployment
does, to read the characteristics. One round (each mentor and mentee gets at most one
partner); the deployment runs three rounds, one full matching each.

Prints one line of JSON: peer, version, size, seed, seconds, import_seconds, pairs (mentor–mentee
pairs assigned and allowed by the rules) and munkres (the resolved munkres version: the
assignment step's speed depends on it).
"""

import argparse
import csv
import json
import operator
import random
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

_IMPORT_START = time.perf_counter()
import matching.process as process  # noqa: E402
import matching.rules.rule as rl  # noqa: E402
from matching.mentee import Mentee  # noqa: E402
from matching.mentor import Mentor  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _IMPORT_START

PEER = "mentor-match"

# Civil Service grades, lowest first, as mentor-match-web numbers them (the peer wants an int).
GRADES = ["AA", "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS1", "SCS2", "SCS3", "SCS4"]
MENTEE_GRADE_WEIGHTS = [2, 6, 14, 20, 22, 20, 10, 4, 2, 0, 0]
MENTOR_GRADE_WEIGHTS = [0, 1, 3, 8, 14, 24, 24, 14, 8, 3, 1]
ORGANISATIONS = [
    "HM Revenue and Customs", "Department for Work and Pensions", "Ministry of Justice",
    "Home Office", "Ministry of Defence", "HM Treasury", "Cabinet Office",
    "Department for Education", "Department of Health and Social Care",
    "Department for Transport", "Foreign, Commonwealth and Development Office",
    "Department for Environment, Food and Rural Affairs", "Department for Business and Trade",
    "Department for Science, Innovation and Technology", "Department for Energy Security",
    "Ministry of Housing, Communities and Local Government", "Office for National Statistics",
    "Land Registry", "Companies House", "Government Digital Service", "Crown Prosecution Service",
    "National Crime Agency", "Met Office", "Valuation Office Agency",
]  # fmt: skip
PROFESSIONS = [
    "Policy", "Operational Delivery", "Digital, Data and Technology", "Finance", "Project Delivery",
    "Human Resources", "Commercial", "Analysis", "Communications", "Legal",
    "Science and Engineering", "Property", "Security", "Internal Audit", "Tax",
]  # fmt: skip
IDENTITIES = [
    "Woman", "Ethnic minority", "LGBTQ+", "Disabled", "Neurodivergent", "Non-binary",
    "Parent or carer", "Lower socio-economic background",
]  # fmt: skip
SHARED_PEOPLE = 0.10  # share of mentees who also signed up as mentors (same person, same email)
MENTEE_IDENTITY = 0.45  # share of mentees who ask for a mentor with their identity

FIELDS = ["first name", "last name", "email", "role", "organisation", "grade", "profession"]


class CharacterisedMentor(Mentor):
    """A ``Mentor`` with identity characteristics, as mentor-match-web's ``CSMentor``."""

    def __init__(self, **kwargs):
        self.characteristics: list[str] = kwargs.get("characteristics", "").split(", ")
        super().__init__(**kwargs)


class CharacterisedMentee(Mentee):
    """A ``Mentee`` with one identity to match, as mentor-match-web's ``CSMentee``."""

    def __init__(self, **kwargs):
        self.characteristic: str = kwargs.get("identity to match", "")
        super().__init__(**kwargs)


def rules() -> list:
    """mentor-match-web's ``base_rules()`` and its default ``UnmatchedBonus(6)``."""
    return [
        rl.Disqualify(lambda match: match.mentee.organisation == match.mentor.organisation),
        rl.Disqualify(rl.Grade(target_diff=2, logical_operator=operator.gt).evaluate),
        rl.Disqualify(rl.Grade(target_diff=0, logical_operator=operator.le).evaluate),
        rl.Disqualify(lambda match: match.mentee in match.mentor.mentees),
        rl.Grade(2, operator.eq, {True: 12, False: 0}),
        rl.Grade(1, operator.eq, {True: 9, False: 0}),
        rl.Generic(
            {True: 10, False: 0},
            lambda match: match.mentee.profession == match.mentor.profession,
        ),
        rl.Generic(
            {True: 6, False: 0},
            lambda match: (
                match.mentee.characteristic in match.mentor.characteristics
                and match.mentee.characteristic != ""
            ),
        ),
        rl.UnmatchedBonus(6),
    ]


def person(rng: random.Random, role: str, i: int, grade_weights: list[int]) -> dict[str, str]:
    return {
        "first name": role.capitalize(),
        "last name": f"{i:05d}",
        "email": f"{role}.{i:05d}@example.gov.uk",
        "role": rng.choice(["Analyst", "Caseworker", "Adviser", "Manager", "Engineer", "Lead"]),
        "organisation": rng.choices(ORGANISATIONS, [1 / (k + 1) for k in range(24)])[0],
        "grade": str(rng.choices(range(len(GRADES)), grade_weights)[0]),
        "profession": rng.choices(PROFESSIONS, [1 / (k + 2) for k in range(15)])[0],
    }


def people(size: int, seed: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``size`` mentors and ``size`` mentees as CSV rows, the same for the same seed."""
    rng = random.Random(seed)
    mentors = []
    for i in range(size):
        row = person(rng, "mentor", i, MENTOR_GRADE_WEIGHTS)
        row["characteristics"] = ", ".join(rng.sample(IDENTITIES, rng.choice([0, 0, 1, 1, 2, 3])))
        mentors.append(row)
    both = set(rng.sample(range(size), int(size * SHARED_PEOPLE)))
    mentees = []
    for i in range(size):
        if i in both:  # the same person as mentor i: same name, email, organisation, grade
            row = {key: mentors[i][key] for key in FIELDS}
        else:
            row = person(rng, "mentee", i, MENTEE_GRADE_WEIGHTS)
        wants = rng.random() < MENTEE_IDENTITY
        row["identity to match"] = rng.choice(IDENTITIES) if wants else ""
        mentees.append(row)
    return mentors, mentees


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def check_peer_is_installed_package() -> None:
    """Refuse to run against Kindred's own ``matching`` package by mistake."""
    expected = Path(metadata.distribution(PEER).locate_file("matching/process.py")).resolve()
    if Path(process.__file__).resolve() != expected:
        sys.exit(f"'matching' resolved to {process.__file__}, not {PEER}'s {expected}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="N mentors and N mentees")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    check_peer_is_installed_package()

    mentor_rows, mentee_rows = people(args.size, args.seed)
    with tempfile.TemporaryDirectory(prefix="peer-mentor-match-") as folder:
        data = Path(folder)
        write_csv(data / "mentors.csv", mentor_rows)
        write_csv(data / "mentees.csv", mentee_rows)

        start = time.perf_counter()
        mentors = process.create_participant_list_from_path(CharacterisedMentor, data)
        mentees = process.create_participant_list_from_path(CharacterisedMentee, data)
        mentors, mentees = process.process_data(mentors, mentees, [rules()])
        pairs = sum(len(mentor.mentees) for mentor in mentors)
        seconds = time.perf_counter() - start

    assert pairs == sum(len(mentee.mentors) for mentee in mentees)
    result = {
        "peer": PEER,
        "version": metadata.version(PEER),
        "size": args.size,
        "seed": args.seed,
        "seconds": round(seconds, 4),
        "import_seconds": round(IMPORT_SECONDS, 4),
        "pairs": pairs,
        "munkres": metadata.version("munkres"),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
