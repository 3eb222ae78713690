"""Contributors: a country (ISO 3166-1 alpha-2) or an organisation from settings."""

from django.conf import settings
from django_countries import countries


def organisations() -> dict[str, str]:
    return settings.CONTRIBUTOR_ORGANISATIONS


def contributor_choices() -> list[tuple[str, str]]:
    """Organisations first (they are few and often used), then every country by name."""
    return [*organisations().items(), *((code, name) for code, name in countries)]


def is_contributor(code: str) -> bool:
    return code in organisations() or code in countries


def is_country(code: str) -> bool:
    return bool(code) and code in countries


def contributor_name(code: str) -> str:
    if code in organisations():
        return organisations()[code]
    return countries.name(code) or code
