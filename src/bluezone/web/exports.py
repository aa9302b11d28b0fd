"""The export files as phones (or a CDN in front) download them, each with its own Cache-Control: straight
from the data directory on the embedded default, through the app from the bucket otherwise."""

from __future__ import annotations

import hashlib

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from bluezone.keyserver.storage import (
    ExportStore,
    LocalStore,
    StoreUnavailable,
    cache_control,
    content_type,
)


class CachedStaticFiles(StaticFiles):
    """Starlette's static files (ETag, ranges, HEAD) with the Cache-Control each export file needs."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = cache_control(path)
        return response


def _from_store(store: ExportStore) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/{name:path}")
    def exported(name: str, request: Request) -> Response:
        if not name or ".." in name.split("/"):
            return Response(status_code=404)
        try:
            data = store.get(name)
        except FileNotFoundError:
            return Response(status_code=404)
        except StoreUnavailable:  # the bucket is away: the phone (or the CDN) retries later
            return JSONResponse(
                {"error": "the export files are unavailable", "code": StoreUnavailable.code},
                status_code=503,
                headers={"Retry-After": "60"},
            )
        etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
        headers = {"Cache-Control": cache_control(name), "ETag": etag}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(data, media_type=content_type(name), headers=headers)

    return app


def mount_exports(app: FastAPI, store: ExportStore) -> None:
    if isinstance(store, LocalStore):
        store.root.mkdir(parents=True, exist_ok=True)
        app.mount("/exports", CachedStaticFiles(directory=store.root), name="exports")
    else:
        app.mount("/exports", _from_store(store), name="exports")
