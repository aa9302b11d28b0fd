"""SMS senders, chosen by one setting (`BZ_SMS_URL`):

- `smpp://SYSTEM_ID:PASSWORD@HOST:PORT?from=SENDER` binds as a transmitter to a carrier's SMS centre (SMPP
  3.4, as Viet Nam's carriers offer brandname SMS) and submits each text, split into concatenated parts
  (UCS-2 for Vietnamese) where it is long;
- `https://…` posts `{"to": "+84…", "text": "…"}` as JSON with `Authorization: Bearer BZ_SMS_TOKEN`, for
  an SMS gateway's HTTP API;
- `none` (the default) sends nothing: a case worker reads the code out or copies the text.

A sender raises `SmsFailed` when the centre refuses a text or cannot be reached; callers count it.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm

from bluezone.errors import BluezoneError, InvalidInput

SMPP_TIMEOUT_SECONDS = 10
HTTP_TIMEOUT = httpx.Timeout(10.0)


class SmsFailed(BluezoneError):
    """The SMS centre refused a text or could not be reached (the text was not sent)."""

    code = "sms_failed"


class SmsSender(Protocol):
    def send(self, number: str, text: str) -> str:
        """Send one text to an international number (+84…); the centre's message id."""
        ...


class NoSender:
    """What an installation with no SMS centre has."""

    def send(self, number: str, text: str) -> str:
        raise SmsFailed("no SMS centre is set up (BZ_SMS_URL)", code="sms_not_configured")


class SmppSender:
    """A transmitter bound for each send (texts are few: codes and confirmations, not bulk marketing), so
    a dropped connection costs one text, never a stuck queue."""

    def __init__(self, host: str, port: int, system_id: str, password: str, source: str) -> None:
        self.host, self.port = host, port
        self.system_id, self.password, self.source = system_id, password, source
        self._lock = threading.Lock()

    def send(self, number: str, text: str) -> str:
        parts, coding, esm_class = smpplib.gsm.make_parts(text)
        client = smpplib.client.Client(
            self.host, self.port, timeout=SMPP_TIMEOUT_SECONDS, allow_unknown_opt_params=True
        )
        ids: list[str] = []
        client.set_message_sent_handler(lambda pdu: ids.append(_text(pdu.message_id)))
        with self._lock:
            try:
                client.connect()
                client.bind_transmitter(system_id=self.system_id, password=self.password)
                for part in parts:
                    client.send_message(
                        source_addr_ton=smpplib.consts.SMPP_TON_ALNUM,
                        source_addr_npi=smpplib.consts.SMPP_NPI_UNK,
                        source_addr=self.source,
                        dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                        dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                        destination_addr=number.lstrip("+"),
                        short_message=part,
                        data_coding=coding,
                        esm_class=esm_class,
                        registered_delivery=True,
                    )
                    client.read_once()  # the part's submit_sm_resp: an error status raises
            except (smpplib.exceptions.PDUError, smpplib.exceptions.ConnectionError, OSError) as error:
                raise SmsFailed(f"the SMS centre did not take the text: {error}") from None
            finally:
                _close(client)
        return ids[0] if ids else ""


def _close(client: smpplib.client.Client) -> None:
    """Unbind if bound (a centre counts sessions left bound against the account), then disconnect."""
    if client.state == smpplib.consts.SMPP_CLIENT_STATE_BOUND_TX:
        with contextlib.suppress(smpplib.exceptions.PDUError, smpplib.exceptions.ConnectionError, OSError):
            client.unbind()
    client.disconnect()


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


class HttpSender:
    def __init__(self, url: str, token: str | None) -> None:
        self.url, self.token = url, token

    def send(self, number: str, text: str) -> str:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = httpx.post(
                self.url, json={"to": number, "text": text}, headers=headers, timeout=HTTP_TIMEOUT
            )
        except httpx.HTTPError as error:
            raise SmsFailed(f"the SMS gateway could not be reached: {type(error).__name__}") from None
        if not response.is_success:
            raise SmsFailed(f"the SMS gateway answered {response.status_code}")
        try:
            return str(response.json().get("id", ""))
        except ValueError:
            return ""


def sender_from_url(url: str, token: str | None = None) -> SmsSender:
    """The sender a `BZ_SMS_URL` names."""
    if url == "none":
        return NoSender()
    parts = urlsplit(url)
    if parts.scheme == "smpp":
        source = parse_qs(parts.query).get("from", [""])[0]
        if not (parts.hostname and parts.username and source):
            raise InvalidInput(
                "an SMPP URL is smpp://SYSTEM_ID:PASSWORD@HOST:PORT?from=SENDER", code="bad_sms_url"
            )
        return SmppSender(
            parts.hostname,
            parts.port or 2775,
            unquote(parts.username),
            unquote(parts.password or ""),
            source,
        )
    if parts.scheme in ("http", "https") and parts.hostname:
        return HttpSender(url, token)
    raise InvalidInput("the SMS URL is none, smpp://… or https://…", code="bad_sms_url")
