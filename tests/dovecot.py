"""A private Dovecot IMAP server on a loopback port, for the IMAP tests.

Debian's ``dovecot-imapd`` started in the foreground with a throw-away configuration: plain
login allowed without TLS (loopback only), TLS as well (implicit on ``tls_port``, STARTTLS on
``port``) with a self-signed certificate for 127.0.0.1 (:attr:`DovecotServer.certificate`),
maildir storage, test users from a passwd-file, logs in the server's folder. Mail is delivered
by IMAP APPEND. Everything lives in a fresh folder under the system temporary directory
(world-traversable, so that Dovecot's unprivileged processes can reach it when the tests run
as root) and is removed by :meth:`DovecotServer.stop`. It also runs as an ordinary user.

A missing Dovecot is a failure, not a skip: CI installs it (``scripts/install-system-deps``).
"""

from __future__ import annotations

import contextlib
import grp
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

USER = "alice"
PASSWORD = "secret-de-test"  # a throw-away account of a test server
START_TIMEOUT = 60.0
POOL = 60  # test mailboxes user01…user60, besides alice

_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0 secs
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
imap_idle_notify_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
}}
service imap-login {{
  chroot = {chroot}
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot = {chroot}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
}}
"""


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if Path(p).exists()), None)
    if found is None:
        pytest.fail("Dovecot is not installed (Debian: apt-get install dovecot-imapd); the IMAP "
                    "tests need it", pytrace=False)
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class DovecotServer:
    root: Path
    port: int  # plain IMAP, STARTTLS offered
    tls_port: int  # implicit TLS
    process: subprocess.Popen[bytes]
    stderr: IO[bytes]
    host: str = "127.0.0.1"
    password: str = PASSWORD  # every test user has this one
    _used: int = 0

    def new_user(self) -> str:
        """A login with an empty mailbox of its own, for one test (Dovecot reads its
        passwd-file lazily, so the accounts are all written before it starts)."""
        self._used += 1
        if self._used > POOL:
            raise RuntimeError(f"more than {POOL} test mailboxes: raise tests.dovecot.POOL")
        return f"user{self._used:02d}"

    @contextlib.contextmanager
    def client(self, user: str = USER) -> Iterator[IMAPClient]:
        imap = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        imap.login(user, self.password)
        try:
            yield imap
        finally:
            with contextlib.suppress(Exception):
                imap.logout()

    def deliver(self, raw: bytes, folder: str = "INBOX", *, user: str = USER) -> None:
        """Put ``raw`` in ``folder`` as a delivered (unread) mail."""
        with self.client(user) as imap:
            if not imap.folder_exists(folder):
                imap.create_folder(folder)
            imap.append(folder, raw, flags=())

    def message_ids(self, folder: str, *, user: str = USER) -> list[str]:
        """The Message-ID headers of the mails in ``folder``, in UID order."""
        with self.client(user) as imap:
            if not imap.folder_exists(folder):
                return []
            imap.select_folder(folder, readonly=True)
            uids = imap.search("ALL")
            found = imap.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
        return [found[uid][b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip()
                for uid in sorted(found)]

    def flags(self, folder: str, *, user: str = USER) -> list[tuple[bytes, ...]]:
        """The flags of each mail in ``folder``, in UID order."""
        with self.client(user) as imap:
            imap.select_folder(folder, readonly=True)
            uids = imap.search("ALL")
            found = imap.get_flags(uids) if uids else {}
        return [tuple(found[uid]) for uid in sorted(found)]

    @property
    def certificate(self) -> Path:
        """The server's self-signed certificate, to trust in an SSL context."""
        return self.root / "cert.pem"

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)


def _self_signed_certificate(root: Path) -> None:
    """``cert.pem`` / ``key.pem`` for 127.0.0.1 (cryptography comes with msal)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    (root / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (root / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


def _mail_account() -> pwd.struct_passwd:
    """The system account mail processes run as (Dovecot refuses root)."""
    return pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())


def start_dovecot() -> DovecotServer:
    """Start a private Dovecot and wait until it answers; the caller must ``stop()`` it."""
    binary = dovecot_binary()
    root = Path(tempfile.mkdtemp(prefix="automation-dovecot-"))
    root.chmod(0o755)
    account = _mail_account()
    if os.geteuid() == 0:  # unprivileged helpers, login processes chrooted
        internal, login, chroot = account.pw_name, "dovenull", "login"
    else:  # everything runs as the current user
        internal = login = account.pw_name
        chroot = ""
    lines = []
    for name in (USER, *(f"user{n:02d}" for n in range(1, POOL + 1))):
        home = root / "home" / name
        home.mkdir(parents=True)
        if os.geteuid() == 0:
            os.chown(home.parent, account.pw_uid, account.pw_gid)
            os.chown(home, account.pw_uid, account.pw_gid)
        lines.append(f"{name}:{{PLAIN}}{PASSWORD}:{account.pw_uid}:{account.pw_gid}::{home}\n")
    (root / "users").write_text("".join(lines))
    port = free_port()
    config = root / "dovecot.conf"
    group = grp.getgrgid(account.pw_gid).gr_name
    tls_port = free_port()
    _self_signed_certificate(root)
    config.write_text(_CONFIG.format(root=root, port=port, tls_port=tls_port, internal=internal,
                                     group=group, login=login, chroot=chroot))
    stderr = (root / "stderr.log").open("wb")
    process = subprocess.Popen([binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=stderr)
    server = DovecotServer(root=root, port=port, tls_port=tls_port, process=process,
                           stderr=stderr)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            message = (root / "stderr.log").read_text(errors="replace") + server.log()
            server.stop()
            pytest.fail(f"Dovecot stopped at start-up:\n{message}", pytrace=False)
        try:
            with server.client():
                return server
        except Exception:  # not listening, or not ready to log in yet: wait
            time.sleep(0.1)
    message = server.log()
    server.stop()
    pytest.fail(f"Dovecot did not answer within {START_TIMEOUT} s:\n{message}", pytrace=False)
