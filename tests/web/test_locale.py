"""The text catalogues are complete in both languages, the pages ask for no text the catalogues lack, and
numbers and dates are written as each language writes them."""

from __future__ import annotations

import re
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po

from bluezone import texts

TEMPLATES = resources.files("bluezone.web.pages") / "templates"


def _catalogue(language: str) -> dict[str, str]:
    path = resources.files("bluezone").joinpath("locale", language, "LC_MESSAGES", "bluezone.po")
    with path.open("rb") as po:
        return {str(m.id): str(m.string) for m in read_po(po) if m.id}


def test_both_catalogues_hold_every_text_with_the_same_placeholders() -> None:
    vietnamese, english = _catalogue("vi"), _catalogue("en")
    assert vietnamese.keys() == english.keys() and len(vietnamese) > 250
    for key in vietnamese:
        assert vietnamese[key].strip() and english[key].strip(), key
        placeholders = [set(re.findall(r"%\((\w+)\)s", c[key])) for c in (vietnamese, english)]
        assert placeholders[0] == placeholders[1], key


def test_every_text_a_template_asks_for_is_in_the_catalogue() -> None:
    asked = set()
    for template in TEMPLATES.iterdir():
        asked |= set(re.findall(r"""_\(\s*["']([\w.]+)["']""", template.read_text("utf-8")))
    assert asked and not {key for key in asked if key[-1] not in "._" and not texts.has_text(key)}


def test_numbers_percentages_and_dates_in_each_language() -> None:
    assert texts.number(1_342_856, "vi") == "1.342.856" and texts.number(1_342_856, "en") == "1,342,856"
    assert texts.percent(44.7612, "vi") == "44,76\u00a0%" and texts.percent(44.7612, "en") == "44.76%"
    assert (
        texts.day(date(2026, 12, 6), "vi") == "06/12/2026"
        and texts.day(date(2026, 12, 6), "en") == "6 Dec 2026"
    )
    assert texts.moment(datetime(2026, 12, 6, 8, 5), "vi") == "08:05 06/12/2026"
    assert texts.number(None) == texts.percent(None) == "–"
    assert texts.text("f1.body", "en", date="6 Dec", minutes=20, distance="1 m").startswith("On 6 Dec you")


def test_every_text_in_the_catalogue_is_used() -> None:
    """A text no page or module asks for, by its key or by a prefix it completes (`"role." ~ r`), is dead."""
    code = "\n".join(
        path.read_text("utf-8")
        for path in Path(texts.__file__).parent.rglob("*")
        if path.suffix in {".py", ".html"}
    )
    literals = set(re.findall(r"""["']([\w.]+)["']""", code))
    prefixes = {p for p in literals if p.endswith((".", "_"))} | set(re.findall(r'f"([\w.]+[._])\{', code))
    suffixes = set(re.findall(r'f"\{[^}]+\}(\.[\w.]+)"', code))  # f"{self.kind}.title"
    unused = {
        key
        for key in texts.message_ids()
        if key not in literals
        and not any(key.startswith(prefix) for prefix in prefixes)
        and not any(key.endswith(suffix) for suffix in suffixes)
    }
    assert not unused


def test_every_text_can_be_filled() -> None:
    """Each text formats with its own placeholders (a lone % would break it at the worst moment)."""
    for language in texts.LANGUAGES:
        for key, message in _catalogue(language).items():
            names = set(re.findall(r"%\((\w+)\)", message))
            assert texts.text(key, language, **dict.fromkeys(names, "x")), key
