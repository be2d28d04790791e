"""A person's own data: everything stored about them, and deleting it."""

from __future__ import annotations

import json
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from matching.models import Suggestion
from mentorships.models import CheckIn, Mentorship
from profiles.models import Profile, SentEmail, User
from profiles.taxonomy import COMPONENTS

from .models import DataExport

KEEP_EXPORTS = timedelta(days=7)


def _profile(p: Profile) -> dict:
    def tags(rel: str) -> list[str]:
        return [t.name for t in getattr(p, rel).all()]

    mine = Mentorship.objects.filter(Q(mentee=p) | Q(mentor=p)).select_related("mentee", "mentor")
    return {
        "program": p.program.name,
        "role": p.role,
        "created": p.created_at,
        "answers": {
            "display_name": p.display_name,
            "headline": p.headline,
            "bio": p.bio,
            "career_stage": p.get_career_stage_display(),
            "years_experience": p.years_experience,
            "industry": p.industry.name if p.industry else None,
            "timezone": p.timezone,
            "meeting_format": p.meeting_format,
            "city": p.city,
            "contact_details": p.contact_details,
            "languages": tags("languages"),
            "goals": tags("goals"),
            "values": tags("values"),
            "capacity": p.capacity if p.is_mentor else None,
            "paused": p.is_paused if p.is_mentor else None,
            "importance": {c: getattr(p, f"importance_{c}") for c in COMPONENTS},
            "must_share": p.must_share,
        },
        "background": {
            "answers": tags("background"),
            "in_your_own_words": p.heritage_note,
            "visible_to": p.get_background_visibility_display(),
            "consents": [
                {
                    "category": c.get_category_display(),
                    "text_version": c.text_version,
                    "purpose": c.purpose,
                    "given": c.given_at,
                    "withdrawn": c.withdrawn_at,
                }
                for c in p.consents.all()
            ],
        },
        "suggestions": [
            {
                "mentor": s.mentor.name,
                "score": s.score,
                "rank": s.rank,
                "status": s.status,
                "reasons": s.reasons,
            }
            for s in Suggestion.objects.filter(mentee=p).select_related("mentor")
        ],
        "mentorships": [
            {
                "as": m.side_of(p),
                "with": (m.other_side(p).name if m.other_side(p) else "a member who has left"),
                "status": m.status,
                "source": m.source,
                "message": m.message,
                "requested": m.requested_at,
                "started": m.started_at,
                "ended": m.ended_at,
                "decline_reason": m.decline_reason,
                "decline_note": m.decline_note,
                "end_reason": m.end_reason,
                "end_note": m.end_note,
            }
            for m in mine
        ],
        "check_ins_you_wrote": [
            {"rating": c.rating, "note": c.note, "at": c.created_at}
            for c in CheckIn.objects.filter(author=p)
        ],
    }


def data_of(user: User) -> dict:
    return {
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": list(
                EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
            ),
        },
        "profiles": [_profile(p) for p in user.profiles.select_related("program", "industry")],
        "emails_sent_to_you": list(SentEmail.objects.filter(to=user).values("key", "sent_at")),
    }


@transaction.atomic
def request_export(*, user: User) -> DataExport:
    from .tasks import prepare_export

    export = DataExport.objects.create(user=user)
    prepare_export.delay_on_commit(export.pk)
    return export


def prepare(*, export_id: int) -> None:
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status == DataExport.Status.READY:
        return
    content = json.dumps(data_of(export.user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    DataExport.objects.filter(pk=export_id).update(
        status=DataExport.Status.READY, content=content, ready_at=timezone.now()
    )


def forget_old_exports() -> int:
    return DataExport.objects.filter(created_at__lt=timezone.now() - KEEP_EXPORTS).delete()[0]


def deletion_preview(user: User) -> dict:
    """What deleting the account would close, for the page that asks first."""
    open_ = list(
        Mentorship.objects.of_user(user).open().select_related("mentee__user", "mentor__user")
    )
    paired = [m for m in open_ if m.is_paired]
    return {
        "profiles": list(user.profiles.select_related("program")),
        "partners": [m.other_side(m.profile_of(user)) for m in paired],
        "waiting": len(open_) - len(paired),
    }


def delete_account(*, user: User) -> None:
    """Profiles gone (their suggestions and answers with them), mentorships
    kept anonymised for the program's figures, every session ended."""
    with transaction.atomic():
        # Their open requests and mentorships close as the profiles go
        # (mentorships.receivers.depart, whatever deletes them).
        for session in UserSession.objects.purge_and_list(user):
            session.end()
        user.delete()
