"""JSON log lines: every logger's lines carry the time, level and the request being answered."""

from __future__ import annotations

import json
import logging
import sys

from bluezone import logs


def _line(record: logging.LogRecord) -> dict[str, object]:
    return dict(json.loads(logs.JsonLines().format(record)))


def test_a_line_names_its_request_and_keeps_an_object_s_fields() -> None:
    token = logs.request_id.set("a1b2c3d4e5f6a7b8")
    try:
        plain = _line(
            logging.makeLogRecord({"name": "bluezone.export", "levelname": "WARNING", "msg": "slow"})
        )
        fields = _line(
            logging.makeLogRecord({"name": "bluezone.http", "msg": '{"status": 200, "route": "/x"}'})
        )
    finally:
        logs.request_id.reset(token)
    assert plain["level"] == "warning" and plain["message"] == "slow" and plain["logger"] == "bluezone.export"
    assert plain["request_id"] == "a1b2c3d4e5f6a7b8" and str(plain["time"]).endswith("+00:00")
    assert fields["status"] == 200 and fields["route"] == "/x" and "message" not in fields


def test_outside_a_request_there_is_no_request_id_and_errors_keep_their_trace() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.makeLogRecord(
            {"name": "bluezone.server", "msg": "failed", "exc_info": sys.exc_info()}
        )
    line = _line(record)
    assert "request_id" not in line and "ValueError: broken" in str(line["error"])
