import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from profiles.models import Cycle, Profile, Program, ProgramRole, Tag, User
from profiles.taxonomy import STEPS, Role

PASSWORD = "correct horse battery staple"
# Hashing once keeps factories fast; argon2 is deliberately slow.
_HASHED = make_password(PASSWORD)


def tags(kind: str, *slugs: str) -> list[Tag]:
    found = list(Tag.objects.filter(kind=kind, slug__in=slugs))
    assert len(found) == len(slugs), f"unknown {kind} tag among {slugs}"
    return found


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = _HASHED

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")


class ProfileFactory(factory.django.DjangoModelFactory):
    """A profile that has answered every step, ready for matching."""

    class Meta:
        model = Profile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    role = Role.MENTEE
    display_name = factory.Faker("name")
    career_stage = 1
    timezone = "America/New_York"
    meeting_format = "online"
    steps_done = list(STEPS)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create:
            self.languages.set(tags("language", *(extracted or ["english"])))

    @factory.post_generation
    def goals(self, create, extracted, **kwargs):
        if create and extracted:
            self.goals.set(tags("goal", *extracted))

    @factory.post_generation
    def values(self, create, extracted, **kwargs):
        if create and extracted:
            self.values.set(tags("value", *extracted))


class MentorFactory(ProfileFactory):
    role = Role.MENTOR
    career_stage = 3


class CycleFactory(factory.django.DjangoModelFactory):
    """A cycle with no dates, in draft: give it the dates and state a test needs."""

    class Meta:
        model = Cycle

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cycle {n}")


class ProgramRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramRole

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    role = ProgramRole.Kind.ADMIN


def program_admin(program: Program, *, background: bool = False, **user) -> User:
    """A new person who is an admin of ``program`` (reading background answers
    if ``background``), and nothing anywhere else."""
    role = ProgramRoleFactory(
        program=program,
        role=ProgramRole.Kind.ADMIN,
        may_read_background=background,
        user=UserFactory(**user),
    )
    return role.user


def coordinator(program: Program, **user) -> User:
    """A new person who is a coordinator of ``program``."""
    return ProgramRoleFactory(
        program=program, role=ProgramRole.Kind.COORDINATOR, user=UserFactory(**user)
    ).user
