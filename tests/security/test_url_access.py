"""Every URL pattern, walked as each kind of visitor: deny by default.

The table below names what each visitor gets from each URL. A URL added to
the project without a row here fails test_every_url_is_in_the_table.
"""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dashboard.models import ImportJob
from matching import suggestions
from matching.models import AssignmentPair, MatchingRun, Suggestion, WeightProposal
from mentorships.models import (
    ActionItem,
    Continuation,
    Meeting,
    Mentorship,
    Message,
    MessageReport,
    Note,
)
from mentorships.outcome_models import CloseOut, FollowUp, SponsorshipAction
from privacy.models import DataExport
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, UserFactory, program_admin

pytestmark = pytest.mark.django_db

# "admin" runs the program (a program admin); "staff" is a staff member with no role,
# who may open nothing of the admin area (tests/security/test_program_access.py
# walks the admin URLs for every role across two programs).
ROLES = ["anonymous", "mentee", "other_mentee", "mentor", "other_mentor", "staff", "admin"]
LOGIN = "login"  # a redirect to the log-in page
PAIR = ("mentee", "mentor")  # the two sides of the world's mentorship


def ok(
    *allowed: str, others: int | str = 404, anonymous: int | str = LOGIN, code: int = 200
) -> dict:
    """Expected answers: ``code`` for the allowed roles, ``others`` for everyone else."""
    table = dict.fromkeys(ROLES, others)
    table["anonymous"] = anonymous
    table.update(dict.fromkeys(allowed, code))
    return table


PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = ok(*ROLES[1:])
# The admin area: 404 for anyone signed in without a role in the program.
ADMIN = ok("admin")
ADMIN_POST = ok("admin", code=302)
SIGNED_OUT_ONLY = {
    **dict.fromkeys(ROLES, 302),
    "anonymous": 200,
}  # a signed-in visitor is sent home

TOKEN_ONLY = dict.fromkeys(ROLES, 401)

MEETING = {"meeting_id": "@meeting"}
SPONSORSHIP = {"action_id": "@sponsorship"}

# name → (method, url kwargs ("@x" is the world's x), expected answer per role)
TABLE = {
    "profiles:landing": ("get", {}, PUBLIC),
    "profiles:accessibility": ("get", {}, PUBLIC),
    # The language chooser: anyone, signed in or not, and back to the page (a redirect).
    "profiles:language": ("post", {}, dict.fromkeys(ROLES, 302)),
    "privacy:privacy": ("get", {}, PUBLIC),
    "api:schema": ("get", {}, PUBLIC),
    "api:docs": ("get", {}, PUBLIC),
    # SCIM answers an organisation's bearer token only: a session opens nothing.
    "scim:service_provider_config": ("get", {}, TOKEN_ONLY),
    "scim:resource_types": ("get", {}, TOKEN_ONLY),
    "scim:resource_type": ("get", {"name": "User"}, TOKEN_ONLY),
    "scim:schemas": ("get", {}, TOKEN_ONLY),
    "scim:schema": ("get", {"name": "urn:ietf:params:scim:schemas:core:2.0:User"}, TOKEN_ONLY),
    "scim:users": ("get", {}, TOKEN_ONLY),
    "scim:user": ("get", {"scim_id": "2819c223-7f76-453a-919d-413861904646"}, TOKEN_ONLY),
    "scim:not_found": ("get", {"rest": "Groups"}, TOKEN_ONLY),
    "account_login": ("get", {}, SIGNED_OUT_ONLY),
    # The same address: Kindred's email-first sign-in in front of allauth's (sso/views.py).
    "sso:login": ("get", {}, SIGNED_OUT_ONLY),
    # Single sign-on's addresses for a connection that does not exist.
    "openid_connect_login": ("get", {"provider_id": "nobody"}, dict.fromkeys(ROLES, 404)),
    "openid_connect_callback": ("get", {"provider_id": "nobody"}, dict.fromkeys(ROLES, 404)),
    "saml_login": ("get", {"organization_slug": "nobody"}, dict.fromkeys(ROLES, 404)),
    # allauth keeps the posted answer and moves on to …/acs/finish/, which 404s.
    "saml_acs": ("post", {"organization_slug": "nobody"}, dict.fromkeys(ROLES, 302)),
    "saml_finish_acs": ("get", {"organization_slug": "nobody"}, dict.fromkeys(ROLES, 404)),
    "saml_metadata": ("get", {"organization_slug": "nobody"}, dict.fromkeys(ROLES, 404)),
    "saml_sls": ("get", {"organization_slug": "nobody"}, dict.fromkeys(ROLES, 404)),
    "socialaccount_connections": ("get", {}, SIGNED_IN),
    "socialaccount_login_cancelled": ("get", {}, PUBLIC),
    "socialaccount_login_error": ("get", {}, ok(*ROLES[1:], code=401)),
    "socialaccount_signup": ("get", {}, dict.fromkeys(ROLES, 302)),
    "account_signup": ("get", {}, SIGNED_OUT_ONLY),
    "account_reset_password": ("get", {}, PUBLIC),
    "account_reset_password_done": ("get", {}, PUBLIC),
    "account_reset_password_from_key": ("get", {"uidb36": "zz", "key": "bad-key"}, PUBLIC),
    "account_reset_password_from_key_done": ("get", {}, PUBLIC),
    "account_email_verification_sent": ("get", {}, PUBLIC),
    "account_confirm_email": ("get", {"key": "not-a-key"}, PUBLIC),
    "account_inactive": ("get", {}, PUBLIC),
    "account_confirm_login_code": ("get", {}, {**dict.fromkeys(ROLES, 302)}),
    "account_request_login_code": ("get", {}, SIGNED_OUT_ONLY),
    "account_logout": ("get", {}, {**dict.fromkeys(ROLES, 200), "anonymous": 302}),
    "account_reauthenticate": ("get", {}, SIGNED_IN),
    "account_email": ("get", {}, SIGNED_IN),
    "account_change_password": ("get", {}, SIGNED_IN),
    "account_set_password": ("get", {}, {**dict.fromkeys(ROLES, 302)}),
    "usersessions_list": ("get", {}, SIGNED_IN),
    # Everyone signed in is sent on: participants to their profile, an admin to the
    # programs; a staff member with neither is asked to join (being staff opens nothing).
    "matching:home": ("get", {}, ok(*ROLES[1:], code=302) | {"staff": 200}),
    # A link asks first (a GET joins only in the role chosen at sign-up); signed out, sign up.
    "profiles:join": ("get", {"role": "mentee"}, {**ok(*ROLES[1:]), "anonymous": 302}),
    "profiles:profile": ("get", {"pk": "@mentee"}, ok("mentee")),
    "profiles:edit": ("get", {"pk": "@mentee", "step": "about"}, ok("mentee")),
    # Without confirm=yes, the page that asks first.
    "profiles:withdraw_consent": ("post", {"pk": "@mentee"}, ok("mentee")),
    "matching:profile_home": ("get", {"pk": "@mentee"}, ok("mentee")),
    # Taking part again: the person's own page, and one click (the world's cycle is open).
    "profiles:take_part": ("get", {"pk": "@mentee", "cycle_id": "@cycle"}, ok("mentee")),
    "profiles:take_part_confirm": (
        "post",
        {"pk": "@mentee", "cycle_id": "@cycle"},
        ok("mentee", code=302),
    ),
    # Same mentee again: with nobody ticked, and with no answer, each is told why on the page.
    "mentorships:continuation_ask": (
        "post",
        {"pk": "@mentor", "cycle_id": "@cycle"},
        ok("mentor", code=302),
    ),
    "mentorships:continuation_answer": (
        "post",
        {"continuation_id": "@continuation"},
        ok("mentee", code=302),
    ),
    # A follow-up 6 or 12 months after a mentorship closed: its mentee's own page.
    "mentorships:follow_up": ("get", {"follow_up_id": "@follow_up"}, ok("mentee")),
    "matching:suggestions": ("get", {"pk": "@mentee"}, ok("mentee")),
    "matching:dismiss": (
        "post",
        {"pk": "@mentee", "suggestion_id": "@suggestion"},
        ok("mentee", code=302),
    ),
    "matching:request": (
        "post",
        {"pk": "@mentee", "suggestion_id": "@suggestion"},
        ok("mentee", code=302),
    ),
    "matching:withdraw": (
        "post",
        {"pk": "@mentee", "mentorship_id": "@request"},
        ok("mentee", code=302),
    ),
    "matching:accept": (
        "post",
        {"pk": "@mentor", "mentorship_id": "@request"},
        ok("mentor", code=302),
    ),
    "matching:decline": (
        "post",
        {"pk": "@mentor", "mentorship_id": "@request"},
        ok("mentor", code=302),
    ),
    "matching:availability": ("post", {"pk": "@mentor"}, ok("mentor", code=302)),
    "mentorships:detail": ("get", {"mentorship_id": "@request"}, ok("mentee", "mentor")),
    "mentorships:check_in": (
        "post",
        {"mentorship_id": "@request"},
        ok("mentee", "mentor", code=302),
    ),
    "mentorships:mark_met": (
        "post",
        {"mentorship_id": "@request"},
        ok("mentee", "mentor", code=302),
    ),
    # Without confirm=yes, the page that asks first, once the mentor has accepted
    # above; the mentee withdrew the request above, so there is nothing to end.
    "mentorships:end": (
        "post",
        {"mentorship_id": "@request"},
        {**ok("mentee", "mentor"), "mentee": 302},
    ),
    "mentorships:turn_down": (
        "post",
        {"mentorship_id": "@request"},
        ok("mentee", "mentor", code=302),
    ),
    # Keep going after the term, and taking it back: the world's mentorship was never asked
    # to close, so the pair is told there is nothing to choose (tests/mentorships/test_terms.py).
    "mentorships:keep_going": (
        "post",
        {"mentorship_id": "@request"},
        ok("mentee", "mentor", code=302),
    ),
    "mentorships:take_back": (
        "post",
        {"mentorship_id": "@request"},
        ok("mentee", "mentor", code=302),
    ),
    # The workspace (the world's note and action item are the mentee's, its message the
    # mentor's): a write the rules refuse (the mentee withdrew the request) is told on the page.
    "mentorships:note_add": (
        "post",
        {"mentorship_id": "@request"},
        ok("mentee", "mentor", code=302),
    ),
    "mentorships:note_edit": (
        "get",
        {"mentorship_id": "@request", "note_id": "@note"},
        ok("mentee"),
    ),
    # Without confirm=yes, the page that asks first; only its author deletes a note.
    "mentorships:note_delete": (
        "post",
        {"mentorship_id": "@request", "note_id": "@note"},
        ok("mentee"),
    ),
    "mentorships:action_item_add": (
        "post",
        {"mentorship_id": "@request"},
        ok("mentee", "mentor", code=302),
    ),
    "mentorships:action_item_done": (
        "post",
        {"mentorship_id": "@request", "item_id": "@item"},
        ok("mentee", "mentor", code=302),
    ),
    "mentorships:action_item_remove": (
        "post",
        {"mentorship_id": "@request", "item_id": "@item"},
        ok("mentee", "mentor", code=302),
    ),
    "mentorships:messages": ("get", {"mentorship_id": "@request"}, ok("mentee", "mentor")),
    "mentorships:message_send": (
        "post",
        {"mentorship_id": "@request"},
        ok("mentee", "mentor", code=302),
    ),
    "mentorships:messages_poll": (
        "get",
        {"mentorship_id": "@request", "after": "0"},
        ok("mentee", "mentor"),
    ),
    # Only the other side's messages can be reported.
    "mentorships:message_report": (
        "get",
        {"mentorship_id": "@request", "message_id": "@message"},
        ok("mentee"),
    ),
    # The agreement: its page is the pair's; the form and every step send a refusal back
    # to the mentorship page in words (the mentee withdrew the request above).
    "mentorships:agreement": ("get", {"mentorship_id": "@request"}, ok("mentee", "mentor")),
    # Without confirm=yes, the page that asks first.
    "mentorships:agreement_discard": (
        "post",
        {"mentorship_id": "@request"},
        ok("mentee", "mentor"),
    ),
    **{
        name: (method, {"mentorship_id": "@request", **goal}, ok("mentee", "mentor", code=302))
        for name, method, goal in [
            ("mentorships:agreement_write", "get", {}),
            ("mentorships:agreement_confirm", "post", {}),
            ("mentorships:agreement_changes", "post", {}),
            ("mentorships:agreement_rate", "post", {"goal": "networking"}),
            ("mentorships:agreement_done", "post", {"goal": "networking"}),
        ]
    },
    # Meetings: the world's request has a confirmed meeting, made for the walk. The
    # mentor accepted the request in the rows above; the mentee withdrew it, which
    # cancelled the meeting: no times, no cancelling, no invite.
    **{
        f"mentorships:{name}": (method, spec, expected)
        for name, method, spec, expected in [
            ("meeting_new", "get", {}, ok("mentee", "mentor") | {"mentee": 302}),
            ("meeting_times", "get", MEETING, ok("mentee", "mentor") | {"mentee": 404}),
            ("meeting_pick", "post", MEETING, ok("mentee", "mentor", code=302)),
            # Without confirm=yes, the page that asks first.
            ("meeting_cancel", "post", MEETING, ok("mentee", "mentor") | {"mentee": 302}),
            ("meeting_log", "post", MEETING, ok("mentee", "mentor", code=302)),
            ("meeting_invite", "get", MEETING, ok("mentee", "mentor") | {"mentee": 404}),
        ]
        for spec in [{"mentorship_id": "@request", **spec}]
    },
    # The sponsorship ledger: the pair's page; the mentor changes an entry (without
    # confirm=yes, deleting asks first), the mentee confirms it or takes it back.
    "mentorships:sponsorship": ("get", {"mentorship_id": "@request"}, ok("mentee", "mentor")),
    **{
        f"mentorships:{name}": (method, {"mentorship_id": "@request", **SPONSORSHIP}, expected)
        for name, method, expected in [
            ("sponsorship_edit", "get", ok("mentor")),
            ("sponsorship_delete", "post", ok("mentor")),
            ("sponsorship_confirm", "post", ok("mentee", code=302)),
            ("sponsorship_unconfirm", "post", ok("mentee", code=302)),
        ]
    },
    # The close-out survey: each side's own, of the world's mentorship that completed
    # (its mentee was asked); sharing a testimonial before answering is refused in words.
    "mentorships:close_out": ("get", {"mentorship_id": "@closed", "side": "mentee"}, ok("mentee")),
    "mentorships:close_out_share": (
        "post",
        {"mentorship_id": "@closed", "side": "mentee"},
        ok("mentee", code=302),
    ),
    "privacy:export": ("post", {}, ok(*ROLES[1:], code=302)),
    "privacy:download": ("get", {"export_id": "@export"}, ok("mentee")),
    "privacy:delete_account": ("get", {}, SIGNED_IN),
    "dashboard:programs": ("get", {}, ADMIN),
    "dashboard:digest": ("get", {}, ADMIN),
    "dashboard:program": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:fairness": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:settings": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:runs": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:run": ("get", {"slug": "@program", "run_id": "@run"}, ADMIN),
    "dashboard:run_progress": ("get", {"slug": "@program", "run_id": "@run"}, ADMIN),
    "dashboard:manual_match": ("get", {"slug": "@program", "mentee_id": "@mentee"}, ADMIN),
    "dashboard:people": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:person": ("get", {"slug": "@program", "profile_id": "@mentee"}, ADMIN),
    # Without confirm=yes, the page that asks first.
    "dashboard:person_pause": (
        "post",
        {"slug": "@program", "profile_id": "@mentor"},
        ok("admin"),
    ),
    # The mentee has chosen a password: nothing to send, back to their page.
    "dashboard:person_invite": ("post", {"slug": "@program", "profile_id": "@mentee"}, ADMIN_POST),
    "dashboard:match": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:match_find": ("get", {"slug": "@program", "side": "mentors"}, ADMIN),
    "dashboard:match_preview": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:import": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:csv_guide": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:csv_template": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:import_job": ("get", {"slug": "@program", "job_id": "@job"}, ADMIN),
    "dashboard:export": ("get", {"slug": "@program", "what": "matches"}, ADMIN),
    "dashboard:refresh_figures": ("post", {"slug": "@program", "page": "health"}, ADMIN_POST),
    "dashboard:figures_state": (
        "get",
        {"slug": "@program", "page": "fairness", "version": "9" * 20},
        ADMIN,
    ),
    # Without confirm=yes, the page that asks first.
    "dashboard:rescore": ("post", {"slug": "@program"}, ADMIN),
    "dashboard:assign": ("post", {"slug": "@program"}, ADMIN_POST),
    "dashboard:commit": ("post", {"slug": "@program", "run_id": "@run"}, ADMIN_POST),
    "dashboard:discard": ("post", {"slug": "@program", "run_id": "@run"}, ADMIN_POST),
    "dashboard:remove_pair": (
        "post",
        {"slug": "@program", "run_id": "@assign_run", "pair_id": "@pair"},
        ADMIN_POST,
    ),
    "dashboard:restore_pair": (
        "post",
        {"slug": "@program", "run_id": "@assign_run", "pair_id": "@pair"},
        ADMIN_POST,
    ),
    "dashboard:audit": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:cycles": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:cycle_new": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:cycle_edit": ("get", {"slug": "@program", "cycle_id": "@cycle"}, ADMIN),
    "dashboard:cycle_move": ("get", {"slug": "@program", "cycle_id": "@cycle"}, ADMIN),
    "dashboard:cycles_compared": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:outcomes": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:outcomes_csv": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:learned_weights": ("get", {"slug": "@program"}, ADMIN),
    # All cycles: queued once the transaction commits (never, in a test), back to the list.
    "dashboard:learn_weights": ("post", {"slug": "@program"}, ADMIN_POST),
    "dashboard:weight_proposal": ("get", {"slug": "@program", "proposal_id": "@proposal"}, ADMIN),
    # The world's proposal has no preview yet: refused in words, back to it.
    "dashboard:approve_weights": (
        "post",
        {"slug": "@program", "proposal_id": "@proposal"},
        ADMIN_POST,
    ),
    # Without confirm=yes, the page that asks first.
    "dashboard:discard_weights": (
        "post",
        {"slug": "@program", "proposal_id": "@proposal"},
        ADMIN,
    ),
    "dashboard:preview_weights": (
        "post",
        {"slug": "@program", "proposal_id": "@proposal"},
        ADMIN_POST,
    ),
    "dashboard:exports": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:roles": ("get", {"slug": "@program"}, ADMIN),
    # Without an email the form comes back with its error; nobody is invited.
    "dashboard:invite_role": ("post", {"slug": "@program"}, ADMIN),
    # Without a role chosen: back to the roles, told why.
    "dashboard:change_role": ("post", {"slug": "@program", "role_id": "@role"}, ADMIN_POST),
    # The program's only admin cannot step down: back to the roles, told why.
    "dashboard:remove_role": ("post", {"slug": "@program", "role_id": "@role"}, ADMIN_POST),
    "dashboard:mentorships": ("get", {"slug": "@program"}, ADMIN),
    "dashboard:mentorship": ("get", {"slug": "@program", "mentorship_id": "@request"}, ADMIN),
    # Not under way (the world's request): staff are sent back to its page, told why.
    "dashboard:end_mentorship": (
        "post",
        {"slug": "@program", "mentorship_id": "@request"},
        ADMIN_POST,
    ),
    # The world's request is not under way: the page says so, nothing to re-match.
    "dashboard:rematch": ("post", {"slug": "@program", "mentorship_id": "@request"}, ADMIN),
    "dashboard:rematch_next": ("get", {"slug": "@program", "mentorship_id": "@request"}, ADMIN),
    "dashboard:rematch_pool": (
        "post",
        {"slug": "@program", "mentorship_id": "@request"},
        ADMIN_POST,
    ),
    "dashboard:confirm_import": ("post", {"slug": "@program", "job_id": "@job"}, ADMIN_POST),
    "dashboard:discard_import": ("post", {"slug": "@program", "job_id": "@job"}, ADMIN_POST),
    "dashboard:reports": ("get", {"slug": "@program"}, ADMIN),
    # Without a note nothing is handled: back to the reports, told why.
    "dashboard:handle_report": (
        "post",
        {"slug": "@program", "report_id": "@report"},
        ADMIN_POST,
    ),
    "tokens:list": ("get", {}, SIGNED_IN),
    "tokens:revoke": ("post", {"token_id": "999999"}, ok(others=404)),
    # The JSON API (401 without credentials); tests/api/ holds its full matrix.
    **{
        name: ("get", spec, {**expected, "anonymous": 401})
        for name, spec, expected in [
            ("api:tag-list", {}, SIGNED_IN),
            ("api:profile-list", {}, SIGNED_IN),
            ("api:mentorship-list", {}, SIGNED_IN),
            ("api:profile-detail", {"pk": "@mentee"}, ok("mentee")),
            ("api:profile-suggestions", {"pk": "@mentee"}, ok("mentee")),
            ("api:suggestion-detail", {"pk": "@suggestion"}, ok("mentee")),
            ("api:mentorship-detail", {"pk": "@request"}, ok("mentee", "mentor")),
            ("api:mentorship-check-ins", {"pk": "@request"}, ok("mentee", "mentor")),
            ("api:meeting-list", {}, SIGNED_IN),
            ("api:meeting-detail", {"pk": "@meeting"}, ok("mentee", "mentor")),
            ("api:meeting-invite", {"pk": "@meeting"}, ok("mentee", "mentor")),
            ("api:agreement-detail", {"mentorship_id": "@request"}, ok("mentee", "mentor")),
            ("api:note-list", {}, SIGNED_IN),
            ("api:note-detail", {"pk": "@note"}, ok("mentee", "mentor")),
            ("api:action-item-list", {}, SIGNED_IN),
            ("api:action-item-detail", {"pk": "@item"}, ok("mentee", "mentor")),
            ("api:message-list", {}, SIGNED_IN),
            ("api:message-detail", {"pk": "@message"}, ok("mentee", "mentor")),
            ("api:sponsorship-list", {}, SIGNED_IN),
            ("api:sponsorship-detail", {"pk": "@sponsorship"}, ok("mentee", "mentor")),
            ("api:program-list", {}, ADMIN),
            ("api:program-detail", {"slug": "@program"}, ADMIN),
            ("api:program-cycles", {"slug": "@program"}, ADMIN),
            ("api:program-participants", {"slug": "@program"}, ADMIN),
            ("api:program-matches", {"slug": "@program"}, ADMIN),
            ("api:matches-csv", {"slug": "@program"}, ADMIN),
            ("api:program-runs", {"slug": "@program"}, ADMIN),
            ("api:run-detail", {"slug": "@program", "pk": "@run"}, ADMIN),
            ("api:run-pairs", {"slug": "@program", "pk": "@run"}, ADMIN),
        ]
    },
    **{
        name: ("json", spec, {**expected, "anonymous": 401})
        for name, spec, expected in [
            ("api:profile-availability", {"pk": "@mentor"}, ok("mentor", code=400)),
            ("api:suggestion-request", {"pk": "@api_suggestion"}, ok("mentee", code=201)),
            ("api:suggestion-dismiss", {"pk": "@api_suggestion"}, ok("mentee", code=400)),
            (
                "api:mentorship-withdraw",
                {"pk": "@request"},
                ok("mentee", code=200, others=404) | {"mentor": 403},
            ),
            ("api:mentorship-accept", {"pk": "@request"}, ok("mentor", code=200) | {"mentee": 403}),
            (
                "api:mentorship-decline",
                {"pk": "@request"},
                ok("mentor", code=400) | {"mentee": 403},
            ),
            # the mentor's walk accepts through the API first: "met" then starts it
            ("api:mentorship-met", {"pk": "@request"}, ok("mentee", code=409) | {"mentor": 200}),
            ("api:mentorship-end", {"pk": "@request"}, ok("mentee", "mentor", code=400)),
            # A request (not yet accepted when these run) takes no meeting steps.
            ("api:meeting-cancel", {"pk": "@meeting"}, ok("mentee", "mentor", code=409)),
            ("api:meeting-pick", {"pk": "@meeting"}, ok("mentee", "mentor", code=400)),
            ("api:meeting-reschedule", {"pk": "@meeting"}, ok("mentee", "mentor", code=400)),
            ("api:meeting-log", {"pk": "@meeting"}, ok("mentee", "mentor", code=400)),
            # An empty body is a 400; a step with no body is refused (the request is not
            # under way): a 409.
            *(
                (f"api:agreement-{step}", {"mentorship_id": "@request"}, ok(*PAIR, code=code))
                for step, code in [
                    ("draft", 400),
                    ("propose", 400),
                    ("discard", 409),
                    ("confirm", 409),
                    ("suggest-changes", 400),
                    ("progress", 400),
                    ("done", 400),
                ]
            ),
            ("api:message-read", {"pk": "@message"}, ok("mentee", "mentor")),
            # the mentee confirms and takes it back; the mentor may not (403)
            *(
                (f"api:sponsorship-{step}", {"pk": "@sponsorship"}, ok("mentee") | {"mentor": 403})
                for step in ("confirm", "unconfirm")
            ),
            # the mentee reported it already; the mentor wrote it
            ("api:message-report", {"pk": "@message"}, ok("mentee", "mentor", code=409)),
            ("api:program-rescore", {"slug": "@program"}, ok("admin", code=202)),
            ("api:program-assign", {"slug": "@program"}, ok("admin", code=400)),
            (
                "api:run-commit",
                {"slug": "@program", "pk": "@run"},
                ok("admin", code=409),
            ),
            (
                "api:run-discard",
                {"slug": "@program", "pk": "@run"},
                ok("admin", code=409),
            ),
        ]
    },
    # Last: showing a hidden mentor again deletes the dismissal the rows above read.
    "matching:browse": ("get", {"pk": "@mentee"}, ok("mentee")),
    "matching:request_from_browse": (
        "post",
        {"pk": "@mentee", "mentor_id": "@mentor"},
        ok("mentee", code=302),
    ),
    "matching:restore": (
        "post",
        {"pk": "@mentee", "suggestion_id": "@suggestion"},
        ok("mentee", code=302),
    ),
}


def url_names() -> set[str]:
    """Every named URL of the project but the Django admin (its own test below)."""

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                inner = ":".join(filter(None, [namespace, p.namespace])) or None
                yield from walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}:{p.name}" if namespace else p.name

    return set(walk(get_resolver().url_patterns))


def test_every_url_is_in_the_table():
    missing = url_names() - TABLE.keys()
    assert not missing, f"add an access row for: {sorted(missing)}"


@pytest.fixture
def world(program):
    mentee = ProfileFactory(program=program, goals=["networking"])
    other_mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(program=program, goals=["networking"])
    pages_mentor, api_mentor = (
        MentorFactory(program=program, goals=["networking"]) for _ in range(2)
    )
    other_mentor = MentorFactory(program=program, goals=["leadership"])
    suggestions.refresh_profile(profile_id=mentee.pk)
    request = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="hello"
    )
    assign_run = MatchingRun.objects.create(program=program, kind="assign", status="succeeded")
    note = Note.objects.create(mentorship=request, author=mentee, body="ours", shared=True)
    message = Message.objects.create(mentorship=request, author=mentor, body="hello")
    ids = {
        "mentee": mentee.pk,
        "mentor": mentor.pk,
        "program": program.slug,
        # one suggestion each for the pages and the API, so neither walk spends the other's
        "suggestion": Suggestion.objects.get(mentee=mentee, mentor=pages_mentor).pk,
        "api_suggestion": Suggestion.objects.get(mentee=mentee, mentor=api_mentor).pk,
        "request": request.pk,
        "meeting": Meeting.objects.create(
            mentorship=request,
            status=Meeting.Status.CONFIRMED,
            minutes=60,
            place="The library",
            starts_at=timezone.now() + timedelta(days=2),
            ends_at=timezone.now() + timedelta(days=2, hours=1),
            confirmed_at=timezone.now(),
        ).pk,
        "run": MatchingRun.objects.create(program=program).pk,
        "assign_run": assign_run.pk,
        "pair": AssignmentPair.objects.create(
            run=assign_run, mentee=other_mentee, mentor=other_mentor, score=50
        ).pk,
        "job": ImportJob.objects.create(program=program, filename="x.csv", content=b"x").pk,
        "export": DataExport.objects.create(user=mentee.user, status="ready", content="{}").pk,
        "note": note.pk,
        "sponsorship": SponsorshipAction.objects.create(
            mentorship=request, kind="introduced", happened_on=timezone.localdate(), note="x"
        ).pk,
        "item": ActionItem.objects.create(
            mentorship=request, text="x", owner="mentee", created_by=mentee
        ).pk,
        "message": message.pk,
        "report": MessageReport.objects.create(message=message, reporter=mentee).pk,
        "cycle": program.cycles.get().pk,
        "closed": closed_with_a_close_out(mentee, mentor).pk,
        "continuation": Continuation.objects.create(
            cycle=program.cycles.get(), mentor=mentor, mentee=mentee
        ).pk,
        "proposal": WeightProposal.objects.create(
            program=program, current_weights=program.weights(), proposed_weights=program.weights()
        ).pk,
        "follow_up": FollowUp.objects.create(
            mentorship=request,
            profile=mentee,
            months=6,
            due_on=timezone.localdate(),
            sent_at=timezone.now(),
        ).pk,
    }
    admin = program_admin(program)
    users = {
        "mentee": mentee.user,
        "other_mentee": other_mentee.user,
        "mentor": mentor.user,
        "other_mentor": other_mentor.user,
        "staff": UserFactory(is_staff=True),
        "admin": admin,
    }
    ids["role"] = admin.program_roles.get().pk
    return ids, users


def closed_with_a_close_out(mentee, mentor) -> Mentorship:
    """An earlier mentorship of the pair, completed; its mentee asked how it went."""
    now = timezone.now()
    closed = Mentorship.objects.create(
        program=mentee.program,
        mentee=mentee,
        mentor=mentor,
        status=Mentorship.Status.COMPLETED,
        started_at=now - timedelta(days=90),
        ended_at=now - timedelta(days=1),
        end_reason=Mentorship.EndReason.GOALS_MET,
    )
    CloseOut.objects.create(mentorship=closed, respondent=mentee, side="mentee")
    return closed


def kwargs_for(spec: dict, ids: dict) -> dict:
    """Fill "@name" placeholders with the world's ids."""
    return {key: ids[value[1:]] if value.startswith("@") else value for key, value in spec.items()}


@pytest.mark.parametrize("role", ROLES)
def test_each_visitor_gets_exactly_what_they_should(client, world, role):
    ids, users = world
    if role != "anonymous":
        login(client, users[role])
    wrong = []
    for name, (method, spec, expected) in sorted(TABLE.items()):
        url = reverse(name, kwargs=kwargs_for(spec, ids))
        if method == "json":
            response = client.post(url, {}, content_type="application/json")
        else:
            response = getattr(client, method)(url)
        want = expected[role]
        got = response.status_code
        if want == LOGIN:
            if not (got == 302 and response.url.startswith(reverse("account_login"))):
                wrong.append((name, got, "redirect to log in"))
        elif got != want:
            wrong.append((name, got, want))
    assert not wrong, wrong


@pytest.mark.parametrize("role", ["mentee", "mentor", "staff", "admin"])
def test_the_django_admin_is_for_superusers_only(client, world, role):
    ids, users = world
    login(client, users[role])
    for url in (
        "/admin/",
        "/admin/profiles/profile/",
        f"/admin/profiles/profile/{ids['mentee']}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url
