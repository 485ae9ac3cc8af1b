//! Ed25519 signatures over `manifest.json`. Keys are PEM files as OpenSSL writes them:
//!
//! ```text
//! openssl genpkey -algorithm ed25519 -out evidence-key.pem          # private (PKCS#8)
//! openssl pkey -in evidence-key.pem -pubout -out evidence-key.pub   # public (SPKI)
//! ```
//!
//! The signature file `manifest.sig` holds the 64-byte signature in base64 and a newline.

use std::path::Path;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{Signature, Signer, Verifier};

pub use ed25519_dalek::{SigningKey, VerifyingKey};

use super::EvidenceError;

/// Reads a PKCS#8 PEM private key.
pub fn read_signing_key(path: &Path) -> Result<SigningKey, EvidenceError> {
    let text = std::fs::read_to_string(path).map_err(|e| EvidenceError::io(path, e))?;
    SigningKey::from_pkcs8_pem(&text).map_err(|e| {
        EvidenceError::Key(format!(
            "{}: not an Ed25519 private key in PKCS#8 PEM (`openssl genpkey -algorithm ed25519`): {e}",
            path.display()
        ))
    })
}

/// Reads an SPKI PEM public key.
pub fn read_verifying_key(path: &Path) -> Result<VerifyingKey, EvidenceError> {
    let text = std::fs::read_to_string(path).map_err(|e| EvidenceError::io(path, e))?;
    VerifyingKey::from_public_key_pem(&text).map_err(|e| {
        EvidenceError::Key(format!(
            "{}: not an Ed25519 public key in PEM (`openssl pkey -pubout`): {e}",
            path.display()
        ))
    })
}

/// SHA-256 of the raw public key, hex: the key's identity in the manifest.
pub fn key_id(key: &VerifyingKey) -> String {
    super::manifest::sha256_hex(key.as_bytes())
}

/// The contents of `manifest.sig` for `manifest`.
pub fn sign(key: &SigningKey, manifest: &[u8]) -> Vec<u8> {
    let signature = key.sign(manifest);
    let mut out = data_encoding::BASE64
        .encode(&signature.to_bytes())
        .into_bytes();
    out.push(b'\n');
    out
}

/// Checks `manifest.sig` against `manifest` with `key`.
pub fn check(key: &VerifyingKey, manifest: &[u8], sig_file: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(sig_file).map_err(|_| "manifest.sig is not text".to_string())?;
    let raw = data_encoding::BASE64
        .decode(text.trim().as_bytes())
        .map_err(|e| format!("manifest.sig is not base64: {e}"))?;
    let bytes: [u8; 64] = raw
        .as_slice()
        .try_into()
        .map_err(|_| format!("manifest.sig holds {} bytes, not 64", raw.len()))?;
    key.verify(manifest, &Signature::from_bytes(&bytes))
        .map_err(|_| "the signature does not match manifest.json and this public key".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_check() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let sig = sign(&key, b"manifest");
        assert!(check(&key.verifying_key(), b"manifest", &sig).is_ok());
        assert!(check(&key.verifying_key(), b"manifesT", &sig).is_err());
        let other = SigningKey::from_bytes(&[8; 32]);
        assert!(check(&other.verifying_key(), b"manifest", &sig).is_err());
        assert!(check(&key.verifying_key(), b"manifest", b"!!").is_err());
    }
}
