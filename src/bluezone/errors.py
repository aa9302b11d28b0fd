"""The one exception hierarchy. Every error carries a stable machine-readable code."""

from __future__ import annotations


class BluezoneError(Exception):
    """Base of every error the project raises on purpose; `code` is stable across versions. The message is
    English; `values` fill the catalogues' text for the code (error.<code>) in the reader's language."""

    code = "error"

    def __init__(
        self, message: str, *, code: str | None = None, values: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.values = values or {}

    @property
    def message(self) -> str:
        return str(self.args[0])


class InvalidInput(BluezoneError):
    """A value given by a user or a program is out of range or of the wrong shape."""

    code = "invalid_input"


class FormatError(BluezoneError):
    """Bytes that should hold a protocol structure (export file, advertisement, measurement file) do not."""

    code = "malformed"


class SignatureError(BluezoneError):
    """A signature is missing, unknown or does not verify."""

    code = "bad_signature"


class Unauthorized(BluezoneError):
    """No credentials, or credentials that are not valid (HTTP 401)."""

    code = "unauthorized"


class Forbidden(BluezoneError):
    """Valid credentials without the right to do this (HTTP 403)."""

    code = "forbidden"


class NotFound(BluezoneError):
    code = "not_found"


class Conflict(BluezoneError):
    """The request clashes with what is stored (HTTP 409)."""

    code = "conflict"


class RateLimited(BluezoneError):
    """Too many attempts: try again later (HTTP 429)."""

    code = "rate_limited"


class NotServed(BluezoneError):
    """The request is right but nobody is set up to take it: an operator's omission (HTTP 503)."""

    code = "not_served"
