from celery.signals import worker_ready
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string

from mentorships.models import Mentorship
from mentorships.signals import mentorship_changed, mentorship_page
from profiles.models import Profile, Program, Tag
from profiles.signals import consent_withdrawn, demo_seeded, profile_changed

# The scoring modules (numpy and the rest) are imported by each receiver when it
# runs, not here: every process loads this module at start, and most (a web
# request, a management command) never score (docs/performance.md, start-up).


@receiver(profile_changed, dispatch_uid="matching.rescore_changed_profile")
def rescore_changed_profile(sender, profile_id: int, program_id: int, **kwargs) -> None:
    from . import suggestions

    suggestions.queue_refresh(profile_id)


@receiver(mentorship_changed, dispatch_uid="matching.follow_the_mentorship")
def follow_the_mentorship(sender, mentorship, event, refresh: bool = True, **kwargs) -> None:
    from . import suggestions

    suggestions.follow(mentorship, event, refresh=refresh)


@receiver(mentorship_page, dispatch_uid="matching.explain_the_pair")
def explain_the_pair(sender, mentorship, viewer: Profile, **kwargs) -> str | None:
    from . import suggestions

    explanation = suggestions.explain_pair(
        mentee=mentorship.mentee, mentor=mentorship.mentor, viewer=viewer
    )
    if explanation is None:
        return None
    return render_to_string("matching/_pair_explanation.html", {"explanation": explanation})


@receiver(consent_withdrawn, dispatch_uid="matching.forget_kept_background_overlap")
def forget_kept_background_overlap(sender, profile_id: int, **kwargs) -> None:
    # Each mentorship keeps the components the matcher knew (outcomes are related
    # to them): the background one was worked out from the answers just withdrawn,
    # and says how far they matched the other side's. It goes, in the withdrawal's
    # transaction; learning reads None as not counted.
    kept = Mentorship.objects.filter(
        Q(mentee_id=profile_id) | Q(mentor_id=profile_id), match_components__isnull=False
    ).only("pk", "match_components")
    changed = [m for m in kept if m.match_components.get("background") is not None]
    for m in changed:
        m.match_components["background"] = None
    Mentorship.objects.bulk_update(changed, ["match_components"])


@receiver(demo_seeded, dispatch_uid="matching.demo_outcomes")
def demo_outcomes(sender, program: Program, people, cycles, seed: int, **kwargs) -> str | None:
    from . import demo

    return demo.outcomes(program=program, people=people, cycles=cycles, seed=seed)


@receiver(post_delete, sender=Profile, dispatch_uid="matching.forget_deleted_profile")
def forget_deleted_profile(sender, instance: Profile, **kwargs) -> None:
    from . import features

    # At once, not on commit: the refreshes that the same transaction queued
    # must find the cache already stale, or they would write for a profile
    # that no longer exists. A rolled-back delete costs one needless reload.
    # Once more on commit: a process that read the program in between (the
    # profile still there) may have kept a copy under the new generation.
    features.invalidate(instance.program_id)
    transaction.on_commit(lambda: features.invalidate(instance.program_id))


@receiver(post_save, sender=Tag, dispatch_uid="matching.tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="matching.tag_deleted")
def reload_vocabulary(sender, **kwargs) -> None:
    from . import features

    def invalidate_all():
        for program_id in Program.objects.values_list("id", flat=True):
            features.invalidate(program_id)

    transaction.on_commit(invalidate_all)


@worker_ready.connect(dispatch_uid="matching.resume_runs")
def resume_runs(sender=None, **kwargs) -> None:
    """A worker starting may be the one replacing a killed worker: resume its chunks."""
    from . import rescoring

    rescoring.requeue_stalled(older_than=rescoring.RESUME_AFTER_SECONDS)
