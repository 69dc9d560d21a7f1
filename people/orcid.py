"""ORCID iD validation: four groups of four characters and an ISO 7064 MOD 11-2 check digit."""

import re

from django.core.exceptions import ValidationError

ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_check_digit(base_digits):
    """Return the ISO 7064 MOD 11-2 check character for the first fifteen digits."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value):
    """Strip a leading https://orcid.org/ and spaces, and upper-case a final x."""
    value = (value or "").strip()
    for prefix in ("https://orcid.org/", "http://orcid.org/", "orcid.org/"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.upper()


def validate_orcid(value):
    value = normalise_orcid(value)
    if not value:
        return
    if not ORCID_PATTERN.match(value):
        raise ValidationError(
            "An ORCID iD is four groups of four characters separated by hyphens, e.g. 0000-0002-1825-0097.",
            code="orcid_format",
        )
    digits = value.replace("-", "")
    if orcid_check_digit(digits[:15]) != digits[15]:
        raise ValidationError(
            "This ORCID iD's last character does not match its check digit; please check it for a typo.",
            code="orcid_checksum",
        )
