"""What every route needs, built once per app: settings, database, secrets, clock and metrics."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from prometheus_client import CollectorRegistry, Counter, Histogram

from bluezone.authority.secrets import ServerSecrets
from bluezone.clock import Clock
from bluezone.config import Settings
from bluezone.store.db import Database
from bluezone.web.privacy import LatencyTracker


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "bluezone_requests",
            "HTTP requests by route and status",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "bluezone_request_seconds", "Request duration", ["route"], registry=self.registry
        )
        self.codes_issued = Counter(
            "bluezone_codes_issued", "Codes issued", ["test_type"], registry=self.registry
        )
        self.codes_verified = Counter(
            "bluezone_codes_verified", "Code checks", ["outcome"], registry=self.registry
        )
        self.keys_published = Counter("bluezone_keys_published", "Keys stored", registry=self.registry)
        self.export_files = Counter("bluezone_export_files", "Export files written", registry=self.registry)


@dataclass
class Services:
    settings: Settings
    db: Database
    secrets: ServerSecrets
    clock: Clock
    metrics: Metrics = field(default_factory=Metrics)
    publish_latency: LatencyTracker = field(default_factory=LatencyTracker)
    verify_latency: LatencyTracker = field(default_factory=LatencyTracker)

    def now(self) -> int:
        return int(self.clock.now())


def services(request: Request) -> Services:
    """FastAPI dependency: the app's services."""
    found: Services = request.app.state.services
    return found
