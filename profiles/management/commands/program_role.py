from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from profiles import roles
from profiles.exceptions import RoleRefused
from profiles.models import Program, ProgramRole


class Command(BaseCommand):
    help = (
        "Give a person a role in a program (admin or coordinator), change it, or remove it "
        "with --remove. The person must have an account; --create makes one and emails them "
        "an invitation to choose a password. Each change goes on the program's audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the program's slug")
        parser.add_argument("email", help="the email address the person signs in with")
        parser.add_argument("--role", choices=ProgramRole.Kind.values, help="admin or coordinator")
        parser.add_argument(
            "--background",
            action="store_true",
            help="let this admin read the program's background answers (admins only)",
        )
        parser.add_argument("--remove", action="store_true", help="take their role away")
        parser.add_argument(
            "--create",
            action="store_true",
            help="no account with this email yet: make one, and email an invitation",
        )

    def handle(self, *args, slug, email, role, background, remove, create, **options):
        if remove and (role or background or create):
            raise CommandError("--remove takes no --role, --background or --create.")
        if not remove and not role:
            raise CommandError("Say which role with --role admin|coordinator, or --remove.")
        if background and role != ProgramRole.Kind.ADMIN:
            raise CommandError(
                "--background is for admins only: a coordinator never reads background answers."
            )
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"No program with the slug {slug!r}.")
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an email address.") from exc
        user = roles.find_user(email)
        try:
            if user is None and remove:
                raise CommandError(f"No account signs in with {email}: nothing to remove.")
            if user is None:
                self.create(program, email, role, background, create)
            elif remove:
                self.remove(program, user)
            else:
                self.set(program, user, role, background)
        except RoleRefused as refused:
            raise CommandError(str(refused)) from refused

    def create(self, program, email, role, background, create) -> None:
        if not create:
            raise CommandError(
                f"No account signs in with {email}. Check the address, or add --create to "
                "make one and email them an invitation to choose a password."
            )
        roles.invite(program=program, email=email, role=role, background=background, by=None)
        self.done(f"Made an account for {email}, {self.words(role, background, program)}")
        self.stdout.write("An invitation to choose a password is on its way.")

    def remove(self, program, user) -> None:
        held = ProgramRole.objects.filter(program=program, user=user).first()
        if held is None:
            raise CommandError(f"{user.email} has no role in {program.name}: nothing to remove.")
        roles.remove(role=held, keep_an_admin=False)
        self.done(f"{user.email} is no longer {roles.role_words(held.role)} of {program.name}")
        self.warn_if_no_admin(program)

    def set(self, program, user, role, background) -> None:
        held = ProgramRole.objects.filter(program=program, user=user).first()
        if held is None:
            roles.grant(program=program, user=user, role=role, background=background)
            self.done(f"{user.email} is now {self.words(role, background, program)}")
            return
        if not roles.change(role=held, to=role, background=background, keep_an_admin=False):
            said = self.words(role, background, program)
            self.stdout.write(f"{user.email} is already {said}: nothing changed.")
            return
        self.done(f"{user.email} is now {self.words(role, background, program)}")
        self.warn_if_no_admin(program)

    @staticmethod
    def words(role: str, background: bool, program) -> str:
        reads = ", reading background answers" if background else ""
        return f"{roles.role_words(role)} of {program.name}{reads}"

    def done(self, said: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"{said}. (On the audit log.)"))

    def warn_if_no_admin(self, program) -> None:
        if not ProgramRole.objects.filter(
            program=program, role=ProgramRole.Kind.ADMIN, user__is_active=True
        ).exists():
            self.stderr.write(
                self.style.WARNING(
                    f"{program.name} has no admin now: only superusers can run it until "
                    "someone is made one."
                )
            )
