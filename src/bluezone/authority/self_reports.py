"""Self-reports of positive rapid tests, so that a wave with more positives than case workers still warns
contacts: the person gives their number in the app, the server texts a code of its own report type to that
number (which confirms it), and the upload goes on as with any code.

A number may self-report once in `self_report_dedup_days`, known only by a keyed hash; a realm accepts at
most `self_reports_per_realm_per_day`. The answer to the app is the same for a number that reported before
(it gets a text saying so), so the API tells nobody who had a positive test.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bluezone.authority import codes
from bluezone.authority.texting import Texter, code_text
from bluezone.config import Settings
from bluezone.errors import Forbidden, RateLimited
from bluezone.protocol.sms import international
from bluezone.sms.senders import SmsFailed
from bluezone.store.db import Database
from bluezone.store.inserts import insert_ignoring_duplicates
from bluezone.store.models import Realm, SelfReport, VerificationCode
from bluezone.texts import text

DAY = 86_400


def self_report(
    db: Database,
    settings: Settings,
    texter: Texter,
    realm_id: int,
    *,
    phone: str,
    test_date: str,
    symptom_date: str | None,
    now: int,
) -> None:
    """Text a self-report code to the number, or, if it reported in the period, a text saying so. Raises
    SmsFailed when the text could not go (nothing is then kept, the code included: they may try again)."""
    number = international(phone)
    key = texter.secrets.keyed_hash("self-report", number)
    cutoff = now - settings.self_report_dedup_days * DAY
    with db.session() as session:
        realm = session.get(Realm, realm_id)
        assert realm is not None
        if settings.self_reports_per_realm_per_day == 0:
            raise Forbidden("this health department takes no self-reports", code="self_reports_off")
        if codes.issued_today(session, realm, now, "self_report") >= settings.self_reports_per_realm_per_day:
            raise RateLimited(
                "this health department has taken its self-reports for today; try tomorrow",
                code="self_report_quota",
            )
        # The number's row, made if new and locked: two reports of one number at once are one report.
        fresh = insert_ignoring_duplicates(
            session, SelfReport, [{"phone_key": key, "realm_id": realm.id, "reported_at": now}], ["phone_key"]
        )
        row = session.get(SelfReport, key, with_for_update=True, populate_existing=True)
        assert row is not None
        repeat = not fresh and row.reported_at > cutoff
        issued = None
        if not repeat:
            row.reported_at, row.realm_id = now, realm.id
            issued = codes.issue_code(
                session,
                texter.secrets,
                settings,
                realm,
                test_type=codes.SELF_REPORT,
                symptom_date=symptom_date,
                test_date=test_date,
                phone=number,
                now=now,
                source="self_report",
            )
    if issued is None:
        _send_counted(db, texter, realm_id, number, text("sms.self_report_repeat", "vi"), now=now)
        return
    try:
        _send_counted(db, texter, realm_id, number, code_text(issued), now=now)
    except SmsFailed:
        with db.session() as session:  # never delivered: as if it had not been issued, quota included
            digest = texter.secrets.keyed_hash("code", issued.long_code)
            session.execute(delete(VerificationCode).where(VerificationCode.long_hash == digest))
            session.execute(delete(SelfReport).where(SelfReport.phone_key == key))
        raise


def _send_counted(db: Database, texter: Texter, realm_id: int, number: str, body: str, *, now: int) -> None:
    """Send a text in a transaction of its own, so that a failure is counted even though it is raised."""
    failed: SmsFailed | None = None
    with db.session() as session:
        realm = session.get(Realm, realm_id)
        assert realm is not None
        try:
            texter.send(session, realm, number, body, now)
        except SmsFailed as error:
            failed = error
    if failed is not None:
        raise failed


def purge(session: Session, settings: Settings, now: int) -> int:
    """Forget numbers past the de-duplication period."""
    cutoff = now - settings.self_report_dedup_days * DAY
    return int(session.execute(delete(SelfReport).where(SelfReport.reported_at <= cutoff)).rowcount)  # type: ignore[attr-defined]
