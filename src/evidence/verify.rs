//! `tenet verify`: recomputes every hash of a bundle and reports changed, missing and extra
//! files; checks the Ed25519 signature of the manifest with a public key; optionally checks
//! that the manifest is the one expected (its SHA-256) and that input files still match.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::manifest::{FileHash, MANIFEST, Manifest, SIGNATURE, sha256_hex};
use super::{archive, sign};

/// What to check beyond the bundle's own hashes.
#[derive(Default)]
pub struct Options<'a> {
    /// The signature must verify with this key.
    pub public_key: Option<&'a sign::VerifyingKey>,
    /// The manifest's SHA-256 must be this (as printed when the bundle was written).
    pub expect_digest: Option<&'a str>,
    /// Check the manifest's input files against this directory.
    pub inputs: Option<&'a Path>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A file's bytes differ from its hash in the manifest.
    Changed,
    /// A file the manifest lists is not in the bundle.
    Missing,
    /// A file in the bundle that the manifest does not list.
    Extra,
    /// The manifest cannot be read or is not a tenet manifest; or a bundle entry is unsafe.
    Invalid,
    /// The signature is absent, malformed, or does not verify.
    Signature,
    /// The manifest is not the one expected.
    Digest,
    /// An input file differs from its hash in the manifest.
    InputChanged,
    /// An input file named by the manifest is gone.
    InputMissing,
}

impl Kind {
    /// The name in JSON output and at the start of each text line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Changed => "changed",
            Kind::Missing => "missing",
            Kind::Extra => "extra",
            Kind::Invalid => "invalid",
            Kind::Signature => "signature",
            Kind::Digest => "digest",
            Kind::InputChanged => "input-changed",
            Kind::InputMissing => "input-missing",
        }
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: Kind,
    pub path: String,
    pub message: String,
}

/// The outcome of verifying a bundle.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    /// SHA-256 of `manifest.json` as found.
    pub manifest_sha256: Option<String>,
    /// Bundle files whose hash matched.
    pub verified: usize,
    /// Input files whose hash matched (with `--inputs`).
    pub inputs_verified: usize,
    /// `verified`, `not-checked` (signed, but no public key given) or `unsigned`.
    pub signature: &'static str,
    pub problems: Vec<Problem>,
    /// The manifest, when it could be read.
    #[serde(skip)]
    pub manifest: Option<Manifest>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, kind: Kind, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            kind,
            path: path.to_string(),
            message: message.into(),
        });
    }
}

/// Reads a bundle (directory or `.tar.gz`): path → bytes, plus problems with entries. An
/// error means nothing could be read at all.
pub fn read_bundle(path: &Path) -> Result<archive::Files, String> {
    if path.is_dir() {
        let mut files = BTreeMap::new();
        let mut problems = Vec::new();
        read_dir(path, "", &mut files, &mut problems)?;
        Ok((files, problems))
    } else if path.is_file() {
        archive::read(path)
    } else {
        Err("no such file or directory".into())
    }
}

fn read_dir(
    root: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    let dir = root.join(prefix);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        if kind.is_symlink() {
            problems.push(format!("{rel}: a symbolic link (not followed)"));
        } else if kind.is_dir() {
            read_dir(root, &rel, files, problems)?;
        } else {
            let bytes = std::fs::read(entry.path())
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
            files.insert(rel, bytes);
        }
    }
    Ok(())
}

/// Verifies the bundle at `path`. `Err` only when the bundle cannot be read at all.
pub fn verify(path: &Path, opts: &Options) -> Result<Verification, String> {
    let bundle = read_bundle(path)?;
    Ok(verify_files(&path.to_string_lossy(), &bundle, opts))
}

/// Verifies a bundle already read with [`read_bundle`] (`name` labels problems with its
/// entries), so that a caller that goes on to use the files reads them once.
pub fn verify_files(
    name: &str,
    (files, entry_problems): &archive::Files,
    opts: &Options,
) -> Verification {
    let mut v = Verification {
        signature: "unsigned",
        ..Verification::default()
    };
    for p in entry_problems {
        v.problem(Kind::Invalid, name, p.as_str());
    }
    let Some(manifest_bytes) = files.get(MANIFEST) else {
        v.problem(Kind::Missing, MANIFEST, "the bundle has no manifest.json");
        return v;
    };
    let digest = sha256_hex(manifest_bytes);
    if let Some(expected) = opts.expect_digest
        && !expected.trim().eq_ignore_ascii_case(&digest)
    {
        v.problem(
            Kind::Digest,
            MANIFEST,
            format!(
                "its SHA-256 is {digest}, not the expected {}",
                expected.trim()
            ),
        );
    }
    v.manifest_sha256 = Some(digest);
    let manifest: Manifest = match serde_json::from_slice(manifest_bytes) {
        Ok(m) => m,
        Err(e) => {
            v.problem(
                Kind::Invalid,
                MANIFEST,
                format!("not a tenet manifest: {e}"),
            );
            return v;
        }
    };
    check_signature(
        &mut v,
        &manifest,
        manifest_bytes,
        files.get(SIGNATURE).map(Vec::as_slice),
        opts,
    );
    // Each file answers for one entry: the manifest and signature for none, a path listed
    // twice is missing the second time.
    let mut taken: std::collections::BTreeSet<&str> = [MANIFEST, SIGNATURE].into();
    for entry in &manifest.files {
        let bytes = taken
            .insert(entry.path.as_str())
            .then(|| files.get(&entry.path))
            .flatten();
        match bytes {
            None => v.problem(
                Kind::Missing,
                &entry.path,
                "listed in the manifest, not in the bundle",
            ),
            Some(bytes) => match mismatch(entry, bytes) {
                Some(why) => v.problem(Kind::Changed, &entry.path, why),
                None => v.verified += 1,
            },
        }
    }
    for extra in files.keys().filter(|k| !taken.contains(k.as_str())) {
        v.problem(
            Kind::Extra,
            extra,
            "in the bundle, not listed in the manifest",
        );
    }
    if let Some(dir) = opts.inputs {
        for entry in &manifest.inputs {
            match std::fs::read(dir.join(&entry.path)) {
                Err(e) => v.problem(Kind::InputMissing, &entry.path, format!("cannot read: {e}")),
                Ok(bytes) => match mismatch(entry, &bytes) {
                    Some(why) => v.problem(Kind::InputChanged, &entry.path, why),
                    None => v.inputs_verified += 1,
                },
            }
        }
    }
    v.manifest = Some(manifest);
    v
}

fn mismatch(entry: &FileHash, bytes: &[u8]) -> Option<String> {
    let actual = sha256_hex(bytes);
    (actual != entry.sha256 || bytes.len() as u64 != entry.bytes).then(|| {
        format!(
            "SHA-256 {actual} ({} bytes), manifest says {} ({} bytes)",
            bytes.len(),
            entry.sha256,
            entry.bytes
        )
    })
}

fn check_signature(
    v: &mut Verification,
    manifest: &Manifest,
    manifest_bytes: &[u8],
    sig: Option<&[u8]>,
    opts: &Options,
) {
    match (&manifest.signature, sig, opts.public_key) {
        (None, None, None) => v.signature = "unsigned",
        (None, None, Some(_)) => v.problem(
            Kind::Signature,
            SIGNATURE,
            "a public key was given but the bundle is not signed",
        ),
        (None, Some(_), _) => v.problem(
            Kind::Extra,
            SIGNATURE,
            "a signature the manifest does not declare",
        ),
        (Some(_), None, _) => v.problem(
            Kind::Missing,
            SIGNATURE,
            "the manifest declares a signature but manifest.sig is missing",
        ),
        (Some(_), Some(_), None) => v.signature = "not-checked",
        (Some(info), Some(sig), Some(key)) => {
            if info.algorithm != "ed25519" {
                v.problem(
                    Kind::Signature,
                    SIGNATURE,
                    format!("unsupported signature algorithm `{}`", info.algorithm),
                );
                return;
            }
            let id = sign::key_id(key);
            if info.public_key_sha256 != id {
                v.problem(
                    Kind::Signature,
                    SIGNATURE,
                    format!(
                        "signed with key {}, not with the given public key ({id})",
                        info.public_key_sha256
                    ),
                );
                return;
            }
            match sign::check(key, manifest_bytes, sig) {
                Ok(()) => v.signature = "verified",
                Err(why) => v.problem(Kind::Signature, SIGNATURE, why),
            }
        }
    }
}
