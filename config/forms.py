from django.forms.renderers import TemplatesSetting


class Renderer(TemplatesSetting):
    """Django's form templates, found through TEMPLATES so the project's
    ``forms/field.html`` can lay out checkboxes label-after-box."""

    field_template_name = "forms/field.html"
