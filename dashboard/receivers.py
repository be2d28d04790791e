from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from matching.signals import program_moved
from profiles.models import Profile, User

# Imported by each receiver as it runs: every process loads this module at start.


@receiver(post_delete, sender=Profile, dispatch_uid="dashboard.forget_deleted_profile")
def drop_figures_naming_them(sender, instance: Profile, **kwargs) -> None:
    from . import snapshots

    # Kept figures list people by name (waiting mentees, full and idle
    # mentors): someone who deleted their account must not stay in them, even
    # as figures shown while newer ones are worked out.
    snapshots.forget(instance.program_id)


@receiver(pre_delete, sender=User, dispatch_uid="dashboard.forget_departed_in_import_reports")
def forget_departed_in_import_reports(sender, instance: User, **kwargs) -> None:
    from . import imports

    imports.forget_person(instance.email)


@receiver(program_moved, dispatch_uid="dashboard.refresh_after_a_run")
def work_figures_out_after_a_run(sender, program_id: int, **kwargs) -> None:
    from . import snapshots

    snapshots.refresh_on_commit(program_id)
