"""The town's mobile network for the simulator: the server's texts reach the simulated people's phones.
It is an SMS sender (sms/senders.py) like the SMPP and HTTP ones, with an inbox per number in place of a
carrier's radio network."""

from __future__ import annotations

from collections import defaultdict


class SimulatedCarrier:
    def __init__(self) -> None:
        self.inbox: defaultdict[str, list[str]] = defaultdict(list)
        self.delivered = 0

    def send(self, number: str, text: str) -> str:
        self.inbox[number].append(text)
        self.delivered += 1
        return str(self.delivered)

    def latest(self, number: str) -> str | None:
        texts = self.inbox.get(number)
        return texts[-1] if texts else None


def number_of(person: int) -> str:
    """A simulated person's mobile number (Viet Nam's +84 9x, unique per person)."""
    return f"+849{person:08d}"
