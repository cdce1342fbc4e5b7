"""Optional detached Ed25519 signature of manifest.json: written at publication when CRFGEN_SIGNING_KEY
names a key, checked by `crf-gen audit --public-key`; a wrong key, an edited signature or an unsigned
package fail; a key that is not Ed25519 stops the publication."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.publication.audit import audit_package
from crfgen_core.publication.publisher import publish_package
from crfgen_core.publication.signature import SIGNATURE_NAME, SIGNING_KEY_ENV, SigningKeyError
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

CRF_GEN = Path(sys.executable).parent / "crf-gen"


@pytest.fixture(scope="module")
def design() -> CRFDesign:
    return design_crf(
        read_protocol(example_protocol_path("pdf")), load_bundled_ct(), load_bundled_standards()
    )


def _key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    private, public = folder / f"{name}.pem", folder / f"{name}.pub.pem"
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return private, public


def _publish(design: CRFDesign, tmp_path: Path) -> Path:
    source = tmp_path / "rendered" / "protocol.pdf"
    source.parent.mkdir(exist_ok=True)
    shutil.copyfile(example_protocol_path("pdf"), source)
    return publish_package(design, [source], tmp_path / "data" / "outbox").directory


def _audit(package: Path, public: Path) -> subprocess.CompletedProcess[str]:
    command = [str(CRF_GEN), "audit", str(package), "--public-key", str(public)]
    return subprocess.run(command, capture_output=True, text=True)


def test_a_signed_package_verifies_and_a_wrong_key_or_edited_signature_fails(
    design: CRFDesign, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, public = _key_pair(tmp_path, "publisher")
    _, other = _key_pair(tmp_path, "someone-else")
    monkeypatch.setenv(SIGNING_KEY_ENV, str(private))
    package = _publish(design, tmp_path)
    assert (package / SIGNATURE_NAME).is_file()
    report = audit_package(package, public_key=public)
    assert report.ok and report.signature == "verified with publisher.pub.pem"
    verified = _audit(package, public)
    assert verified.returncode == 0 and "signature  verified with publisher.pub.pem" in verified.stdout
    assert _audit(package, other).returncode == 1
    signature = (package / SIGNATURE_NAME).read_bytes()
    (package / SIGNATURE_NAME).write_bytes(
        signature[:10] + (b"A" if signature[10:11] != b"A" else b"B") + signature[11:]
    )
    edited = _audit(package, public)
    assert edited.returncode == 1 and f"FAIL {SIGNATURE_NAME}: does not verify" in edited.stdout


def test_an_unsigned_package_fails_only_when_a_public_key_is_given(
    design: CRFDesign, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SIGNING_KEY_ENV, raising=False)
    _, public = _key_pair(tmp_path, "publisher")
    package = _publish(design, tmp_path)
    assert not (package / SIGNATURE_NAME).exists() and audit_package(package).ok
    assert f"{SIGNATURE_NAME}: missing" in audit_package(package, public_key=public).problems[0]


def test_a_key_that_is_not_ed25519_stops_the_publication(
    design: CRFDesign, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rsa = tmp_path / "rsa.pem"
    rsa.write_bytes(
        generate_private_key(65537, 2048).private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    )
    monkeypatch.setenv(SIGNING_KEY_ENV, str(rsa))
    with pytest.raises(SigningKeyError, match="Ed25519"):
        _publish(design, tmp_path)
    assert not list((tmp_path / "data" / "outbox").glob("*/*/manifest.json"))
