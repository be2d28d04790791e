from matching.models import Suggestion


def listed(mentee) -> list[int]:
    """Mentor ids in a mentee's current list, best first."""
    return list(Suggestion.objects.for_mentee(mentee).listed().values_list("mentor_id", flat=True))


def rows(program) -> list[tuple]:
    """Every suggestion row of a program, as comparable tuples."""
    return list(
        Suggestion.objects.filter(program=program)
        .order_by("mentee_id", "mentor_id")
        .values_list("mentee_id", "mentor_id", "score", "rank", "sort_key", "components", "reasons")
    )
