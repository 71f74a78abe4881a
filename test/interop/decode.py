#!/usr/bin/python3
"""Independent decoder for the Infrastructure Backup Console's backup format.

Written from docs/BACKUP-FORMAT.md alone (not from the TypeScript engine), with
the Python standard library and Debian's python3-cryptography. Run it with
/usr/bin/python3:

    printf '%s' "$PFX_PASSWORD" | /usr/bin/python3 decode.py BACKUP_FOLDER KEY.pfx OUT_DIR [SIGNER_PUBLIC_KEY]

Writes OUT_DIR/<component>.tar (folder sources) or OUT_DIR/<component>.raw
(command sources). Checks the station signature of a version-2 manifest and
prints its signer; with SIGNER_PUBLIC_KEY (base64 of 32 bytes) it also
requires that signer. Exits 1 with a message on any integrity failure.
"""
import base64
import gzip
import hashlib
import hmac
import json
import os
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12

MAGIC = b"IBCSTRM1"
TAG = 16


class IntegrityError(Exception):
    pass


def hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def canonical(value) -> str:
    # Keys sorted, no white space, non-ASCII unescaped, absent members omitted.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def unwrap_data_key(manifest: dict, private_key) -> bytes:
    enc = manifest["encryption"]
    if enc["mode"] != "certificate" or enc["algorithm"] != "RSA-OAEP-256":
        raise IntegrityError("this decoder handles certificate-mode backups")
    try:
        return private_key.decrypt(
            base64.b64decode(enc["wrappedKey"]),
            padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
        )
    except ValueError as error:
        raise IntegrityError(f"wrong key: the .pfx does not open this backup (recipient {enc['recipientThumbprint']})") from error


def check_signature(manifest: dict, expected_signer):
    """Version 2: Ed25519 over "ibc-manifest-signature-v2\\0" + canonical(manifest without "signature")."""
    signature = manifest.get("signature")
    if manifest["formatVersion"] == 1 and signature is None:
        if expected_signer:
            raise IntegrityError("unsigned (version 1) manifest, but a signer was required")
        return "unsigned (made before signing)"
    if signature is None or signature.get("algorithm") != "Ed25519":
        raise IntegrityError("version 2 manifest without an Ed25519 signature")
    body = {k: v for k, v in manifest.items() if k != "signature"}
    message = b"ibc-manifest-signature-v2\x00" + canonical(body).encode("utf-8")
    raw_key = base64.b64decode(signature["publicKey"], validate=True)
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(base64.b64decode(signature["value"], validate=True), message)
    except Exception as error:
        raise IntegrityError("bad signature: the manifest does not verify with its signer's key") from error
    if expected_signer and signature["publicKey"] != expected_signer:
        raise IntegrityError(f"unknown signer {signature['publicKey']} (expected {expected_signer})")
    return f"signed by {signature['publicKey']}"


def check_mac(manifest: dict, data_key: bytes) -> None:
    body = {k: v for k, v in manifest.items() if k not in ("mac", "signature")}
    key = hkdf(data_key, manifest["backupId"].encode("utf-8"), b"ibc-manifest-v1")
    expected = hmac.new(key, canonical(body).encode("utf-8"), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, base64.b64decode(manifest["mac"])):
        raise IntegrityError("manifest tampered: the MAC does not match")


def nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def decrypt_stream(data: bytes, key: bytes, component: dict) -> bytes:
    if len(data) < 16 or data[:8] != MAGIC or data[8] != 1 or data[11] != 0:
        raise IntegrityError(f"{component['name']}: bad header")
    header = data[:16]
    compression = {0: "none", 1: "gzip"}.get(data[9])
    payload = {0: "tar", 1: "raw"}.get(data[10])
    (chunk_size,) = struct.unpack(">I", data[12:16])
    if compression != component["compression"] or payload != component["payload"]:
        raise IntegrityError(f"{component['name']}: header does not match the manifest")
    aead = AESGCM(key)
    sealed = chunk_size + TAG
    offset, index, out = 16, 0, bytearray()
    while len(data) - offset > sealed:
        try:
            out += aead.decrypt(nonce(index, False), data[offset : offset + sealed], header)
        except Exception as error:
            raise IntegrityError(f"{component['name']}: chunk {index} failed authentication") from error
        offset += sealed
        index += 1
    rest = data[offset:]
    if len(rest) < TAG:
        raise IntegrityError(f"{component['name']}: truncated")
    try:
        out += aead.decrypt(nonce(index, True), rest, header)
    except Exception as error:
        raise IntegrityError(f"{component['name']}: final chunk failed authentication (truncated or altered)") from error
    plain = bytes(out)
    return gzip.decompress(plain) if compression == "gzip" else plain


def main() -> int:
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    folder, pfx_path, out_dir = sys.argv[1:4]
    expected_signer = sys.argv[4] if len(sys.argv) == 5 else None
    password = sys.stdin.read().rstrip("\r\n").encode("utf-8")
    with open(pfx_path, "rb") as handle:
        private_key, _certificate, _extra = pkcs12.load_key_and_certificates(handle.read(), password)
    with open(os.path.join(folder, "manifest.json"), "rb") as handle:
        manifest = json.loads(handle.read().decode("utf-8"))
    if manifest.get("formatVersion") not in (1, 2):
        raise IntegrityError("unsupported formatVersion")
    print(check_signature(manifest, expected_signer))
    data_key = unwrap_data_key(manifest, private_key)
    check_mac(manifest, data_key)
    os.makedirs(out_dir, exist_ok=True)
    backup_id = manifest["backupId"].encode("utf-8")
    for component in manifest["components"]:
        if component["state"] != "Succeeded":
            continue
        with open(os.path.join(folder, component["file"]), "rb") as handle:
            stored = handle.read()
        if len(stored) != component["storedBytes"] or hashlib.sha256(stored).hexdigest() != component["sha256"]:
            raise IntegrityError(f"{component['name']}: size or SHA-256 differs from the manifest")
        key = hkdf(data_key, backup_id, b"ibc-component-v1\x00" + component["name"].encode("utf-8"))
        plain = decrypt_stream(stored, key, component)
        suffix = "tar" if component["payload"] == "tar" else "raw"
        with open(os.path.join(out_dir, f"{component['name']}.{suffix}"), "wb") as handle:
            handle.write(plain)
        print(f"{component['name']}: {len(plain)} bytes")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except IntegrityError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
