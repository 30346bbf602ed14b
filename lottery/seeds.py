"""Draw seeds encrypted at rest: the seed keys, sealing and opening — the one module that handles them.

LOTTERY.md ("Commit"): the seed is stored server-side, encrypted with a key that is not in the
database, and shown to nobody until the reveal. Anyone who could read a seed in clear before the
meeting could compute the result for any entropy and steer it; sealed, the database alone gives
nothing away.

- Keys come from the environment, never from the database: ``DRAW_SEED_KEY`` is the current key
  (32 random bytes, urlsafe base64 — ``flask draws new-seed-key`` prints one), separate from
  ``SECRET_KEY``; ``DRAW_SEED_OLD_KEYS`` lists older keys (comma-separated) still accepted for
  opening after a rotation. Production refuses to start without ``DRAW_SEED_KEY`` (config.py);
  the embedded default without it makes a key once in ``instance/draw_seed_key`` (mode 0600,
  beside — not inside — the database); the tests use a fixed key.
- A sealed seed reads ``<key id>:<nonce ‖ AES-256-GCM ciphertext ‖ tag, urlsafe base64>``. The key
  id (first 8 hex digits of sha256(key)) names the key that opens it; the draw id is the
  associated data, so a sealed seed copied onto another draw does not open.
- Only the draw step and the abandonment (which reveal the seed), and the rotation (which seals it
  again under the current key: ``flask draws rotate-seed-key``), open a seed. The services then
  check sha256(seed) against the published commitment before using it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from config import ConfigError
from lottery.errors import SeedUnavailable

KEY_BYTES = 32
NONCE_BYTES = 12
#: Where the embedded default keeps the key it made, in the instance folder.
KEY_FILE_NAME = "draw_seed_key"
#: Bound into every ciphertext with the draw id: a sealed seed opens for its own draw only.
_CONTEXT = b"smallworks-draw-seed/1\n"
_EXTENSION = "draw_seed_keyring"


def new_key() -> str:
    """A fresh key for DRAW_SEED_KEY: 32 random bytes, urlsafe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def parse_key(text: str, name: str = "DRAW_SEED_KEY") -> bytes:
    """A key from its urlsafe-base64 text (padding optional); ConfigError, naming `name`, if it
    is not exactly 32 bytes."""
    raw = (text or "").strip()
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigError(
            f"{name} must be {KEY_BYTES} random bytes in urlsafe base64 (44 characters); "
            "make one with `flask draws new-seed-key`."
        )
    return key


def key_id(key: bytes) -> str:
    """The public name of a key, written before each ciphertext: never the key itself."""
    return hashlib.sha256(key).hexdigest()[:8]


def _associated_data(draw_id: str) -> bytes:
    return _CONTEXT + draw_id.encode("ascii")


@dataclass(frozen=True)
class Keyring:
    """The current key, which seals, and the older ones, which still open."""

    current: bytes
    old: tuple[bytes, ...] = ()

    def __repr__(self) -> str:  # never the keys
        return f"<Keyring {self.current_id} +{len(self.old)} old>"

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def seal(self, seed: bytes, draw_id: str) -> str:
        """The seed of draw `draw_id` sealed under the current key."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.current).encrypt(nonce, seed, _associated_data(draw_id))
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{self.current_id}:{body}"

    @staticmethod
    def key_id_of(sealed: str) -> str:
        return (sealed or "").partition(":")[0]

    def open(self, sealed: str, draw_id: str) -> bytes:
        """The seed of draw `draw_id`; SeedUnavailable (nothing is drawn) if its key is not
        configured, or it does not open (another key, another draw's ciphertext, tampering)."""
        kid, _sep, body = (sealed or "").partition(":")
        keys = {key_id(k): k for k in (*self.old, self.current)}
        key = keys.get(kid)
        if key is None:
            raise SeedUnavailable(
                f"抽签 {draw_id} 的种子以密钥 {kid or '?'} 加密，该密钥未配置"
                "（DRAW_SEED_KEY 或 DRAW_SEED_OLD_KEYS），不能摇号；请配置该密钥后重试",
                f"The seed of draw {draw_id} is sealed under key {kid or '?'}, which is neither "
                "DRAW_SEED_KEY nor in DRAW_SEED_OLD_KEYS; nothing was drawn — configure that key "
                "and try again",
            )
        try:
            data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            seed = AESGCM(key).decrypt(
                data[:NONCE_BYTES], data[NONCE_BYTES:], _associated_data(draw_id)
            )
        except (InvalidTag, binascii.Error, ValueError):
            raise SeedUnavailable(
                f"抽签 {draw_id} 的加密种子无法解密（密钥不符，或密文属于另一个抽签、已被改动），"
                "不能摇号",
                f"The sealed seed of draw {draw_id} does not open (a wrong key, or the "
                "ciphertext belongs to another draw or was altered); nothing was drawn",
            ) from None
        return seed


def _key_from_file(path: Path) -> str:
    """The embedded default's key: made once, kept outside the database, readable by us only."""
    if not path.exists():
        # Written whole under a temporary name, then linked into place: two processes starting
        # at once (`flask run` and a CLI command) agree on one key, and none reads half a key.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(new_key())
        try:
            # Another process that linked its key first wins: then that key is the one read.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip()


def keyring_from_settings(settings, instance_path: str | os.PathLike) -> Keyring:
    """The keyring the settings describe. Without DRAW_SEED_KEY: the instance key file where
    allowed (DRAW_SEED_KEY_FILE, the embedded default), else ConfigError (production)."""
    text = settings.get("DRAW_SEED_KEY")
    if not text:
        if not settings.get("DRAW_SEED_KEY_FILE"):
            raise ConfigError(
                "DRAW_SEED_KEY is not set: draw seeds are encrypted at rest with a key that is "
                "not in the database. Make one with `flask draws new-seed-key` and set it in the "
                "environment."
            )
        text = _key_from_file(Path(instance_path) / KEY_FILE_NAME)
    current = parse_key(text)
    old_texts = [t for t in (settings.get("DRAW_SEED_OLD_KEYS") or "").split(",") if t.strip()]
    old = tuple(parse_key(t, "each of DRAW_SEED_OLD_KEYS") for t in old_texts)
    return Keyring(current, tuple(k for k in old if k != current))


def init_app(app) -> None:
    """Load the keyring at start-up, so a missing or malformed key stops the app at once."""
    app.extensions[_EXTENSION] = keyring_from_settings(app.config, app.instance_path)


def keyring() -> Keyring:
    """The running app's keyring."""
    from flask import current_app

    return current_app.extensions[_EXTENSION]
