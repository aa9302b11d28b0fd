"""Countries by name in Vietnamese and English, for forms that ask where someone comes from or has been:
the codes are pycountry's ISO 3166 list, the names the Unicode CLDR's as Babel ships them (pycountry's own
Vietnamese catalogue has dated names such as "A Phú Hãn" and "Căm Bốt")."""

from __future__ import annotations

from functools import cache

import pycountry
from babel import Locale

from bluezone.texts import LOCALES, Language, alphabetical

# As Viet Nam's official documents write it.
OFFICIAL_USAGE: dict[Language, dict[str, str]] = {
    "vi": {"TW": "Đài Loan (Trung Quốc)"},
    "en": {"TW": "Taiwan (China)"},
}


@cache
def countries(language: Language) -> dict[str, str]:
    """ISO 3166 alpha-2 code → name, in alphabetical order of the name."""
    territories = Locale.parse(LOCALES[language]).territories
    names = {
        str(c.alpha_2): OFFICIAL_USAGE[language].get(c.alpha_2) or territories.get(c.alpha_2) or str(c.name)
        for c in pycountry.countries
    }
    return dict(sorted(names.items(), key=lambda item: alphabetical(item[1])))
