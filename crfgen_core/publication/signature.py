"""Optional detached Ed25519 signature of a package's manifest.json.

The ledger anchors a manifest on the machine that published it; a signature lets anyone holding the
public key check, anywhere, that the manifest (and through its sha256 list, every file) is what the
publisher produced. With `CRFGEN_SIGNING_KEY` naming a PEM Ed25519 private key, publication writes
`manifest.json.sig` (base64 of the signature over the manifest's bytes) beside the manifest; it is not
listed in the manifest, which it signs. Create a key pair with OpenSSL:

    openssl genpkey -algorithm ed25519 -out signing.pem
    openssl pkey -in signing.pem -pubout -out signing.pub.pem
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from crfgen_core.publication.manifest import MANIFEST_NAME

SIGNATURE_NAME = "manifest.json.sig"
SIGNING_KEY_ENV = "CRFGEN_SIGNING_KEY"


class SigningKeyError(ValueError):
    """The configured key is unreadable or not an Ed25519 key: a package is never published unsigned
    when signing was asked for."""


def sign_manifest(package: Path, key_path: str | None = None) -> Path | None:
    """Sign `package`/manifest.json with the key `key_path` (default: $CRFGEN_SIGNING_KEY); return the
    signature file, or None when no key is configured."""
    key_path = key_path if key_path is not None else os.environ.get(SIGNING_KEY_ENV)
    if not key_path:
        return None
    try:
        key = load_pem_private_key(Path(key_path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        message = f"{SIGNING_KEY_ENV}={key_path}: not a readable PEM private key ({exc})"
        raise SigningKeyError(message) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{SIGNING_KEY_ENV}={key_path}: an Ed25519 key is required")
    signature = key.sign((package / MANIFEST_NAME).read_bytes())
    target = package / SIGNATURE_NAME
    target.write_bytes(base64.b64encode(signature) + b"\n")
    return target


def signature_problem(package: Path, public_key: Path) -> str | None:
    """Check the package's signature with the PEM Ed25519 public key; return what is wrong, or None."""
    signature_file = package / SIGNATURE_NAME
    if not signature_file.is_file():
        return f"{SIGNATURE_NAME}: missing (the package is not signed)"
    try:
        key = load_pem_public_key(public_key.read_bytes())
    except (OSError, ValueError) as exc:
        return f"public key {public_key}: not a readable PEM public key ({exc})"
    if not isinstance(key, Ed25519PublicKey):
        return f"public key {public_key}: not an Ed25519 key"
    try:
        key.verify(base64.b64decode(signature_file.read_bytes().strip(), validate=True),
                   (package / MANIFEST_NAME).read_bytes())  # fmt: skip
    except (InvalidSignature, binascii.Error):
        return f"{SIGNATURE_NAME}: does not verify {MANIFEST_NAME} with {public_key.name}"
    return None
