"""The fixed vocabulary of Kindred's questionnaire: tag kinds, background
facets and the scales a profile answers on. Tag *names* live in the database
(seeded by a migration, editable by admins); these keys do not change."""

from django.db import models


class TagKind(models.TextChoices):
    GOAL = "goal", "Goal"
    VALUE = "value", "Value"
    HERITAGE = "heritage", "Heritage"
    IDENTITY = "identity", "Identity"
    LANGUAGE = "language", "Language"
    INDUSTRY = "industry", "Industry"


class Facet(models.TextChoices):
    """A background question. Every facet but language is sensitive."""

    HERITAGE = "heritage", "Heritage"
    LANGUAGE = "language", "Language"
    GENERATION = "generation", "Immigrant generation"
    FIRST_GEN = "first_gen", "First-generation path"
    SOCIOECONOMIC = "socioeconomic", "Socioeconomic background"
    OUTLOOK = "outlook", "Political outlook"
    FAITH = "faith", "Faith"
    LGBTQ = "lgbtq", "LGBTQ+"


SENSITIVE_FACETS = tuple(f for f in Facet if f != Facet.LANGUAGE)

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

MUST_FACET_PHRASES = {
    Facet.HERITAGE: "shares my heritage",
    Facet.LANGUAGE: "speaks one of my languages",
    Facet.GENERATION: "shares my immigrant generation",
    Facet.FIRST_GEN: "shares my first-generation path",
    Facet.SOCIOECONOMIC: "grew up with a similar income",
    Facet.OUTLOOK: "shares my political outlook",
    Facet.FAITH: "shares my faith",
    Facet.LGBTQ: "is LGBTQ+ too",
}


class Role(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


class CareerStage(models.IntegerChoices):
    STUDENT = 0, "Student"
    EARLY = 1, "Early career"
    MID = 2, "Mid-career"
    SENIOR = 3, "Senior"
    EXECUTIVE = 4, "Executive"


class MeetingFormat(models.TextChoices):
    ONLINE = "online", "Online only"
    IN_PERSON = "in_person", "In person only"
    EITHER = "either", "Either online or in person"


class Visibility(models.TextChoices):
    MATCHING = "matching", "Matching only — nobody sees them, they only shape suggestions"
    MATCHES = "matches", "My matches — people I request or am paired with"
    PROGRAM = "program", "Everyone in the program"


class Importance(models.IntegerChoices):
    NONE = 0, "Not important"
    LITTLE = 1, "A little"
    NORMAL = 2, "Normal"
    VERY = 3, "Very important"


COMPONENTS = ("goals", "background", "values", "experience", "logistics")
COMPONENT_LABELS = {
    "goals": "Goals",
    "background": "Shared background",
    "values": "Shared values",
    "experience": "Experience",
    "logistics": "Logistics",
}

STEPS = ("about", "background", "goals", "values", "logistics")
STEP_TITLES = {
    "about": "About you",
    "background": "Background",
    "goals": "Goals",
    "values": "Values",
    "logistics": "Logistics",
}
# A profile enters matching once these steps are saved: they hold its
# required answers (stage, languages, timezone, meeting format).
REQUIRED_STEPS = frozenset({"about", "logistics"})

# The visibility question sits above the consent box; the form links the phrase
# to it. A changed text gets a new version: consents record which one they gave.
CONSENT_TEXT_VERSION = "background-2026-12"
CONSENT_PURPOSE = (
    "Kindred stores these answers only to suggest mentors or mentees who share them. "
    "They are shown to nobody unless you choose so in “Who may see these answers” above; "
    "you can withdraw this consent at any time, which deletes the answers and updates "
    "your suggestions."
)
