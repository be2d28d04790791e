from django.forms.renderers import TemplatesSetting


class Renderer(TemplatesSetting):
    """Django's form templates, found through TEMPLATES so the project's
    ``forms/field.html`` can lay out checkboxes label-after-box."""

    field_template_name = "forms/field.html"


def posted(request):
    """A form's data: the POST, even an empty one (a step may be saved with
    nothing ticked), or None for a GET."""
    return request.POST if request.method == "POST" else None
