"""A real SMTP server for the notification tests (Debian python3-aiosmtpd).

Reads its configuration as one JSON line on stdin (never argv: it carries the
test account's password): certificate and key files, port, account, and the
folder each received message is written to (NNNN.json, written then renamed,
so a file that exists is complete). STARTTLS and AUTH are required; the
server prints "ready" once it accepts connections and stops when stdin closes.
"""
import email
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

config = json.loads(sys.stdin.readline())


class Handler:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        path = os.path.join(config["outDir"], "%04d.json" % self.count)
        with open(path + ".tmp", "w") as f:
            json.dump(
                {
                    "mailFrom": envelope.mail_from,
                    "rcptTos": envelope.rcpt_tos,
                    "subject": str(parsed["subject"]),
                    "headers": {k: str(v) for k, v in parsed.items()},
                    "body": parsed.get_content(),
                    "tls": session.ssl is not None,
                    "authenticated": bool(session.authenticated),
                },
                f,
            )
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == config["username"].encode()
        and auth_data.password == config["password"].encode()
    )
    return AuthResult(success=ok, handled=False)


if config.get("starttls", True):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(config["certFile"], config["keyFile"])
    security = dict(tls_context=context, require_starttls=True, auth_required=True, auth_require_tls=True)
else:
    # A server that offers no STARTTLS (a downgrade): the client must refuse to send.
    security = dict(auth_require_tls=False)
controller = Controller(Handler(), hostname="127.0.0.1", port=config["port"], authenticator=authenticator, **security)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
