"""How the server logs: plain lines on the embedded default, or one JSON object a line (time, level,
logger, message, and the request it belongs to) for a log collector, for every logger alike."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The request being answered, set by the middleware: every log line written while answering it carries it.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        try:
            fields = json.loads(message)  # the request log is already an object: its fields, not a string
        except ValueError:
            fields = None
        if isinstance(fields, dict):
            entry.update(fields)
        else:
            entry["message"] = message
        current = request_id.get()
        if current is not None:
            entry.setdefault("request_id", current)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str) -> None:
    """The root logger to stderr, as text or JSON lines; migrations report only problems."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if log_format == "json" else logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
