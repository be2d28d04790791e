"""Seed the starting vocabulary (goals, values, background, languages, industries;
admins edit it in the Django admin) and the default program. The data is written out
here rather than imported, so this migration means the same thing forever."""

from django.db import migrations
from django.utils.text import slugify

GOALS = [
    "Cultural identity",
    "Confidence and self-esteem",
    "Networking",
    "Career advancement",
    "Finding role models",
    "Overcoming imposter syndrome",
    "Resilience after setbacks",
    "Advocacy and sponsorship",
    "Sense of belonging",
    "Aligning work with values",
    "Personal growth",
    "Navigating conflict and differing views",
    "Emotional support",
    "Cultural competence",
    "Leadership",
    "Navigating bias and discrimination",
    "Language and communication",
]

VALUES = [
    "Community",
    "Family",
    "Equity and inclusion",
    "Civic engagement",
    "Integrity",
    "Work–life balance",
    "Achievement",
    "Faith and spirituality",
    "Curiosity",
    "Open dialogue across differences",
    "Service",
    "Sustainability",
]

HERITAGE = [
    "East Asian",
    "Chinese",
    "Korean",
    "Japanese",
    "Taiwanese",
    "South Asian",
    "Indian",
    "Pakistani",
    "Bangladeshi",
    "Sri Lankan",
    "Southeast Asian",
    "Filipino",
    "Vietnamese",
    "Thai",
    "Indonesian",
    "Malaysian",
    "Middle Eastern or North African",
    "Black or African",
    "Caribbean",
    "Hispanic or Latino",
    "Indigenous",
    "Pacific Islander",
    "White or European",
    "Mixed heritage",
]

# (facet, names): the identity questions of the background step.
IDENTITY = [
    ("generation", ["First-generation immigrant", "Second-generation immigrant", "Third generation or more"]),
    ("first_gen", ["First-generation college graduate", "First-generation professional"]),
    (
        "socioeconomic",
        ["Lower income growing up", "Middle income growing up", "Upper-middle income growing up", "Upper income growing up"],
    ),
    ("outlook", ["Progressive", "Liberal", "Moderate liberal", "Moderate", "Conservative"]),
    (
        "faith",
        ["Buddhist", "Christian", "Hindu", "Jewish", "Muslim", "Sikh", "Spiritual but not religious", "Agnostic or atheist"],
    ),
    ("lgbtq", ["LGBTQ+"]),
]

LANGUAGES = [
    "English",
    "Spanish",
    "Mandarin",
    "Cantonese",
    "Korean",
    "Japanese",
    "Hindi",
    "Urdu",
    "Bengali",
    "Punjabi",
    "Tamil",
    "Telugu",
    "Gujarati",
    "Tagalog",
    "Vietnamese",
    "Thai",
    "Indonesian",
    "Malay",
    "Arabic",
    "Persian",
    "French",
    "Portuguese",
    "German",
    "Italian",
    "Russian",
    "Swahili",
    "Yoruba",
    "Haitian Creole",
]

INDUSTRIES = [
    "Technology",
    "Finance and banking",
    "Healthcare",
    "Education",
    "Government and public sector",
    "Nonprofit",
    "Law",
    "Consulting",
    "Manufacturing",
    "Retail and consumer goods",
    "Media and entertainment",
    "Energy",
    "Research and academia",
    "Arts and design",
]


def rows():
    def entries(kind, facet, names):
        for order, name in enumerate(names):
            yield {"kind": kind, "facet": facet, "slug": slugify(name), "name": name, "sort_order": order}

    yield from entries("goal", "", GOALS)
    yield from entries("value", "", VALUES)
    yield from entries("heritage", "heritage", HERITAGE)
    for facet, names in IDENTITY:
        yield from entries("identity", facet, names)
    yield from entries("language", "language", LANGUAGES)
    yield from entries("industry", "", INDUSTRIES)


def seed(apps, schema_editor):
    Tag = apps.get_model("profiles", "Tag")
    Program = apps.get_model("profiles", "Program")
    for row in rows():
        Tag.objects.update_or_create(kind=row["kind"], slug=row["slug"], defaults=row)
    Program.objects.get_or_create(
        slug="default",
        defaults={
            "name": "Kindred mentoring program",
            "description": "The program a fresh install starts with. Rename it in the admin.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("profiles", "Tag").objects.all().delete()
    apps.get_model("profiles", "Program").objects.filter(slug="default", profiles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
