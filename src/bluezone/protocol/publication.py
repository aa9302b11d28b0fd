"""How the server lays export files out for phones: the index of hourly files, the index of daily roll-ups,
and the window of time a file's name covers (`<region>/[daily/]<start>-<end>-<n>.zip`)."""

from __future__ import annotations

from bluezone.errors import FormatError

INDEX = "index.txt"
DAILY_INDEX = "index-daily.txt"
DAILY = "daily"


def window_of(name: str) -> tuple[int, int]:
    """The (start, end) Unix timestamps an export file's name covers."""
    try:
        start, end, _ = name.rsplit("/", 1)[-1].removesuffix(".zip").split("-")
        return int(start), int(end)
    except ValueError:
        raise FormatError(f"{name!r} is not an export file's name", code="bad_index") from None
