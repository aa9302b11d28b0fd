"""What a declaration holds and the checks it must pass: known symptoms, countries, border gates and communes,
dates in order. Each refusal names the field."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TypeVar

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from bluezone.errors import InvalidInput
from bluezone.geography.areas import Level, find_area, level_of

SYMPTOMS = ("fever", "cough", "breathing", "sore_throat", "taste_smell", "tiredness", "diarrhoea")
PHONE = r"^0\d{9}$"


class Exposure(StrEnum):
    NONE = "none"
    F0 = "f0"  # was near a confirmed case
    F1 = "f1"  # was near a close contact


@cache
def border_gates() -> dict[str, tuple[str, str]]:
    """Gate code → (name, province GSO code)."""
    text = resources.files("bluezone.declarations").joinpath("data", "border_gates.csv").read_text("utf-8")
    return {row["code"]: (row["name"], row["province_code"]) for row in csv.DictReader(io.StringIO(text))}


def _country(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if found is None:
        raise ValueError(f"{code!r} is not an ISO 3166 country code (two letters, e.g. KR)")
    return str(found.alpha_2)


def _area(code: str, level: Level) -> str:
    """A known GSO code of this level (pydantic reports a ValueError with the field's name)."""
    try:
        if level_of(code) is not level:
            raise ValueError(f"{code!r} is not a {level} code")
        find_area(code)
    except InvalidInput as error:
        raise ValueError(error.message) from None
    return code


class Form(BaseModel):
    # camelCase in the JSON API, as all of it; the web form posts the same fields by their Python names.
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        str_max_length=200,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        loc_by_alias=False,
    )

    full_name: str = Field(min_length=2, max_length=100)
    phone: str = Field(pattern=PHONE)
    commune_code: str = Field(description="where the person lives or will stay (GSO)")
    address: str = Field(min_length=3, max_length=200)
    symptoms: list[str] = Field(default_factory=list, max_length=len(SYMPTOMS))

    @field_validator("commune_code")
    @classmethod
    def _known_commune(cls, value: str) -> str:
        return _area(value, Level.COMMUNE)

    @field_validator("symptoms")
    @classmethod
    def _known_symptoms(cls, values: list[str]) -> list[str]:
        unknown = [v for v in values if v not in SYMPTOMS]
        if unknown:
            raise ValueError(f"unknown symptoms {unknown}; choose among {', '.join(SYMPTOMS)}")
        return sorted(set(values))


class VoluntaryDeclaration(Form):
    """A resident's declaration; it may be repeated every day."""

    exposure: Exposure = Exposure.NONE
    travel_provinces: list[str] = Field(default_factory=list, max_length=63, description="last 14 days")

    @field_validator("travel_provinces")
    @classmethod
    def _provinces(cls, values: list[str]) -> list[str]:
        return [_area(value, Level.PROVINCE) for value in values]

    @property
    def needs_follow_up(self) -> bool:
        """Symptoms and an exposure (a contact, or travel): the province's follow-up queue hears of it."""
        return bool(self.symptoms) and (self.exposure is not Exposure.NONE or bool(self.travel_provinces))


class EntryDeclaration(Form):
    """A traveller's declaration on entering Viet Nam."""

    document_type: str = Field(pattern="^(passport|id_card)$")
    document_number: str = Field(min_length=5, max_length=20, pattern=r"^[A-Za-z0-9]+$")
    nationality: str
    departure_date: date
    arrival_date: date
    flight: str | None = Field(None, pattern=r"^[A-Z0-9]{2}\d{1,4}$")
    gate: str
    countries_visited: list[str] = Field(min_length=1, max_length=30, description="last 14 days")

    @field_validator("nationality")
    @classmethod
    def _nationality(cls, value: str) -> str:
        return _country(value)

    @field_validator("countries_visited")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        return [_country(v) for v in values]

    @field_validator("gate")
    @classmethod
    def _gate(cls, value: str) -> str:
        if value not in border_gates():
            raise ValueError(
                f"unknown border gate {value!r}; airports by IATA code (HAN, SGN, …) or land gates"
            )
        return value

    @model_validator(mode="after")
    def _in_order(self) -> EntryDeclaration:
        if self.departure_date > self.arrival_date:
            raise PydanticCustomError("dates_order", "departure_date must not be after arrival_date")
        if self.arrival_date - self.departure_date > timedelta(days=3):
            raise PydanticCustomError(
                "trip_too_long", "a trip to Viet Nam lasts at most 3 days from departure to arrival"
            )
        if self.gate in AIRPORTS and self.flight is None:
            raise PydanticCustomError("flight_needed", "a flight number is needed for arrivals by air")
        return self


FormT = TypeVar("FormT", bound=Form)
AIRPORTS = frozenset(
    code for code in ("HAN", "SGN", "DAD", "CXR", "PQC", "HPH", "VCA", "VDO", "VII", "HUI", "DLI")
)


# Checks of the whole form, and the field each concerns (the form shows its message there).
WHOLE_FORM_FIELD = {
    "dates_order": "arrival_date",
    "trip_too_long": "departure_date",
    "flight_needed": "flight",
}


class BadDeclaration(InvalidInput):
    """A declaration that fails its checks: `problems` maps each wrong field to the kind of problem
    (pydantic's error type, or one of WHOLE_FORM_FIELD's), for the form to explain next to the field."""

    code = "bad_declaration"

    def __init__(self, message: str, problems: dict[str, str]) -> None:
        super().__init__(message)
        self.problems = problems


def parse(model: type[FormT], data: object, *, today: date) -> FormT:
    """A checked declaration, or BadDeclaration naming every wrong field (its message, the first)."""
    try:
        form = model.model_validate(data)
    except ValidationError as error:
        problems: dict[str, str] = {}
        messages = []
        for found in error.errors():
            kind = found["type"]
            field = str(found["loc"][0]) if found["loc"] else WHOLE_FORM_FIELD.get(kind, "form")
            problems.setdefault(field, kind)
            message = (
                "unknown field" if kind == "extra_forbidden" else found["msg"].removeprefix("Value error, ")
            )
            messages.append(f"{'.'.join(str(p) for p in found['loc']) or 'form'}: {message}")
        raise BadDeclaration(messages[0], problems) from None
    if isinstance(form, EntryDeclaration) and not (
        today - timedelta(days=1) <= form.arrival_date <= today + timedelta(days=3)
    ):
        raise BadDeclaration(
            "arrival_date: declare within 3 days before arriving, or on the day after",
            {"arrival_date": "arrival_window"},
        )
    return form
