from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's renderer with our field template: label, input, help and errors,
    linked by aria-describedby so screen readers read the error with the field."""

    field_template_name = "forms/field.html"
