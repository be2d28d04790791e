from itertools import islice

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from profiles.demo import Person, Vocabulary, people
from profiles.models import Consent, Profile, Program, Tag, User
from profiles.signals import profile_changed
from profiles.taxonomy import STEPS, Role, TagKind

DEMO_PASSWORD = "kindred-demo-2026"  # noqa: S105 - printed for people trying the demo
KOREAN_AMERICAN = [
    ("heritage", "east-asian"),
    ("heritage", "korean"),
    ("identity", "second-generation-immigrant"),
    ("identity", "first-generation-college-graduate"),
]
DEMO_LOGINS = [
    {
        "email": "mentee@demo.kindred.test",
        "what": "mentee",
        "role": Role.MENTEE,
        "name": "Ji-woo Park",
        "headline": "Data analyst, first in my family at university",
        "bio": "Korean-American, second generation, looking to grow into leadership.",
        "stage": 1,
        "years": 3,
        "industry": "technology",
        "timezone": "America/Los_Angeles",
        "city": "San Francisco",
        "languages": ["english", "korean"],
        "goals": ["leadership", "overcoming-imposter-syndrome", "networking", "cultural-identity"],
        "values": ["community", "family", "integrity"],
        "background": KOREAN_AMERICAN,
    },
    {
        "email": "mentor@demo.kindred.test",
        "what": "mentor",
        "role": Role.MENTOR,
        "name": "Grace Lee",
        "headline": "Engineering director, fintech",
        "bio": "Twenty years in engineering; I mentor first-generation professionals.",
        "stage": 3,
        "years": 18,
        "industry": "technology",
        "timezone": "America/Los_Angeles",
        "city": "San Francisco",
        "languages": ["english", "korean"],
        "goals": [
            "leadership",
            "overcoming-imposter-syndrome",
            "networking",
            "career-advancement",
            "cultural-identity",
            "advocacy-and-sponsorship",
        ],
        "values": ["community", "family", "integrity"],
        "background": KOREAN_AMERICAN,
    },
    {
        "email": "mentor2@demo.kindred.test",
        "what": "mentor (a second one, to decline)",
        "role": Role.MENTOR,
        "name": "Daniel Cho",
        "headline": "Product lead, healthcare technology",
        "bio": "Immigrated at twelve; I help people find their voice at work.",
        "stage": 4,
        "years": 22,
        "industry": "technology",
        "timezone": "America/Los_Angeles",
        "city": "Los Angeles",
        "languages": ["english", "korean"],
        "goals": ["leadership", "networking", "cultural-identity", "confidence-and-self-esteem"],
        "values": ["community", "family"],
        "background": [("heritage", "korean"), ("identity", "first-generation-immigrant")],
    },
    {
        "email": "admin@demo.kindred.test",
        "what": "program admin (staff)",
        "role": None,
        "name": "Program Admin",
    },
]
BATCH = 2000
UNUSABLE = "!seeded-no-login"


def batched(items, size: int):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def insert_links(through, pairs: list[tuple[int, int]], chunk: int = 5000) -> None:
    """Many-to-many rows in multi-row INSERTs: at this volume, model instances
    cost more than the database does."""
    table = connection.ops.quote_name(through._meta.db_table)
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        values = ",".join(["(%s, %s)"] * len(part))
        with connection.cursor() as cursor:
            cursor.execute(
                # Table names come from model meta; every value is a parameter.
                f"INSERT INTO {table} (profile_id, tag_id) VALUES {values}",  # noqa: S608  # nosec B608
                [v for pair in part for v in pair],
            )


class Command(BaseCommand):
    help = "Create a realistic synthetic program; the same --seed always gives the same people."

    def add_arguments(self, parser):
        parser.add_argument("--mentors", type=int, default=60)
        parser.add_argument("--mentees", type=int, default=150)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--program", default="default", help="program slug (created if new)")
        parser.add_argument("--reset", action="store_true", help="delete this seed's people first")
        parser.add_argument("--no-logins", action="store_true", help="skip the demo logins")

    def handle(self, *args, mentors, mentees, seed, program, reset, no_logins, **options):
        if mentors < 0 or mentees < 0:
            raise CommandError("--mentors and --mentees cannot be negative.")
        prog, _ = Program.objects.get_or_create(
            slug=program, defaults={"name": program.replace("-", " ").title()}
        )
        pattern = f"seed{seed}-"
        seeded = User.objects.filter(
            email__startswith=pattern, email__endswith="@demo.kindred.test"
        )
        if reset:
            seeded.filter(profiles__program=prog).delete()
        existing = Profile.objects.filter(program=prog, user__in=seeded).count()
        if existing == mentors + mentees:
            self.stdout.write(f"{prog.name}: seed {seed} already present ({existing} people).")
        elif existing:
            raise CommandError(
                f"{prog.name} holds {existing} people of seed {seed}, not {mentors + mentees}; "
                "add --reset to recreate them."
            )
        else:
            self.create_people(prog, mentors, mentees, seed)
            analyze_profiles()
        if not no_logins:
            self.create_logins(prog, seed)

    def vocabulary(self) -> tuple[Vocabulary, dict[tuple[str, str], int]]:
        tags = list(Tag.objects.active().order_by("kind", "sort_order", "slug"))
        ids = {(t.kind, t.slug): t.pk for t in tags}
        self.facet_of = {t.slug: t.facet for t in tags if t.kind in ("heritage", "identity")}
        facets: dict[str, list[str]] = {}
        for t in tags:
            if t.facet:
                facets.setdefault(t.facet, []).append(t.slug)
        vocab = Vocabulary(
            goals=[t.slug for t in tags if t.kind == TagKind.GOAL],
            values=[t.slug for t in tags if t.kind == TagKind.VALUE],
            languages={t.slug for t in tags if t.kind == TagKind.LANGUAGE},
            facets=facets,
        )
        return vocab, ids

    def create_people(self, program: Program, mentors: int, mentees: int, seed: int) -> None:
        vocab, ids = self.vocabulary()
        by_slug = {slug: pk for (kind, slug), pk in ids.items() if kind in ("heritage", "identity")}
        total = mentors + mentees
        generated = people(mentors=mentors, mentees=mentees, seed=seed, vocab=vocab)
        with tqdm(total=total, desc=f"Seeding {program.slug}", unit="people") as bar:
            for batch in batched(generated, BATCH):
                with transaction.atomic():
                    self.insert(program, batch, ids, by_slug)
                bar.update(len(batch))
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {mentors} mentors and {mentees} mentees in {program.name}."
            )
        )

    def insert(self, program, batch: list[Person], ids, background_ids) -> None:
        users = User.objects.bulk_create(
            User(email=p.email, password=UNUSABLE, first_name=p.display_name.split()[0])
            for p in batch
        )
        profiles = Profile.objects.bulk_create(
            self.profile_row(program, user, p, ids) for user, p in zip(users, batch, strict=True)
        )
        links = {
            Profile.languages.through: [("language", p.languages) for p in batch],
            Profile.goals.through: [("goal", p.goals) for p in batch],
            Profile.values.through: [("value", p.values) for p in batch],
        }
        for through, per_person in links.items():
            insert_links(
                through,
                [
                    (prof.pk, ids[(kind, slug)])
                    for prof, (kind, slugs) in zip(profiles, per_person, strict=True)
                    for slug in slugs
                ],
            )
        insert_links(
            Profile.background.through,
            [
                (prof.pk, background_ids[s])
                for prof, p in zip(profiles, batch, strict=True)
                for s in p.background
            ],
        )
        facet_of = self.facet_of
        consents = []
        for prof, p in zip(profiles, batch, strict=True):
            for category in sorted({facet_of[s] for s in p.background}):
                consents.append(Consent.to_current_text(prof, category, prof.created_at))
        Consent.objects.bulk_create(consents)

    @staticmethod
    def profile_row(program, user, p: Person, ids) -> Profile:
        profile = Profile(
            user=user,
            program=program,
            role=p.role,
            display_name=p.display_name,
            headline=p.headline,
            bio=p.bio,
            career_stage=p.career_stage,
            years_experience=p.years_experience,
            industry_id=ids[("industry", p.industry)],
            timezone=p.timezone,
            city=p.city,
            meeting_format=p.meeting_format,
            background_visibility=p.visibility,
            capacity=p.capacity,
            is_paused=p.is_paused,
            must_share=p.must_share,
            steps_done=list(STEPS),
            is_ready=True,
        )
        for component, value in p.importance.items():
            setattr(profile, f"importance_{component}", value)
        return profile

    def create_logins(self, program: Program, seed: int) -> None:
        """People with known passwords, so anyone can try each role."""
        _, ids = self.vocabulary()
        password = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            for login in DEMO_LOGINS:
                staff = login["role"] is None
                user, _ = User.objects.get_or_create(
                    email=login["email"],
                    defaults={
                        "first_name": login["name"].split()[0],
                        "is_staff": staff,
                        "is_superuser": staff,
                    },
                )
                user.password = password
                user.save(update_fields=["password"])
                EmailAddress.objects.update_or_create(
                    user=user, email=user.email, defaults={"verified": True, "primary": True}
                )
                exists = Profile.objects.filter(user=user, program=program, role=login["role"])
                if not staff and not exists.exists():
                    self.create_demo_profile(user, program, login, ids)
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login['email']:<29} {login['what']}")

    def create_demo_profile(self, user, program, login: dict, ids) -> None:
        profile = Profile.objects.create(
            user=user,
            program=program,
            role=login["role"],
            display_name=login["name"],
            headline=login["headline"],
            bio=login["bio"],
            career_stage=login["stage"],
            years_experience=login["years"],
            industry_id=ids[("industry", login["industry"])],
            timezone=login["timezone"],
            city=login["city"],
            meeting_format="either",
            contact_details=f"Message me on the program Slack: @{login['name'].split()[0].lower()}",
            capacity=3,
            steps_done=list(STEPS),
        )
        profile.languages.set([ids[("language", x)] for x in login["languages"]])
        profile.goals.set([ids[("goal", g)] for g in login["goals"]])
        profile.values.set([ids[("value", v)] for v in login["values"]])
        profile.background.set([ids[(kind, slug)] for kind, slug in login["background"]])
        for category in sorted({self.facet_of[slug] for _, slug in login["background"]}):
            Consent.to_current_text(profile, category, profile.created_at).save()
        profile_changed.send(sender=Profile, profile_id=profile.pk, program_id=program.pk)


def analyze_profiles() -> None:
    """Planner statistics for the people just loaded, on PostgreSQL, rather than
    whenever autovacuum gets to them (never, where it is switched off): without
    them the dashboard's figures for a 13,000-person demo took 22 s, not 0.7 s."""
    if connection.vendor != "postgresql":
        return
    tables = [Profile._meta.db_table] + [
        field.remote_field.through._meta.db_table for field in Profile._meta.many_to_many
    ]
    with connection.cursor() as cursor:
        # Table names come from model meta, never from input.
        cursor.execute(f"ANALYZE {', '.join(tables)}")  # nosec B608
