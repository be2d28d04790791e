from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import posted

from . import services
from .forms import DeleteAccountForm
from .models import DataExport


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    exports, profiles = [], []
    if request.user.is_authenticated:
        exports = DataExport.objects.filter(user=request.user)[:3]
        profiles = list(request.user.profiles.select_related("program"))
    context = {
        "exports": exports,
        "profiles": profiles,
        "consent_links": services.consent_links(profiles),
    }
    return render(request, "privacy/privacy.html", context)


@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    services.request_export(user=request.user)
    messages.success(
        request, gettext("We are preparing your data. The download appears below in a moment.")
    )
    return redirect("privacy:privacy")


def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    export = get_object_or_404(
        DataExport, pk=export_id, user=request.user, status=DataExport.Status.READY
    )
    response = HttpResponse(export.content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="kindred-my-data-{export.created_at:%Y-%m-%d}.json"'
    )
    return response


def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(posted(request), request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user=user)
        messages.success(
            request,
            gettext("Your account and your answers are deleted. Thank you for taking part."),
        )
        return redirect("profiles:landing")
    context = {"form": form, **services.deletion_preview(request.user)}
    return render(request, "privacy/delete_account.html", context)
