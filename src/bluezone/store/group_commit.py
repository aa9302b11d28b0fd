"""Group commit: many requests' rows written by one thread in one transaction, each request answered only
once its row is durable. A busy endpoint then pays one commit for the hundreds of rows that arrived while the
last one was being written, instead of one each: the database's fsync, not the request count, sets the pace.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from sqlalchemy.orm import Session

from bluezone.store.db import Database

Write = Callable[[Session, list[dict[str, Any]]], object]


class GroupCommit:
    """`submit(row)` returns a future that is done when the row's transaction has committed (or failed:
    the future then holds the error, and every request of that batch is answered with it)."""

    def __init__(self, db: Database, write: Write, *, max_rows: int = 2000) -> None:
        self.db, self.write, self.max_rows = db, write, max_rows
        self._queue: queue.SimpleQueue[tuple[dict[str, Any], Future[None]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, row: dict[str, Any]) -> Future[None]:
        done: Future[None] = Future()
        self._queue.put((row, done))
        if self._thread is None:
            with self._start:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="bluezone-group-commit", daemon=True
                    )
                    self._thread.start()
        return done

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]  # wait for the first row, then take whatever else has come
            while len(batch) < self.max_rows:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                with self.db.session() as session:
                    self.write(session, [row for row, _ in batch])
            except Exception as error:  # every waiting request learns of it; the writer goes on
                for _, done in batch:
                    done.set_exception(error)
                continue
            for _, done in batch:
                done.set_result(None)
