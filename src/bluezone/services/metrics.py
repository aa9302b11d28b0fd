"""The server's Prometheus counters: requests, codes, lab results, keys and export files (no identities,
no addresses)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


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
        self.wrong_codes = Counter(
            "bluezone_wrong_codes",
            "Wrong codes by realm (all clients of its app key)",
            ["realm"],
            registry=self.registry,
        )
        self.lab_results = Counter(
            "bluezone_lab_results", "Test results labs sent, by realm", ["realm"], registry=self.registry
        )
        self.texts = Counter(
            "bluezone_texts",
            "Texts by realm and outcome (sent, failed)",
            ["realm", "outcome"],
            registry=self.registry,
        )
        self.keys_published = Counter("bluezone_keys_published", "Keys stored", registry=self.registry)
        self.export_files = Counter("bluezone_export_files", "Export files written", registry=self.registry)
