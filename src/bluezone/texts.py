"""Every text a person reads, in Vietnamese (the default) and English, from one pair of gettext catalogues
(`locale/<lang>/LC_MESSAGES/bluezone.po`) shared by the server's pages and the phone's alerts; and numbers,
percentages and dates written as each language writes them.

A message's id is a stable key (`f1.title`), so a change of wording touches only the catalogues. Texts are
Python format strings (`%(minutes)s`), as Jinja2's i18n extension expects.
"""

from __future__ import annotations

import io
import unicodedata
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Literal

import jinja2
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from bluezone.errors import InvalidInput

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
DOMAIN = "bluezone"
# The language of the page being rendered, for the templates' _() and formatting filters.
current_language: ContextVar[Language] = ContextVar("current_language", default="vi")


def _checked(language: str) -> Language:
    if language not in LANGUAGES:
        raise InvalidInput(f"unsupported language {language!r}; use vi or en", code="bad_language")
    return language


@cache
def translations(language: Language) -> Translations:
    """The language's catalogue, compiled from its .po file when first needed."""
    source = resources.files("bluezone").joinpath("locale", language, "LC_MESSAGES", f"{DOMAIN}.po")
    with source.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@cache
def message_ids() -> frozenset[str]:
    source = resources.files("bluezone").joinpath("locale", "vi", "LC_MESSAGES", f"{DOMAIN}.po")
    with source.open("rb") as po:
        return frozenset(str(message.id) for message in read_po(po) if message.id)


def text(key: str, language: Language = "vi", **values: object) -> str:
    """The text in the language, its %(placeholders)s filled."""
    return str(translations(_checked(language)).gettext(key)) % values


def has_text(key: str) -> bool:
    return key in message_ids()


# CLDR's patterns, except the percentage: Vietnamese official writing puts a space before the sign (44,76 %).
LOCALES: dict[Language, str] = {"vi": "vi_VN", "en": "en_GB"}
DATE_FORMAT: dict[Language, str] = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
# A document's date line, as administrative documents write it: "ngày 06 tháng 12 năm 2026".
LONG_DATE_FORMAT: dict[Language, str] = {"vi": "'ngày' dd 'tháng' MM 'năm' yyyy", "en": "d MMMM yyyy"}
TIME_FORMAT: dict[Language, str] = {"vi": "HH:mm dd/MM/yyyy", "en": "HH:mm, d MMM yyyy"}
PERCENT_SIGN: dict[Language, str] = {"vi": "\u00a0%", "en": "%"}


def number(value: float | None, language: Language | None = None, *, decimals: int = 0) -> str:
    """1.342.856 in Vietnamese, 1,342,856 in English; a dash for no figure."""
    if value is None:
        return "–"
    lang = language or current_language.get()
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def percent(value: float | None, language: Language | None = None, *, decimals: int = 2) -> str:
    """A value already in percent: 44,76 % in Vietnamese, 44.76% in English."""
    if value is None:
        return "–"
    lang = language or current_language.get()
    return number(value, lang, decimals=decimals) + PERCENT_SIGN[lang]


def day(value: date | None, language: Language | None = None) -> str:
    if value is None:
        return "–"
    lang = language or current_language.get()
    return format_date(value, DATE_FORMAT[lang], locale=LOCALES[lang])


def long_day(value: date, language: Language | None = None) -> str:
    lang = language or current_language.get()
    return format_date(value, LONG_DATE_FORMAT[lang], locale=LOCALES[lang])


def moment(value: datetime | None, language: Language | None = None) -> str:
    """A date and time, already in the reader's time zone."""
    if value is None:
        return "–"
    lang = language or current_language.get()
    return format_datetime(value, TIME_FORMAT[lang], locale=LOCALES[lang])


def install_into(environment: jinja2.Environment) -> None:
    """A Jinja2 environment (with the i18n extension) gets _() from the catalogues and the number, percent,
    day and moment filters, all in the language of `current_language`."""

    def gettext(key: str) -> str:
        return str(translations(current_language.get()).gettext(key))

    def ngettext(singular: str, plural: str, n: int) -> str:
        return str(translations(current_language.get()).ngettext(singular, plural, n))

    environment.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    environment.filters.update(number=number, percent=percent, day=day, moment=moment)


def alphabetical(name: str) -> tuple[str, str]:
    """Sort key for names as a reader expects them: by the letters with their marks set aside (Ả Rập among
    the A, Đà Nẵng among the D), then by the marks; case ignored."""
    decomposed = unicodedata.normalize("NFD", name.casefold()).replace("đ", "d")
    return "".join(c for c in decomposed if not unicodedata.combining(c)), decomposed
