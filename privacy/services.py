"""A person's own data: everything stored about them, and deleting it."""

from __future__ import annotations

import json
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext

from matching.models import Suggestion
from mentorships.models import (
    ActionItem,
    Agreement,
    CheckIn,
    Continuation,
    Meeting,
    Mentorship,
    Message,
    Note,
)
from mentorships.outcome_models import CloseOut, FollowUp, SponsorshipAction
from profiles.models import Profile, SentEmail, User
from profiles.taxonomy import COMPONENTS

from .models import DataExport

KEEP_EXPORTS = timedelta(days=7)


def _profile(p: Profile) -> dict:
    def tags(rel: str) -> list[str]:
        return [t.name for t in getattr(p, rel).all()]

    mine = Mentorship.objects.filter(Q(mentee=p) | Q(mentor=p)).select_related(
        "mentee", "mentor", "cycle"
    )
    return {
        "program": p.program.name,
        "role": p.role,
        "created": p.created_at,
        "cycles_taken_part_in": [
            {"cycle": e.cycle.name, "since": e.enrolled_at, "carried_over": e.carried_over}
            for e in p.enrolments.select_related("cycle").order_by("enrolled_at")
        ],
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
                "reasons": s.worded_reasons,
            }
            for s in Suggestion.objects.filter(mentee=p).select_related("mentor")
        ],
        "mentorships": [
            {
                "as": m.side_of(p),
                "with": (m.other_side(p).name if m.other_side(p) else "a member who has left"),
                "status": m.status,
                "source": m.source,
                "cycle": m.cycle.name if m.cycle else None,
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
        "same_again_in_a_new_cycle": _continuations(p),
        "meetings": _meetings(p, mine),
        "workspaces": _workspaces(p, mine),
        "agreements": _agreements(p, mine),
        **_outcomes(p, mine),
    }


def _outcomes(p: Profile, mine) -> dict:
    """What came of their mentorships, as theirs: their own close-out surveys and
    follow-ups (never the other side's answers, nor the scores the matcher kept),
    and the sponsorship recorded in each, with whether the mentee confirmed it."""

    def other(m: Mentorship) -> str:
        them = m.other_side(p)
        return them.name if them else "a member who has left"

    close_outs = CloseOut.objects.filter(respondent=p).select_related(
        "mentorship__mentee", "mentorship__mentor"
    )
    follow_ups = FollowUp.objects.filter(profile=p).select_related(
        "mentorship__mentee", "mentorship__mentor"
    )
    sponsorships = SponsorshipAction.objects.filter(mentorship__in=mine).select_related(
        "mentorship__mentee", "mentorship__mentor"
    )
    return {
        "close_out_surveys_you_answered": [
            {
                "with": other(c.mentorship),
                "as": c.side,
                "asked": c.asked_at,
                "answered": c.answered_at,
                "rating": c.rating,
                "what_helped_most": c.helped_most,
                "would_recommend": c.get_recommend_display() if c.recommend else None,
                "testimonial": c.testimonial,
                "testimonial_shared": c.testimonial_shared,
                "goals": [
                    {
                        "goal": g.goal.name,
                        "start_rating": g.start_rating,
                        "end_rating": g.end_rating,
                    }
                    for g in c.goals.all()
                ],
            }
            for c in close_outs.prefetch_related("goals__goal")
        ],
        "follow_ups": [
            {
                "with": other(f.mentorship),
                "months_after": f.months,
                "due": f.due_on,
                "sent": f.sent_at,
                "answered": f.answered_at,
                "new_role": f.new_role,
                "expect_to_stay": f.get_stay_display() if f.stay else None,
                "belonging": {k.removeprefix("belong_"): getattr(f, k) for k in FollowUp.BELONGING},
                "sponsored": f.sponsored,
            }
            for f in follow_ups
        ],
        "sponsorship": [
            {
                "as": s.mentorship.side_of(p),
                "with": other(s.mentorship),
                "what": s.get_kind_display(),
                "on": s.happened_on,
                "note": s.note,
                "recorded_by": "you" if s.recorded_by_id == p.pk else "mentor",
                "recorded": s.recorded_at,
                "confirmed_by_the_mentee": s.confirmed_at,
            }
            for s in sponsorships
        ],
    }


def _continuations(p: Profile) -> list[dict]:
    """Each "same mentee again" this person asked for or was asked, and the answer."""
    asked = Continuation.objects.filter(Q(mentor=p) | Q(mentee=p)).select_related(
        "cycle", "mentor", "mentee"
    )
    return [
        {
            "cycle": c.cycle.name,
            "as": "mentor" if c.mentor_id == p.pk else "mentee",
            "with": (c.mentee if c.mentor_id == p.pk else c.mentor).name,
            "asked": c.asked_at,
            "mentee_agrees": c.mentee_agrees,
            "answered": c.answered_at,
        }
        for c in asked.order_by("asked_at")
    ]


def _agreements(p: Profile, mine) -> list[dict]:
    """Each agreement of the person's mentorships as they can read it: every version
    proposed (and a draft of their own), with the mentor's answers, and the progress
    on the goals agreed."""
    out = []
    for a in Agreement.objects.filter(mentorship__in=mine).prefetch_related(
        "versions__goals__goal", "progress__goal", "progress__updates"
    ):
        m = next(m for m in mine if m.pk == a.mentorship_id)
        versions = [v for v in a.versions.all() if not v.is_draft or v.written_by_id == p.pk]
        if not versions:
            continue
        other = m.other_side(p)
        out.append(
            {
                "with": other.name if other else "a member who has left",
                "versions": [
                    {
                        "number": v.number,
                        "goals": [
                            {
                                "goal": g.goal.name,
                                "what_success_looks_like": g.success,
                                "rating_when_written": g.starting_rating,
                            }
                            for g in v.goals.all()
                        ],
                        "meet_every_weeks": v.cadence_weeks,
                        "for_months": v.duration_months,
                        "what_stays_between_you": v.confidentiality,
                        "proposed": v.proposed_at,
                        "answer": v.get_answer_display() if v.answer else None,
                        "answered": v.answered_at,
                        "suggested_changes": v.suggestion,
                    }
                    for v in versions
                ],
                "progress": [
                    {
                        "goal": g.goal.name,
                        "start_rating": g.start_rating,
                        "rating": g.rating,
                        "done": g.done_at,
                        "updates": [
                            {"what": u.get_kind_display(), "rating": u.rating, "at": u.at}
                            for u in g.updates.all()
                        ],
                    }
                    for g in a.progress.all()
                ],
            }
        )
    return out


def _workspaces(p: Profile, mine) -> list[dict]:
    """What the person can read in each mentorship's workspace: their own private
    notes and every shared one, the action items and the messages."""

    def by(author_id: int | None, author: Profile | None) -> str:
        if author_id == p.pk:
            return "you"
        return author.name if author else "a former member"

    out = []
    for m in mine.prefetch_related(
        Prefetch(
            "notes",
            Note.objects.visible_to(p).select_related("author", "meeting").order_by("pk"),
        ),
        Prefetch("action_items", ActionItem.objects.select_related("created_by")),
        Prefetch("messages", Message.objects.select_related("author")),
    ):
        notes, items, thread = m.notes.all(), m.action_items.all(), m.messages.all()
        if not (notes or items or thread):
            continue
        other = m.other_side(p)
        out.append(
            {
                "with": other.name if other else "a member who has left",
                "notes": [
                    {
                        "by": by(n.author_id, n.author),
                        "shared": n.shared,
                        "about_the_meeting_of": n.meeting.starts_at if n.meeting else None,
                        "text": n.body,
                        "written": n.created_at,
                        "edited": n.updated_at,
                    }
                    for n in notes
                ],
                "action_items": [
                    {
                        "text": i.text,
                        "owner": "you" if i.owner == m.side_of(p) else i.owner,
                        "due": i.due,
                        "done": i.done_at,
                        "added_by": by(i.created_by_id, i.created_by),
                    }
                    for i in items
                ],
                "messages": [
                    {"by": by(msg.author_id, msg.author), "text": msg.body, "at": msg.created_at}
                    for msg in thread
                ],
            }
        )
    return out


def _meetings(p: Profile, mine) -> list[dict]:
    """The meetings of their mentorships, with the session log: when, where, what
    about, and whether it was held (how long, which goals) or missed."""

    def who(profile_id: int | None, m: Mentorship) -> str | None:
        if profile_id is None:
            return None
        if profile_id == p.pk:
            return "you"
        return "mentee" if profile_id == m.mentee_id else "mentor"

    found = (
        Meeting.objects.filter(mentorship__in=mine)
        .select_related("mentorship")
        .prefetch_related("agenda", "discussed", "options")
        .order_by("created_at", "pk")
    )
    return [
        {
            "with": (
                x.mentorship.other_side(p).name
                if x.mentorship.other_side(p)
                else "a member who has left"
            ),
            "status": x.status,
            "proposed_by": who(x.proposed_by_id, x.mentorship),
            "times_on_offer": [o.starts_at for o in x.options.all()],
            "starts": x.starts_at,
            "minutes": x.minutes,
            "place": x.place,
            "video_link": x.video_url,
            "agenda": [t.name for t in x.agenda.all()],
            "agenda_note": x.agenda_note,
            "cancelled": x.cancelled_at,
            "logged_by": who(x.logged_by_id, x.mentorship),
            "held_minutes": x.held_minutes,
            "talked_about": [t.name for t in x.discussed.all()],
        }
        for x in found
    ]


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
        "program_roles": [
            {
                "program": r.program.name,
                "role": r.get_role_display(),
                "may_read_background": r.may_read_background,
                "since": r.granted_at,
            }
            for r in user.program_roles.select_related("program")
        ],
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
    profiles = list(user.profiles.select_related("program"))
    return {
        "profiles": profiles,
        "profiles_sentence": _profiles_deleted(profiles),
        "partners": [m.other_side(m.profile_of(user)) for m in paired],
        "waiting": len(open_) - len(paired),
    }


def _profiles_deleted(profiles: list[Profile]) -> str:
    """The delete page's sentence naming each profile that goes, "" without one."""
    if not profiles:
        return ""
    # Translators: a list's separator, as in "mentor in A, mentee in B".
    names = gettext(", ").join(
        gettext("%(role)s in %(program)s")
        % {"role": p.get_role_display().lower(), "program": p.program.name}
        for p in profiles
    )
    return ngettext(
        "Your profile (%(profiles)s), background answers and suggestions are deleted.",
        "Your profiles (%(profiles)s), background answers and suggestions are deleted.",
        len(profiles),
    ) % {"profiles": names}


def consent_links(profiles: list[Profile]) -> str:
    """Links to each profile's background step, for the privacy page's sentence."""

    def words(p: Profile) -> str:
        role = p.get_role_display().lower()
        if len(profiles) > 1:
            return gettext("your %(role)s answers in %(program)s") % {
                "role": role,
                "program": p.program.name,
            }
        return gettext("your %(role)s answers") % {"role": role}

    return format_html_join(
        # Translators: a list's separator, as in "mentor in A, mentee in B".
        gettext(", "),
        '<a href="{}">{}</a>',
        ((reverse("profiles:edit", args=[p.pk, "background"]), words(p)) for p in profiles),
    )


def delete_account(*, user: User) -> None:
    """Profiles gone (their suggestions and answers with them), mentorships
    kept anonymised for the program's figures, every session ended."""
    with transaction.atomic():
        # Their open requests and mentorships close as the profiles go
        # (mentorships.receivers.depart, whatever deletes them).
        for session in UserSession.objects.purge_and_list(user):
            session.end()
        user.delete()
