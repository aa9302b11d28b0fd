"""Texts the health authority sends to people: each signed for its number (protocol/sms.py) so the app can
tell it from a fake, and counted per realm and day, sent or failed, for the statistics. The number is used
to send and is never stored or logged."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.authority.codes import IssuedCode
from bluezone.clock import local_date, local_time
from bluezone.protocol.sms import deep_link, international, sign_text
from bluezone.sms.senders import NoSender, SmsFailed, SmsSender
from bluezone.store.inserts import locked_counter
from bluezone.store.models import Realm, SmsCount
from bluezone.store.secrets import ServerSecrets
from bluezone.texts import text

DAY = 86_400


@dataclass(frozen=True)
class Texter:
    """Sends the health authority's texts through one sender, signed with the server's text key."""

    sender: SmsSender
    secrets: ServerSecrets

    def send(self, session: Session, realm: Realm, number: str, body: str, now: int) -> None:
        """Sign and send one text; SmsFailed if the centre did not take it. Counted either way (when a
        centre is set up: with none, SmsFailed `sms_not_configured` and nothing counted)."""
        if not self.available:
            self.sender.send(number, body)  # raises sms_not_configured
        to = international(number)
        signed = sign_text(body, to, local_date(now), self.secrets.sms_key)
        row = locked_counter(session, SmsCount, {"sent": 0}, realm_id=realm.id, day=now // DAY)
        try:
            self.sender.send(to, signed)
        except SmsFailed:
            row.failures += 1
            raise
        row.sent += 1

    @property
    def available(self) -> bool:
        """Whether an SMS centre is set up at all (without one, case workers send the text themselves)."""
        return not isinstance(self.sender, NoSender)

    def send_code(
        self, session: Session, realm: Realm, number: str, issued: IssuedCode, now: int
    ) -> bool | None:
        """Send a code to the person's phone: True if the centre took it, False if it refused (then the
        case worker reads it out), None with no centre set up."""
        if not self.available:
            return None
        try:
            self.send(session, realm, number, code_text(issued), now)
        except SmsFailed:
            return False
        return True


def code_text(issued: IssuedCode) -> str:
    """What a person with a code receives: the code to type, and the link that fills it in (Vietnamese
    without marks, as texts to any phone are written, so that it fits the fewest parts)."""
    expires = local_time(issued.expires_at).strftime("%H:%M %d/%m")
    return text("sms.code_link", "vi", code=issued.code, expires=expires, link=deep_link(issued.long_code))


def counts(session: Session, realm: Realm, since: int) -> dict[int, tuple[int, int]]:
    """(sent, failed) by UTC day number from `since`."""
    query = select(SmsCount).where(SmsCount.realm_id == realm.id, SmsCount.day >= since // DAY)
    rows = session.scalars(query)
    return {row.day: (row.sent, row.failures) for row in rows}
