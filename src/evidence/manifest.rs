//! `manifest.json`: what an evidence bundle attests to — the tool, the time, the scope, the
//! SHA-256 of every input, policy, catalog and configuration file, and of every other file of
//! the bundle. `tenet verify` checks a bundle against it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the manifest's shape.
pub const MANIFEST_SCHEMA_VERSION: &str = "1";

/// The manifest's own name inside a bundle.
pub const MANIFEST: &str = "manifest.json";
/// The detached Ed25519 signature of `manifest.json` (base64), when the bundle is signed.
pub const SIGNATURE: &str = "manifest.sig";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub schema_version: String,
    pub tool: Tool,
    /// UTC, RFC 3339. Both equal `SOURCE_DATE_EPOCH` when it is set.
    pub started: String,
    pub finished: String,
    pub scope: Scope,
    /// The scanned files (and files read for context, such as Terraform modules).
    pub inputs: Vec<FileHash>,
    /// Every policy file in force (built-in ones are named `policies/...`).
    pub policies: Vec<FileHash>,
    pub catalogs: Vec<FileHash>,
    /// `.tenet.yaml`, the exceptions file, the baseline, variable files.
    pub configuration: Vec<FileHash>,
    /// Headline figures, for a reader of the manifest alone.
    pub results: Results,
    /// Every other file of the bundle.
    pub files: Vec<FileHash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// `scan` (files) or `audit` (live inventory).
    pub command: String,
    /// The paths given, relative to `base`.
    pub paths: Vec<String>,
    /// Frameworks reported on.
    pub frameworks: Vec<String>,
    /// The git commit of the scanned tree, when it is in a repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<Git>,
    /// For `audit`: provider, accounts, regions, subscriptions, projects, cluster, endpoints
    /// and the collection window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Git {
    pub commit: String,
    /// Whether the scanned paths had uncommitted changes (then the inputs' hashes, not the
    /// commit, say what was scanned).
    pub dirty: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileHash {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    /// What the file was for (`scanned`, `context`, `config`, `exceptions`, `baseline`,
    /// `var-file`, `rule`, `library`, `test`; absent for bundle files and catalogs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

impl FileHash {
    pub fn of(path: impl Into<String>, bytes: &[u8], role: Option<&str>) -> FileHash {
        FileHash {
            path: path.into(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
            role: role.map(str::to_string),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub files_scanned: usize,
    pub resources: usize,
    pub rules: usize,
    /// Unsuppressed findings.
    pub findings: usize,
    pub suppressed: usize,
    pub load_errors: usize,
    pub rule_errors: usize,
    /// Controls per status, per framework.
    pub controls: std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureInfo {
    pub algorithm: String,
    /// SHA-256 of the raw 32-byte Ed25519 public key: which key must verify `manifest.sig`.
    pub public_key_sha256: String,
    pub file: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    data_encoding::HEXLOWER.encode(&digest)
}
