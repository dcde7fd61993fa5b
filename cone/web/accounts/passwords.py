"""Passwords as NIST SP 800-63B asks: the rules a new one must meet (length after collapsing
runs of spaces, not common, not the person's own name or address), and its hash: an HMAC with a
pepper kept outside the database, then the configured slow hash (scrypt)."""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
from pathlib import Path

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

PASSWORD_MIN, PASSWORD_MAX = 12, 128
PEPPERED = "hmac-sha256$"        # the prefix of a hash made from the peppered password
COMMON_LIST = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
SPACE_RUNS = re.compile(r" {2,}")
OWN_WORD_MIN = 3                 # shorter parts of a name or address are too common to refuse


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the most common passwords (data/README.md says whence), lower case."""
    return frozenset(line.strip().lower() for line in COMMON_LIST.read_text(encoding="utf-8").splitlines()
                     if line.strip())


def collapsed(password: str) -> str:
    """The password with each run of spaces counted as one space."""
    return SPACE_RUNS.sub(" ", password)


def is_common(password: str) -> bool:
    """On the list, or two of its entries run together, compared without case or spaces."""
    bare = "".join(password.lower().split())
    listed = common_passwords()
    return bare in listed or any(bare[:i] in listed and bare[i:] in listed for i in range(1, len(bare)))


def own_words(email: str, name: str) -> list[str]:
    """The parts of the person's address and name a password must not contain."""
    local = email.split("@")[0].lower()
    words = [email.lower(), local, name.lower(), *re.split(r"[\W_]+", local), *name.lower().split()]
    return sorted({w for w in words if len(w) >= OWN_WORD_MIN})


def problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why `password` cannot be chosen by the person with that e-mail address and name, or None
    (the one rule of the web forms and the CLI)."""
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters"
    if len(collapsed(password)) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters (a run of spaces counts as one)"
    if is_common(password):
        return "This password is too common: it is on the lists attackers try first. Choose another"
    lowered = password.lower()
    if any(word in lowered for word in own_words(email, name)):
        return "Do not use your name or e-mail address in your password"
    return None


def pepper() -> bytes:
    key = current_app.config["PASSWORD_PEPPER"]
    return key.encode() if isinstance(key, str) else key


def _peppered(password: str) -> str:
    return hmac.new(pepper(), password.encode(), hashlib.sha256).hexdigest()


def hash_password(password: str) -> str:
    """The stored hash: the configured slow hash of the password's HMAC under the pepper."""
    return PEPPERED + generate_password_hash(_peppered(password), method=current_app.config["PASSWORD_HASH_METHOD"])


def verify(password_hash: str, password: str) -> bool:
    """True when `password` matches the hash, peppered or made before the pepper."""
    if password_hash.startswith(PEPPERED):
        return check_password_hash(password_hash.removeprefix(PEPPERED), _peppered(password))
    return check_password_hash(password_hash, password)


def needs_upgrade(password_hash: str) -> bool:
    """True for a hash made before the pepper (rehashed at the next sign-in)."""
    return not password_hash.startswith(PEPPERED)
