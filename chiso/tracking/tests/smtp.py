"""A real SMTP server on loopback for tests (aiosmtpd), on a free port."""

import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Inbox:
    """The messages received; kept as bytes and parsed when read, so that the server thread does little
    while the code under test is sending (a benchmark sends hundreds of mails through it)."""

    def __init__(self):
        self.raw = []
        self.parsed = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.raw.append(envelope.content)
        return "250 OK"

    @property
    def messages(self):
        with self.lock:
            self.parsed += [message_from_bytes(b, policy=policy.default) for b in self.raw[len(self.parsed):]]
            return list(self.parsed)

    def to(self, address):
        """The messages to exactly this address (staff@… is not laws_staff@…)."""
        return [m for m in self.messages if address in [a.addr_spec for a in m["To"].addresses]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
