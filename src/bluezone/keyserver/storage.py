"""Where export files live: a local directory (the embedded default, served by the app itself) or an
S3-compatible bucket behind a CDN (AWS, MinIO, Ceph, Vietnamese clouds), chosen by `exports_store`.

Every object is written whole before anything names it (a batch file before the index that lists it), and
carries its own Cache-Control: batch files never change, the index and the public key do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from bluezone.errors import BluezoneError, InvalidInput
from bluezone.store.files import write_atomically

if TYPE_CHECKING:
    from bluezone.config import Settings

IMMUTABLE = "public, max-age=31536000, immutable"  # a batch file: its name changes if its content would
SHORT_LIVED = "public, max-age=60, must-revalidate"  # the index: new files appear every export run
CONTENT_TYPES = {
    ".zip": "application/zip",
    ".txt": "text/plain; charset=utf-8",
    ".pem": "application/x-pem-file",
    ".json": "application/json",
}


class StoreUnavailable(BluezoneError):
    """The export store cannot be reached or refused the request."""

    status_code = 503
    code = "store_unavailable"


def cache_control(name: str) -> str:
    return IMMUTABLE if name.endswith(".zip") else SHORT_LIVED


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")


class ExportStore(Protocol):
    def put(self, name: str, data: bytes) -> None:
        """Write the object whole, replacing any of that name."""

    def delete(self, name: str) -> None:
        """Remove the object; nothing happens when there is none."""

    def get(self, name: str) -> bytes:
        """The object's bytes; FileNotFoundError when there is none."""

    def names(self, prefix: str) -> list[str]:
        """Every object whose name starts with `prefix`."""

    def check(self) -> None:
        """Raise StoreUnavailable when the store cannot be used."""

    @property
    def where(self) -> str:
        """Where the files are, for people (a directory or s3://bucket/prefix)."""


@dataclass(frozen=True)
class LocalStore:
    root: Path

    def put(self, name: str, data: bytes) -> None:
        write_atomically(self.root / name, data)

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)

    def get(self, name: str) -> bytes:
        return (self.root / name).read_bytes()

    def names(self, prefix: str) -> list[str]:
        return sorted(
            str(path.relative_to(self.root))
            for path in self.root.glob(f"{prefix}*")
            if path.is_file() and not path.name.startswith(".")  # not another writer's file in progress
        )

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".ready"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise StoreUnavailable(f"the exports directory {self.root} is not writable: {error}") from None

    @property
    def where(self) -> str:
        return str(self.root)


class S3Store:
    """An S3-compatible bucket through boto3: credentials from the usual AWS environment variables or
    files, the endpoint from `s3_endpoint` for providers other than AWS."""

    def __init__(self, bucket: str, prefix: str, *, endpoint: str | None, region: str | None) -> None:
        import boto3  # noqa: PLC0415 (only deployments that use a bucket load the AWS client)
        from botocore.config import Config  # noqa: PLC0415

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=region,
            config=Config(
                retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=5, read_timeout=30
            ),
        )

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def _call(self, what: str, **arguments: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        try:
            return getattr(self.client, what)(Bucket=self.bucket, **arguments)
        except ClientError as error:
            missing = error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404")
            if missing and "Key" in arguments:
                raise FileNotFoundError(arguments["Key"]) from None
            raise StoreUnavailable(f"the export bucket {self.where} refused {what}: {error}") from None
        except BotoCoreError as error:
            raise StoreUnavailable(f"the export bucket {self.where} cannot be reached: {error}") from None

    def put(self, name: str, data: bytes) -> None:
        # One PUT is atomic in S3: readers see the old object or the new one, never part of it.
        self._call(
            "put_object",
            Key=self._key(name),
            Body=data,
            CacheControl=cache_control(name),
            ContentType=content_type(name),
        )

    def delete(self, name: str) -> None:
        self._call("delete_object", Key=self._key(name))

    def get(self, name: str) -> bytes:
        return bytes(self._call("get_object", Key=self._key(name))["Body"].read())

    def names(self, prefix: str) -> list[str]:
        found, token = [], None
        while True:
            page = self._call(
                "list_objects_v2", Prefix=self._key(prefix), **({"ContinuationToken": token} if token else {})
            )
            strip = len(self.prefix) + 1 if self.prefix else 0
            found += [item["Key"][strip:] for item in page.get("Contents", [])]
            token = page.get("NextContinuationToken")
            if not token:
                return sorted(found)

    def check(self) -> None:
        self._call("head_bucket")

    @property
    def where(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


def export_store(settings: Settings) -> ExportStore:
    """The store `exports_store` names: `local` (the exports directory) or `s3://bucket[/prefix]`."""
    chosen = settings.exports_store
    if chosen == "local":
        return LocalStore(settings.exports_dir)
    url = urlsplit(chosen)
    if url.scheme != "s3" or not url.netloc:
        raise InvalidInput(
            f"exports_store must be local or s3://bucket[/prefix], got {chosen!r}", code="bad_setting"
        )
    return S3Store(url.netloc, url.path, endpoint=settings.s3_endpoint, region=settings.s3_region)
