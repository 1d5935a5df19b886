"""A reviewer's signing key at rest: AES-256-GCM under a key derived with argon2id.

The store holds the private key (PKCS#8), the certificate and any chain certificates (e.g. the
force's CA). The key that encrypts it is derived from the sign-off passphrase with argon2id
(memory-hard: tens of MiB per guess), and nothing else is kept beside it: there is no fast
checksum or MAC to test a guess against, only the GCM tag that needs the derived key first.

Stores written before this format are PKCS#12 files (2,048-iteration SHA-256 MAC). They are still
opened (:func:`open_key_store` reports ``legacy=True``) so the caller can re-seal them in this
format on the next successful unlock.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import pkcs12

from workbench.errors import WorkbenchError

__all__ = ["KDF_PARAMS", "KeyMaterial", "KeyStoreError", "open_key_store", "seal_key_store", "is_sealed"]

MAGIC = b"WBKEYSTORE1\n"
# argon2id cost per guess; tests lower it. 64 MiB, 3 passes (RFC 9106's second recommendation).
KDF_PARAMS: dict[str, int] = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 2}


class KeyStoreError(WorkbenchError, ValueError):
    """The key store cannot be opened: wrong passphrase, or not a key store."""

    #: True when the store itself is corrupted (unreadable structure), not merely locked
    damaged: bool = False


class DamagedKeyStoreError(KeyStoreError):
    """The stored bytes are not a readable key store at all: corrupted, not locked."""

    damaged = True


@dataclass(frozen=True)
class KeyMaterial:
    """An unlocked signing key, its certificate and the chain above it (issuer first)."""

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    legacy: bool = field(default=False, compare=False)  # opened from an old PKCS#12 store

    def signer(self) -> Any:
        """A pyHanko signer for this key (the chain travels inside each signature)."""
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        der_key = self.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        cert = asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))
        chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in self.chain]
        return signers.SimpleSigner(signing_cert=cert, signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
                                    cert_registry=SimpleCertificateStore.from_certs([cert, *chain]))


def is_sealed(data: bytes) -> bool:
    """True for a store in the current (argon2id + AES-GCM) format."""
    return bytes(data[: len(MAGIC)]) == MAGIC


def _derive(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=params["time_cost"],
                           memory_cost=params["memory_cost"], parallelism=params["parallelism"],
                           hash_len=32, type=Type.ID)


def seal_key_store(material: KeyMaterial, passphrase: str) -> bytes:
    """Encrypt the key, certificate and chain under ``passphrase``."""
    if not passphrase:
        raise KeyStoreError("an empty passphrase would leave the signing key unprotected; choose one")
    salt, nonce = os.urandom(16), os.urandom(12)
    params = dict(KDF_PARAMS)
    header = json.dumps({"kdf": "argon2id", **params, "salt": base64.b64encode(salt).decode(),
                         "nonce": base64.b64encode(nonce).decode(), "cipher": "AES-256-GCM"},
                        sort_keys=True).encode()
    der = material.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    payload = json.dumps({
        "key": base64.b64encode(der).decode(),
        "certificate": base64.b64encode(material.certificate.public_bytes(serialization.Encoding.DER)).decode(),
        "chain": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in material.chain],
    }).encode()
    body = AESGCM(_derive(passphrase, salt, params)).encrypt(nonce, payload, header)
    return MAGIC + struct.pack(">I", len(header)) + header + body


def open_key_store(data: bytes, passphrase: str) -> KeyMaterial:
    """Unlock a store; KeyStoreError on a wrong passphrase or a damaged store."""
    data = bytes(data)
    if not is_sealed(data):
        return _open_legacy_pkcs12(data, passphrase)
    try:
        (size,) = struct.unpack(">I", data[len(MAGIC): len(MAGIC) + 4])
        start = len(MAGIC) + 4
        header_bytes = data[start: start + size]
        header = json.loads(header_bytes)
        params = {k: int(header[k]) for k in ("time_cost", "memory_cost", "parallelism")}
        salt, nonce = base64.b64decode(header["salt"]), base64.b64decode(header["nonce"])
        if header.get("kdf") != "argon2id" or header.get("cipher") != "AES-256-GCM":
            raise ValueError("unknown algorithms")
        if not (1 <= params["time_cost"] <= 64 and 8 <= params["memory_cost"] <= 4 * 1024 * 1024
                and 1 <= params["parallelism"] <= 64):
            raise ValueError("key derivation parameters out of range")
    except (ValueError, KeyError, TypeError, struct.error) as exc:
        raise DamagedKeyStoreError("the stored signing key is corrupted (its header cannot be read)",
                                   "import the certificate again (workbench certificate import)") from exc
    try:
        payload = json.loads(AESGCM(_derive(passphrase, salt, params)).decrypt(nonce, data[start + size:],
                                                                                header_bytes))
    except InvalidTag:
        raise KeyStoreError("wrong passphrase for the signing key, or the stored key was altered",
                            "re-enter your sign-off passphrase (it is case-sensitive)") from None
    except (ValueError, TypeError) as exc:  # decrypted, but not the JSON this module sealed
        raise DamagedKeyStoreError("the stored signing key is corrupted (its content cannot be read)",
                                   "import the certificate again (workbench certificate import)") from exc
    try:
        key = serialization.load_der_private_key(base64.b64decode(payload["key"]), None)
        cert = x509.load_der_x509_certificate(base64.b64decode(payload["certificate"]))
        chain = tuple(x509.load_der_x509_certificate(base64.b64decode(c)) for c in payload.get("chain", []))
    except (ValueError, TypeError, KeyError) as exc:
        raise DamagedKeyStoreError("the stored signing key is corrupted (its key or certificate cannot be read)",
                                   "import the certificate again (workbench certificate import)") from exc
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise DamagedKeyStoreError("the stored signing key is neither RSA nor EC",
                                   "import an RSA or EC certificate (workbench certificate import)")
    return KeyMaterial(key, cert, chain)


def _is_pkcs12(data: bytes) -> bool:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3"
    except Exception:  # noqa: BLE001 - any parser failure means "not a PKCS#12"
        return False


def _open_legacy_pkcs12(data: bytes, passphrase: str) -> KeyMaterial:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8") or None)
    except ValueError:
        if not _is_pkcs12(data):
            raise DamagedKeyStoreError("the stored signing key is corrupted (it is neither a sealed key store nor "
                                       "a PKCS#12 file)", "import the certificate again (workbench certificate import)"
                                       ) from None
        raise KeyStoreError("wrong passphrase for the signing key (an older PKCS#12 store), or it is damaged",
                            "re-enter your sign-off passphrase (it is case-sensitive)") from None
    if key is None or cert is None or not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise KeyStoreError("the stored PKCS#12 holds no usable private key and certificate")
    return KeyMaterial(key, cert, tuple(extra or ()), legacy=True)


def material_from_pkcs12(data: bytes, passphrase: str, what: str = "the certificate file") -> KeyMaterial:
    """Read an imported PKCS#12 (.p12/.pfx) file: key, certificate and the CA chain inside it."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8") or None)
    except ValueError:
        raise KeyStoreError(f"{what} could not be opened: wrong passphrase for it, or not a PKCS#12 "
                            "(.p12/.pfx) file") from None
    if key is None or cert is None:
        raise KeyStoreError(f"{what} holds no private key and certificate pair; export it again with the "
                            "private key")
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise KeyStoreError(f"{what} holds a key type that cannot sign PDFs here; use an RSA or EC key")
    return KeyMaterial(key, cert, tuple(extra or ()))
