from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
# The stored name's suffix, and so the type the logo is served as, comes from
# the decoded image, never from the uploader's file name.
LOGO_SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
MAX_LOGO_PIXELS = 4000 * 4000


def validate_logo(file) -> None:
    """A logo must be a real PNG, JPEG or WebP image of at most 1 MB."""
    if file.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(settings.LOGO_MAX_BYTES)},
            code="logo_too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not an image we can read. Upload a PNG, JPEG or WebP file."),
            code="logo_unreadable",
        ) from None
    finally:
        file.seek(position)
    if image_format not in ALLOWED_LOGO_FORMATS:
        raise ValidationError(
            _("Upload a PNG, JPEG or WebP file (this one is %(format)s).")
            % {"format": image_format},
            code="logo_format",
        )
    if width * height > MAX_LOGO_PIXELS:
        raise ValidationError(
            _("The logo is %(w)s×%(h)s pixels; keep it under 4000×4000.")
            % {"w": width, "h": height},
            code="logo_pixels",
        )


def logo_suffix(file) -> str:
    """The suffix for an uploaded logo, from its decoded format ("" if unreadable)."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            return LOGO_SUFFIXES.get(image.format, "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return ""
    finally:
        file.seek(position)
