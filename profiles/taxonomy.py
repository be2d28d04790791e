"""The fixed vocabulary of Kindred's questionnaire: tag kinds, background
facets and the scales a profile answers on. Tag *names* live in the database
(seeded by a migration, editable by admins); these keys do not change."""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


class TagKind(models.TextChoices):
    GOAL = "goal", _("Goal")
    VALUE = "value", _("Value")
    HERITAGE = "heritage", _("Heritage")
    IDENTITY = "identity", _("Identity")
    LANGUAGE = "language", _("Language")
    INDUSTRY = "industry", _("Industry")


class Facet(models.TextChoices):
    """A background question. Every facet but language is sensitive."""

    HERITAGE = "heritage", _("Heritage")
    LANGUAGE = "language", _("Language")
    GENERATION = "generation", _("Immigrant generation")
    FIRST_GEN = "first_gen", _("First-generation path")
    SOCIOECONOMIC = "socioeconomic", _("Socioeconomic background")
    OUTLOOK = "outlook", _("Political outlook")
    FAITH = "faith", _("Faith")
    LGBTQ = "lgbtq", _("LGBTQ+")


SENSITIVE_FACETS = tuple(f for f in Facet if f != Facet.LANGUAGE)
# The sensitive facets named inside a sentence ("You have not shared your …",
# "Consent given for …"), as the labels read in English lower-cased.
FACETS_IN_A_SENTENCE = {
    Facet.HERITAGE: _("heritage"),
    Facet.GENERATION: _("immigrant generation"),
    Facet.FIRST_GEN: _("first-generation path"),
    Facet.SOCIOECONOMIC: _("socioeconomic background"),
    Facet.OUTLOOK: _("political outlook"),
    Facet.FAITH: _("faith"),
    Facet.LGBTQ: _("lgbtq+"),
}

# Heritage answers that gather others (by tag slug): whoever shares a heritage
# within a region may tick the region too, so a region's figures sum over its
# sub-groups' (dashboard/disclosure.py hides enough that no subtraction isolates one).
HERITAGE_REGIONS = {
    "east-asian": ("chinese", "korean", "japanese", "taiwanese"),
    "south-asian": ("indian", "pakistani", "bangladeshi", "sri-lankan"),
    "southeast-asian": ("filipino", "vietnamese", "thai", "indonesian", "malaysian"),
}
# Facets answered with one choice at most; the others take several.
SINGLE_CHOICE_FACETS = (Facet.GENERATION, Facet.SOCIOECONOMIC, Facet.OUTLOOK, Facet.FAITH)

# Each completes the sentence of the must-haves' label in profiles/forms.py,
# "Must-haves — only suggest a mentor who …", and stands as a choice of its own.
MUST_FACET_PHRASES = {
    Facet.HERITAGE: _("shares my heritage"),
    Facet.LANGUAGE: _("speaks one of my languages"),
    Facet.GENERATION: _("shares my immigrant generation"),
    Facet.FIRST_GEN: _("shares my first-generation path"),
    Facet.SOCIOECONOMIC: _("grew up with a similar income"),
    Facet.OUTLOOK: _("shares my political outlook"),
    Facet.FAITH: _("shares my faith"),
    Facet.LGBTQ: _("is LGBTQ+ too"),
}


class Role(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class CareerStage(models.IntegerChoices):
    STUDENT = 0, _("Student")
    EARLY = 1, _("Early career")
    MID = 2, _("Mid-career")
    SENIOR = 3, _("Senior")
    EXECUTIVE = 4, _("Executive")


class MeetingFormat(models.TextChoices):
    ONLINE = "online", _("Online only")
    IN_PERSON = "in_person", _("In person only")
    EITHER = "either", _("Either online or in person")


class Visibility(models.TextChoices):
    MATCHING = "matching", _("Matching only — nobody sees them, they only shape suggestions")
    MATCHES = "matches", _("My matches — people I request or am paired with")
    PROGRAM = "program", _("Everyone in the program")


class Importance(models.IntegerChoices):
    NONE = 0, _("Not important")
    LITTLE = 1, _("A little")
    NORMAL = 2, _("Normal")
    VERY = 3, _("Very important")


COMPONENTS = ("goals", "background", "values", "experience", "logistics")
COMPONENT_LABELS = {
    "goals": _("Goals"),
    "background": _("Shared background"),
    "values": _("Shared values"),
    "experience": _("Experience"),
    "logistics": _("Logistics"),
}

STEPS = ("about", "background", "goals", "values", "logistics")
STEP_TITLES = {
    "about": _("About you"),
    "background": _("Background"),
    "goals": _("Goals"),
    "values": _("Values"),
    "logistics": _("Logistics"),
}
# A profile enters matching once these steps are saved: they hold its
# required answers (stage, languages, timezone, meeting format).
REQUIRED_STEPS = frozenset({"about", "logistics"})

# The visibility question sits above the consent box; the form links the phrase
# to it. A changed text gets a new version: consents record which one they gave.
CONSENT_TEXT_VERSION = "background-2026-12"
# The consent's words, with the place of the visibility question apart so that the
# form can make it a link (forms.consent_help).
CONSENT_PLACE = _("“Who may see these answers” above")
CONSENT_PURPOSE_SENTENCE = _(
    "Kindred stores these answers only to suggest mentors or mentees who share them. "
    "They are shown to nobody unless you choose so in %(place)s; "
    "you can withdraw this consent at any time, which deletes the answers and updates "
    "your suggestions."
)


def consent_purpose() -> str:
    """The consent's purpose in the active language, as a consent records it."""
    return CONSENT_PURPOSE_SENTENCE % {"place": CONSENT_PLACE}


CONSENT_PURPOSE = lazy(consent_purpose, str)()
