"""Secrets (mailbox passwords) from the environment or the OS keyring — never from a file.

The value is returned to the caller and nowhere else: it is not logged, not put in an
exception message, not kept in a module variable. To store one in the keyring::

    python -m keyring set automation <login>
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Final

from automation.errors import ConfigError

log = logging.getLogger(__name__)

KEYRING_SERVICE: Final = "automation"
MAIL_PASSWORD_ENV: Final = "AUTOMATION_MAIL_PASSWORD"  # noqa: S105 - a variable's name
SMTP_PASSWORD_ENV: Final = "AUTOMATION_SMTP_PASSWORD"  # noqa: S105 - a variable's name


def lookup_secret(env_var: str, username: str, *, service: str = KEYRING_SERVICE,
                  environ: Mapping[str, str] | None = None) -> str | None:
    """The secret from ``env_var``, else from the keyring entry ``service``/``username``."""
    environ = os.environ if environ is None else environ
    value = environ.get(env_var)
    if value:
        return value
    if not username:
        return None
    import keyring  # its backends take a while to load: only when a secret is looked up
    from keyring.errors import KeyringError

    try:
        stored = keyring.get_password(service, username)
    except (KeyringError, OSError) as exc:  # no usable keyring backend on this machine
        log.debug("keyring unavailable (%s): %s", type(exc).__name__, exc)
        return None
    return stored or None


def require_secret(env_var: str, username: str, *, what: str, service: str = KEYRING_SERVICE,
                   environ: Mapping[str, str] | None = None) -> str:
    """Like :func:`lookup_secret`, but a missing secret is a :class:`ConfigError` saying how
    to provide it (the message never holds the value)."""
    value = lookup_secret(env_var, username, service=service, environ=environ)
    if value is None:
        raise ConfigError(
            f"Mot de passe {what} introuvable : définissez la variable d'environnement "
            f"{env_var}, ou enregistrez-le dans le trousseau du système avec "
            f"« python -m keyring set {service} {username or '<identifiant>'} ».")
    return value
