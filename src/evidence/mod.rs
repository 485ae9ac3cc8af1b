//! Audit evidence bundles: everything an auditor needs to trust a scan's result later, in a
//! directory or a deterministic `.tar.gz`.
//!
//! ```text
//! manifest.json                          tool, times, scope, SHA-256 of inputs, policies,
//!                                        catalogs, configuration and of every file below
//! manifest.sig                           Ed25519 signature of manifest.json (optional)
//! summary/controls.json, controls.csv    per-control status of each framework
//! results/findings.sarif, findings.json  the findings (suppressed ones marked)
//! results/oscal/assessment-results.json  OSCAL 1.1.3 assessment results (module oscal)
//! exceptions/audit.json                  exceptions applied/expired/unused, suppressions
//! report.html                            the self-contained HTML report
//! ```
//!
//! The bundle of one shard of a sharded run (`--shard I/N`) holds only `manifest.json` (its
//! inputs, policies, catalogs and configuration hashed as usual), `shard/state.json` (its part
//! of the results, see [`crate::merge`]) and, for an audit, the inventory: `tenet merge`
//! builds the reports above from the shards, once, for the whole run.
//!
//! The same inputs, policies and `SOURCE_DATE_EPOCH` give byte-identical bundles: times come
//! from `SOURCE_DATE_EPOCH` when it is set, every list is sorted, UUIDs are derived from
//! content, and the archive has sorted entries with fixed owners and modification times.

pub mod archive;
pub mod manifest;
pub mod oscal;
pub mod sign;
pub mod verify;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::compliance::Assessment;
use crate::policy::FileRole;
use crate::report::{Emitter, Report};
use manifest::{FileHash, MANIFEST, Manifest, SIGNATURE};

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("SOURCE_DATE_EPOCH={0:?} is not a number of seconds since 1970")]
    Epoch(String),
    #[error("{0}")]
    Key(String),
    #[error("cannot encode {what}: {message}")]
    Encode { what: String, message: String },
}

impl EvidenceError {
    pub(crate) fn io(path: &Path, e: impl std::fmt::Display) -> EvidenceError {
        EvidenceError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }
}

/// The fixed time of a reproducible build (`SOURCE_DATE_EPOCH`), if set.
pub fn source_date_epoch() -> Result<Option<DateTime<Utc>>, EvidenceError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
            .map(Some)
            .ok_or(EvidenceError::Epoch(v)),
        _ => Ok(None),
    }
}

/// RFC 3339 in UTC with a `Z`, to the second.
pub fn timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The collected inventory of a live audit, inside its bundle.
pub const INVENTORY: &str = "inventory/graph.json";

/// What the bundle records beyond the report itself.
pub struct Context<'a> {
    pub command: &'a str,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    /// The paths given, as shown to users.
    pub paths: Vec<String>,
    /// Directory that input paths are relative to.
    pub base: &'a Path,
    /// Configuration files with their role (`config`, `exceptions`, `baseline`, `var-file`).
    pub configuration: Vec<(PathBuf, &'static str)>,
    pub sign_key: Option<&'a sign::SigningKey>,
    /// For a live audit: the scope collected and the collected inventory.
    pub live: Option<LiveEvidence<'a>>,
    /// With `--shard`: the bundle also holds the shard's state ([`crate::merge::STATE`]) for
    /// `tenet merge`.
    pub shard: Option<crate::shard::Shard>,
    /// What the manifest attests to beyond the bundle's files, when already known (`tenet
    /// merge` takes it from the shards' manifests); `None` hashes the files now.
    pub attested: Option<Attested>,
}

/// The hashes a manifest attests to besides the bundle's own files, and the git state.
#[derive(Debug, Clone, PartialEq)]
pub struct Attested {
    pub inputs: Vec<FileHash>,
    pub policies: Vec<FileHash>,
    pub catalogs: Vec<FileHash>,
    pub configuration: Vec<FileHash>,
    pub git: Option<manifest::Git>,
}

/// What a live audit adds to its bundle: the scope (accounts, regions, subscriptions,
/// projects, cluster, collection time) into the manifest, and the collected inventory as
/// `inventory/graph.json`, hashed like every bundle file.
pub struct LiveEvidence<'a> {
    pub scope: serde_json::Value,
    pub inventory: &'a [u8],
}

/// A bundle written: its files (manifest and signature included) and the manifest's hash.
pub struct Bundle {
    /// Each file's path in the bundle, sorted, with its size in bytes.
    pub files: Vec<(String, u64)>,
    /// SHA-256 of `manifest.json`: quoting it pins the whole bundle.
    pub manifest_sha256: String,
}

impl Bundle {
    /// Writes the bundle of a finished scan to `out`: a `.tar.gz` when `out` ends so, else a
    /// directory. An existing directory is replaced only when it holds a previous bundle (a
    /// `manifest.json`).
    ///
    /// Each file is written to a staging directory beside `out` as it is rendered, and hashed
    /// on the way: the reports (85 MB for the Kubernetes corpus) are never all in memory.
    pub fn write(report: &Report, ctx: &Context, out: &Path) -> Result<Bundle, EvidenceError> {
        let archive = archive::is_archive(out);
        if !archive {
            refuse_to_replace(out)?;
        }
        let stage = Staging::new(out)?;
        let assessment = report.assessment();
        if let Some(shard) = ctx.shard {
            // A shard's bundle holds what `tenet merge` needs, its state, and no reports:
            // the reports of a part would only be written to be thrown away.
            stage.json(
                crate::merge::STATE,
                "the shard state",
                &crate::merge::ShardState::of(report, shard),
            )?;
        } else {
            add_reports(&stage, report, assessment, ctx)?;
        }
        if let Some(live) = &ctx.live {
            stage.file(INVENTORY, |w| w.write_all(live.inventory))?;
        }

        let manifest = manifest(report, assessment, ctx, stage.hashes())?;
        let manifest_bytes = json_bytes("the manifest", &manifest)?;
        let manifest_sha256 = manifest::sha256_hex(&manifest_bytes);
        if let Some(key) = ctx.sign_key {
            let signature = sign::sign(key, &manifest_bytes);
            stage.file(SIGNATURE, |w| w.write_all(&signature))?;
        }
        stage.file(MANIFEST, |w| w.write_all(&manifest_bytes))?;
        let files = stage.sizes();
        if archive {
            let mtime = u64::try_from(ctx.finished.timestamp()).unwrap_or(0);
            archive::write_staged(out, &stage.dir, &files, mtime)?;
        } else {
            stage.move_to(out)?;
        }
        Ok(Bundle {
            files,
            manifest_sha256,
        })
    }
}

/// Refuses a directory `out` that exists and is neither empty nor a previous tenet bundle (a
/// web app's `manifest.json` is not one).
fn refuse_to_replace(out: &Path) -> Result<(), EvidenceError> {
    if !out.exists() {
        return Ok(());
    }
    let empty = std::fs::read_dir(out)
        .map_err(|e| EvidenceError::io(out, e))?
        .next()
        .is_none();
    let previous_bundle = std::fs::read(out.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .is_some_and(|m| m.tool.name == "tenet");
    if empty || previous_bundle {
        Ok(())
    } else {
        Err(EvidenceError::Io {
            path: out.display().to_string(),
            message: "exists and is not an evidence bundle; refusing to overwrite it".into(),
        })
    }
}

/// A directory beside the bundle's destination that its files are written to as they are
/// made, with the hash and size of each. Removed when dropped, unless moved into place.
struct Staging {
    dir: PathBuf,
    written: std::sync::Mutex<BTreeMap<String, (String, u64)>>,
}

impl Staging {
    fn new(out: &Path) -> Result<Staging, EvidenceError> {
        // Beside `out`, never inside it (`out` may be `.` or `dir/.`, which a previous
        // bundle's replacement removes).
        let absolute = std::path::absolute(out).map_err(|e| EvidenceError::io(out, e))?;
        let (Some(name), Some(parent)) = (absolute.file_name(), absolute.parent()) else {
            return Err(EvidenceError::Io {
                path: out.display().to_string(),
                message: "names no file or directory to write the bundle to".into(),
            });
        };
        let name = name.to_string_lossy();
        std::fs::create_dir_all(parent).map_err(|e| EvidenceError::io(parent, e))?;
        let dir = parent.join(format!(".{name}.{}.partial", std::process::id()));
        if dir.exists() {
            // Left by a run of the same process id that was killed.
            std::fs::remove_dir_all(&dir).map_err(|e| EvidenceError::io(&dir, e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| EvidenceError::io(&dir, e))?;
        Ok(Staging {
            dir,
            written: Default::default(),
        })
    }

    /// Writes the bundle file `name` with `render`, hashing it on the way.
    fn file(
        &self,
        name: &str,
        render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), EvidenceError> {
        let path = self.dir.join(name);
        let write = || -> std::io::Result<(String, u64)> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut out = std::io::BufWriter::new(Hashing::new(std::fs::File::create(&path)?));
            render(&mut out)?;
            let hashing = out.into_inner().map_err(|e| e.into_error())?;
            Ok(hashing.finish())
        };
        let hashed = write().map_err(|e| EvidenceError::Encode {
            what: name.into(),
            message: e.to_string(),
        })?;
        self.written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name.into(), hashed);
        Ok(())
    }

    /// Writes `value` as the pretty JSON file `name`.
    fn json(&self, name: &str, what: &str, value: &impl Serialize) -> Result<(), EvidenceError> {
        self.file(name, |w| {
            serde_json::to_writer_pretty(&mut *w, value)
                .map_err(|e| std::io::Error::other(format!("cannot encode {what}: {e}")))?;
            w.write_all(b"\n")
        })
    }

    /// The files written so far, hashed, sorted by path.
    fn hashes(&self) -> Vec<FileHash> {
        self.written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .map(|(path, (sha256, bytes))| FileHash {
                path: path.clone(),
                sha256: sha256.clone(),
                bytes: *bytes,
                role: None,
            })
            .collect()
    }

    /// The files written, sorted by path, with their sizes.
    fn sizes(&self) -> Vec<(String, u64)> {
        self.written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .map(|(path, (_, bytes))| (path.clone(), *bytes))
            .collect()
    }

    /// Puts the staged files at `out` (a directory), replacing a previous bundle there.
    fn move_to(self, out: &Path) -> Result<(), EvidenceError> {
        if out.exists() {
            std::fs::remove_dir_all(out).map_err(|e| EvidenceError::io(out, e))?;
        }
        std::fs::rename(&self.dir, out).map_err(|e| EvidenceError::io(out, e))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Gone already when moved into place; otherwise a failed or archived bundle's leftovers.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A writer that hashes (SHA-256) and counts what goes through it.
struct Hashing<W> {
    inner: W,
    hasher: sha2::Sha256,
    bytes: u64,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: sha2::Sha256::default(),
            bytes: 0,
        }
    }

    /// The hex SHA-256 and the size of what was written.
    fn finish(self) -> (String, u64) {
        use sha2::Digest;
        let digest = self.hasher.finalize();
        (data_encoding::HEXLOWER.encode(&digest), self.bytes)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The reports of a bundle: control summaries, findings (SARIF, JSON), OSCAL assessment
/// results, the exceptions audit and the HTML report, rendered side by side, each straight
/// into its file.
fn add_reports(
    stage: &Staging,
    report: &Report,
    assessment: &Assessment,
    ctx: &Context,
) -> Result<(), EvidenceError> {
    use rayon::prelude::*;
    type Render<'a> = Box<dyn Fn(&Staging) -> Result<(), EvidenceError> + Send + Sync + 'a>;
    let emit = |name: &'static str, emitter: &'static (dyn Emitter + Sync)| -> Render {
        Box::new(move |s: &Staging| s.file(name, |w| emitter.emit(w, report)))
    };
    // The largest first, so that the two workers finish together.
    let parts: Vec<Render> = vec![
        Box::new(|s: &Staging| {
            s.json(
                "results/oscal/assessment-results.json",
                "the OSCAL assessment results",
                &oscal::assessment_results(report, assessment, ctx),
            )
        }),
        emit(
            "summary/controls.json",
            &crate::report::ComplianceJsonEmitter,
        ),
        emit("results/findings.sarif", &crate::report::SarifEmitter),
        emit("results/findings.json", &crate::report::JsonEmitter),
        emit("report.html", &crate::report::HtmlEmitter),
        emit("summary/controls.csv", &crate::report::ComplianceCsvEmitter),
        Box::new(|s: &Staging| {
            s.json(
                "exceptions/audit.json",
                "the exceptions audit",
                &audit(report),
            )
        }),
    ];
    parts
        .into_par_iter()
        .with_max_len(1)
        .try_for_each(|render| render(stage))
}

fn json_bytes(what: &str, value: &impl Serialize) -> Result<Vec<u8>, EvidenceError> {
    let mut out = serde_json::to_vec_pretty(value).map_err(|e| EvidenceError::Encode {
        what: what.into(),
        message: e.to_string(),
    })?;
    out.push(b'\n');
    Ok(out)
}

fn manifest(
    report: &Report,
    assessment: &Assessment,
    ctx: &Context,
    mut bundle_files: Vec<FileHash>,
) -> Result<Manifest, EvidenceError> {
    let attested = match &ctx.attested {
        Some(a) => a.clone(),
        None => attest(report, ctx)?,
    };
    bundle_files.sort();

    let suppressed = report
        .findings()
        .iter()
        .filter(|f| f.suppression.is_some())
        .count();
    Ok(Manifest {
        schema_version: manifest::MANIFEST_SCHEMA_VERSION.into(),
        tool: manifest::Tool {
            name: "tenet".into(),
            version: report.tool_version.into(),
        },
        started: timestamp(&ctx.started),
        finished: timestamp(&ctx.finished),
        scope: manifest::Scope {
            command: ctx.command.into(),
            paths: ctx.paths.clone(),
            frameworks: report.frameworks.iter().map(|c| c.id.clone()).collect(),
            git: attested.git,
            live: ctx.live.as_ref().map(|l| l.scope.clone()),
        },
        inputs: attested.inputs,
        policies: attested.policies,
        catalogs: attested.catalogs,
        configuration: attested.configuration,
        results: manifest::Results {
            files_scanned: report.files_scanned(),
            resources: report.managed_resources(),
            rules: report.rules.len(),
            findings: report.active().count(),
            suppressed,
            load_errors: report.load_errors().len(),
            rule_errors: report.outcome.errors.len(),
            controls: assessment
                .frameworks
                .iter()
                .map(|fw| {
                    (
                        fw.id.clone(),
                        fw.summary
                            .iter()
                            .map(|(s, n)| (s.as_str().to_string(), *n))
                            .collect(),
                    )
                })
                .collect(),
        },
        files: bundle_files,
        signature: ctx.sign_key.map(|k| manifest::SignatureInfo {
            algorithm: "ed25519".into(),
            public_key_sha256: sign::key_id(&k.verifying_key()),
            file: SIGNATURE.into(),
        }),
    })
}

/// The hashes of the embedded framework catalogs, sorted.
pub fn catalog_hashes() -> Vec<FileHash> {
    let mut catalogs: Vec<FileHash> = crate::policy::catalog_sources()
        .map(|(p, text)| FileHash::of(p, text.as_bytes(), None))
        .collect();
    catalogs.sort();
    catalogs
}

/// Hashes the inputs, policies, catalogs and configuration of a scan, and reads its git state.
fn attest(report: &Report, ctx: &Context) -> Result<Attested, EvidenceError> {
    let mut inputs = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let input_files = report
        .graph
        .files
        .iter()
        .map(|f| {
            (
                f.file.as_str(),
                if f.scanned { "scanned" } else { "context" },
            )
        })
        .chain(
            report
                .load_errors()
                .iter()
                .map(|e| (e.file.as_str(), "scanned")),
        );
    for (name, role) in input_files {
        if !seen.insert(name) {
            continue;
        }
        let path = ctx.base.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => inputs.push(FileHash::of(name, &bytes, Some(role))),
            // A file that could not be read is already a load error of the scan; its hash
            // cannot be given.
            Err(_) if report.load_errors().iter().any(|e| e.file == name) => {}
            Err(e) => return Err(EvidenceError::io(&path, e)),
        }
    }
    inputs.sort();

    let mut policies: Vec<FileHash> = report
        .policies
        .files
        .iter()
        .map(|f| {
            let role = match f.role {
                FileRole::Rule => "rule",
                FileRole::Library => "library",
                FileRole::Test => "test",
            };
            FileHash::of(f.path.clone(), f.source.as_bytes(), Some(role))
        })
        .collect();
    policies.sort();
    let catalogs = catalog_hashes();
    let mut configuration = Vec::new();
    for (path, role) in &ctx.configuration {
        let bytes = std::fs::read(path).map_err(|e| EvidenceError::io(path, e))?;
        let name = crate::discover::display_path(path, Some(ctx.base));
        configuration.push(FileHash::of(name, &bytes, Some(role)));
    }
    configuration.sort();
    Ok(Attested {
        inputs,
        policies,
        catalogs,
        configuration,
        git: if ctx.live.is_some() {
            None
        } else {
            git_state(ctx.base, &ctx.paths)
        },
    })
}

/// The commit of the repository holding `base`, and whether the scanned paths differ from it.
/// `None` outside a repository or without git.
fn git_state(base: &Path, paths: &[String]) -> Option<manifest::Git> {
    let run = |args: &[&str]| -> Option<String> {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(base)
            .args(args)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let commit = run(&["rev-parse", "--verify", "HEAD"])?;
    let mut status = vec!["status", "--porcelain", "--untracked-files=normal", "--"];
    status.extend(paths.iter().map(String::as_str));
    let dirty = run(&status).is_none_or(|s| !s.is_empty());
    Some(manifest::Git { commit, dirty })
}

/// `exceptions/audit.json`: every suppression used, every exception's fate, every problem.
#[derive(Serialize)]
struct Audit<'a> {
    schema_version: &'static str,
    /// Exceptions-file entries: `applied`, `expired` (matched, but no longer applies) or
    /// `unused`.
    exceptions: &'a [crate::suppress::ExceptionUse],
    /// Suppressed findings, each with its suppression (inline, annotation, exception,
    /// baseline).
    suppressed: Vec<Suppressed<'a>>,
    /// Suppression comments or annotations that could not be used.
    problems: &'a [crate::suppress::Problem],
}

#[derive(Serialize)]
struct Suppressed<'a> {
    rule_id: &'a str,
    resource_id: &'a str,
    fingerprint: &'a str,
    location: &'a crate::finding::Location,
    suppression: &'a crate::suppress::Suppression,
}

fn audit<'a>(report: &'a Report) -> Audit<'a> {
    Audit {
        schema_version: "1",
        exceptions: report.exceptions(),
        suppressed: report
            .findings()
            .iter()
            .chain(&report.outcome.undetermined)
            .filter_map(|f| {
                f.suppression.as_ref().map(|s| Suppressed {
                    rule_id: &f.rule_id,
                    resource_id: &f.resource.id,
                    fingerprint: &f.fingerprint,
                    location: &f.location,
                    suppression: s,
                })
            })
            .collect(),
        problems: report.suppression_problems(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A staged file's hash and size are those of its bytes, however they were written, and
    /// the staging directory goes when dropped.
    #[test]
    fn staged_files_are_hashed_as_written_and_cleaned_up() {
        let tmp = tempfile::tempdir().unwrap();
        let stage = Staging::new(&tmp.path().join("out.tar.gz")).unwrap();
        let text: Vec<u8> = (0..100_000u32).flat_map(|i| i.to_le_bytes()).collect();
        stage
            .file("a/b.bin", |w| {
                for chunk in text.chunks(777) {
                    w.write_all(chunk)?;
                }
                Ok(())
            })
            .unwrap();
        stage.json("c.json", "a list", &[1, 2, 3]).unwrap();
        let dir = stage.dir.clone();
        assert_eq!(std::fs::read(dir.join("a/b.bin")).unwrap(), text);
        assert_eq!(
            stage.hashes(),
            [
                FileHash::of("a/b.bin", &text, None),
                FileHash::of("c.json", b"[\n  1,\n  2,\n  3\n]\n", None),
            ]
        );
        assert_eq!(
            stage.sizes(),
            [("a/b.bin".to_string(), 400_000), ("c.json".to_string(), 18)]
        );
        drop(stage);
        assert!(!dir.exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    /// Files are staged beside the destination, never inside it: replacing a previous
    /// bundle at `dir/.` removes `dir`.
    #[test]
    fn staging_is_beside_the_destination() {
        let tmp = tempfile::tempdir().unwrap();
        let sub = tmp.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let stage = Staging::new(&sub.join(".")).unwrap();
        assert_eq!(stage.dir.parent(), Some(tmp.path()));
        assert!(Staging::new(&sub.join("..")).is_err());
    }
}
