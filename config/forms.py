from django.forms.renderers import TemplatesSetting


class Renderer(TemplatesSetting):
    """Django's form templates, found through TEMPLATES so the project's
    ``forms/field.html`` can lay out checkboxes label-after-box."""

    field_template_name = "forms/field.html"


def posted(request):
    """A form's data: the POST, even an empty one (a step may be saved with
    nothing ticked), or None for a GET."""
    return request.POST if request.method == "POST" else None


def confirmed(request, form=None) -> bool:
    """A POST that says yes on a confirmation page (its button sends
    ``confirm=yes``) with valid data. Anything else, a POST from an earlier
    page included, shows the confirmation and changes nothing."""
    return (
        request.method == "POST"
        and request.POST.get("confirm") == "yes"
        and (form is None or form.is_valid())
    )
