"""Every error answers `{"error": ..., "code": ...}` with the right status; no payload is ever echoed.
Unexpected exceptions are answered, logged and counted by the middleware (web/middleware.py)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from bluezone.errors import (
    BluezoneError,
    Conflict,
    Forbidden,
    NotFound,
    NotServed,
    RateLimited,
    Unauthorized,
)
from bluezone.sms.senders import SmsFailed

STATUS = {
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    RateLimited: 429,
    NotServed: 503,
    SmsFailed: 503,
}


def error_response(status: int, message: str, code: str) -> JSONResponse:
    headers = {"Retry-After": "3600" if status == 429 else "300"} if status in {429, 503} else None
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=headers)


async def _bluezone_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, BluezoneError)
    status = next((s for kind, s in STATUS.items() if isinstance(error, kind)), 400)
    return error_response(status, error.message, error.code)


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    return error_response(400, f"{where}: {first.get('msg', 'invalid')}", "bad_request")


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        error.status_code, "http_error"
    )
    return error_response(error.status_code, str(error.detail), code)


def install(app: FastAPI) -> None:
    app.add_exception_handler(BluezoneError, _bluezone_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
