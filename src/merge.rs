//! `tenet merge`: joins the evidence bundles of the N shards of one run (`--shard I/N`) into
//! the report and the evidence bundle a single run would have given.
//!
//! A shard's bundle carries its state ([`STATE`]): the resources, files and load errors it
//! owns, its findings, undetermined results, rule errors and rule runs, the suppression
//! results, and the run's settings (rules, their metadata as configured, frameworks,
//! threshold). Its manifest carries the hashes of inputs, policies, catalogs and
//! configuration. Merging checks that the shards belong together (same tool, policies,
//! catalogs, configuration, rules, paths and count, each index once, each bundle intact),
//! then takes each owned part from its owner and rebuilds the report, so every output
//! format and the bundle come from the same code as in a single run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::diff::DiffSummary;
use crate::engine::{Outcome, RuleError, RuleRun};
use crate::evidence::manifest::{FileHash, MANIFEST, Manifest};
use crate::evidence::{Attested, INVENTORY};
use crate::finding::Finding;
use crate::graph::{Coverage, Gap, InputFile, LoadError, Resource, ResourceGraph};
use crate::policy::{PolicySet, RuleMeta, Severity};
use crate::report::Report;
use crate::shard::Shard;
use crate::suppress::{Applied, ExceptionStatus, ExceptionUse, Problem};

/// The shard state inside a shard's evidence bundle.
pub const STATE: &str = "shard/state.json";
/// Version of the shard state's shape.
pub const STATE_SCHEMA_VERSION: &str = "1";

/// What one shard hands to `tenet merge` (beyond its manifest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardState {
    pub schema_version: String,
    pub shard: Shard,
    /// Ids of the rules evaluated, in report order.
    pub rules: Vec<String>,
    /// Every rule's metadata as configured (rules mapped to a control but not run count in
    /// the control's status).
    pub policy_rules: Vec<RuleMeta>,
    /// The frameworks reported on, and whether they were selected.
    pub frameworks: Vec<String>,
    pub frameworks_selected: bool,
    pub fail_on: Option<Severity>,
    pub base_dir: Option<String>,
    pub diff: Option<DiffSummary>,
    pub source_url: Option<String>,
    /// The shard's resources in scope, without attributes and references (no output shows
    /// them).
    pub resources: Vec<Resource>,
    /// The input files the shard owns.
    pub files: Vec<InputFile>,
    /// The load errors of the files it owns.
    pub load_errors: Vec<ShardLoadError>,
    /// What a live collection could not read, and what it reads (the same in every shard).
    pub gaps: Vec<Gap>,
    pub coverage: Vec<Coverage>,
    pub findings: Vec<Finding>,
    pub undetermined: Vec<Finding>,
    pub rule_errors: Vec<RuleError>,
    pub runs: Vec<RuleRun>,
    pub suppression_problems: Vec<Problem>,
    pub exceptions: Vec<ExceptionUse>,
}

/// A load error with whether it cost the whole file (not part of the JSON report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardLoadError {
    #[serde(flatten)]
    pub error: LoadError,
    pub file_skipped: bool,
}

impl ShardState {
    /// The state of a shard's finished run.
    pub fn of(report: &Report, shard: Shard) -> ShardState {
        let graph = report.graph;
        let resources = graph
            .resources
            .iter()
            .zip(graph.scope_mask())
            .filter(|(_, in_scope)| *in_scope)
            .map(|(r, _)| Resource {
                id: r.id.clone(),
                resource_type: r.resource_type.clone(),
                origin: r.origin,
                mode: r.mode,
                provider: r.provider.clone(),
                name: r.name.clone(),
                scope: r.scope.clone(),
                attributes: serde_json::Value::Null,
                rule_attributes: None,
                unknown: r.unknown.clone(),
                refs: Vec::new(),
                source: r.source.clone(),
            })
            .collect();
        ShardState {
            schema_version: STATE_SCHEMA_VERSION.into(),
            shard,
            rules: report.rules.iter().map(|r| r.id.clone()).collect(),
            policy_rules: report.policies.rules.clone(),
            frameworks: report.frameworks.iter().map(|c| c.id.clone()).collect(),
            frameworks_selected: report.frameworks_selected,
            fail_on: report.fail_on,
            base_dir: report.base_dir.clone(),
            diff: report.diff.cloned(),
            source_url: report.source_url.map(str::to_string),
            resources,
            files: graph
                .files
                .iter()
                .filter(|f| shard.owns(&f.file))
                .cloned()
                .collect(),
            load_errors: graph
                .errors
                .iter()
                .map(|e| ShardLoadError {
                    error: e.clone(),
                    file_skipped: e.file_skipped,
                })
                .collect(),
            gaps: graph.gaps.clone(),
            coverage: graph.coverage.clone(),
            findings: report.outcome.findings.clone(),
            undetermined: report.outcome.undetermined.clone(),
            rule_errors: report.outcome.errors.clone(),
            runs: report.outcome.runs.clone(),
            suppression_problems: report.suppression_problems().to_vec(),
            exceptions: report.exceptions().to_vec(),
        }
    }
}

/// Why shards could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{bundle}: {message}")]
    Bundle { bundle: String, message: String },
    #[error("the shards do not belong to one run: {what} differs between {a} and {b}")]
    Mismatch { what: String, a: String, b: String },
    #[error("{0}")]
    Shards(String),
}

/// One shard's bundle, read and verified.
pub struct ShardBundle {
    pub name: String,
    pub manifest: Manifest,
    pub state: ShardState,
    pub inventory: Option<Vec<u8>>,
}

impl ShardBundle {
    /// Reads a shard's bundle (directory or `.tar.gz`) after verifying every hash of it.
    pub fn read(path: &Path) -> Result<ShardBundle, MergeError> {
        let name = path.display().to_string();
        let fail = |message: String| MergeError::Bundle {
            bundle: name.clone(),
            message,
        };
        let bundle = crate::evidence::verify::read_bundle(path)
            .map_err(|e| fail(format!("cannot read the bundle: {e}")))?;
        let verification =
            crate::evidence::verify::verify_files(&name, &bundle, &Default::default());
        if !verification.ok() {
            let problems: Vec<String> = verification
                .problems
                .iter()
                .map(|p| format!("{} {}", p.kind.as_str(), p.path))
                .collect();
            return Err(fail(format!(
                "the bundle does not verify ({}); it was changed after it was written",
                problems.join(", ")
            )));
        }
        let (mut files, _) = bundle;
        // A bundle that verifies has a manifest, read by the verification.
        let manifest: Manifest = verification
            .manifest
            .ok_or_else(|| fail(format!("no {MANIFEST}")))?;
        let state: ShardState = files
            .get(STATE)
            .ok_or_else(|| {
                fail(format!(
                    "no {STATE}: not the bundle of a shard (write it with --shard I/N --evidence)"
                ))
            })
            .and_then(|b| serde_json::from_slice(b).map_err(|e| fail(format!("{STATE}: {e}"))))?;
        if state.schema_version != STATE_SCHEMA_VERSION {
            return Err(fail(format!(
                "{STATE} has schema version {} (this tenet reads {STATE_SCHEMA_VERSION})",
                state.schema_version
            )));
        }
        Ok(ShardBundle {
            name,
            manifest,
            state,
            inventory: files.remove(INVENTORY),
        })
    }
}

/// The shards joined: everything a report and a bundle are built from.
pub struct Merged {
    pub graph: ResourceGraph,
    pub outcome: Outcome,
    pub applied: Applied,
    pub policies: PolicySet,
    rules: Vec<String>,
    frameworks: Vec<String>,
    frameworks_selected: bool,
    pub fail_on: Option<Severity>,
    base_dir: Option<String>,
    diff: Option<DiffSummary>,
    source_url: Option<String>,
    pub command: String,
    pub paths: Vec<String>,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    pub live_scope: Option<serde_json::Value>,
    pub inventory: Option<Vec<u8>>,
    pub attested: Attested,
    /// The shard count.
    pub count: u32,
}

impl Merged {
    /// The report of the merged run.
    pub fn report(&self) -> Report<'_> {
        Report {
            tool_version: env!("CARGO_PKG_VERSION"),
            graph: &self.graph,
            outcome: &self.outcome,
            rules: self
                .rules
                .iter()
                .filter_map(|id| self.policies.rules.iter().find(|r| &r.id == id))
                .collect(),
            policies: &self.policies,
            base_dir: self.base_dir.clone(),
            fail_on: self.fail_on,
            suppressions: Some(&self.applied),
            frameworks: self
                .frameworks
                .iter()
                .filter_map(|id| self.policies.catalogs.get(id))
                .collect(),
            frameworks_selected: self.frameworks_selected,
            diff: self.diff.as_ref(),
            source_url: self.source_url.as_deref(),
            assessment: std::sync::OnceLock::new(),
        }
    }

    /// The evidence context of the merged run.
    pub fn context<'a>(
        &'a self,
        sign_key: Option<&'a crate::evidence::sign::SigningKey>,
    ) -> crate::evidence::Context<'a> {
        crate::evidence::Context {
            command: &self.command,
            started: self.started,
            finished: self.finished,
            paths: self.paths.clone(),
            base: Path::new("."),
            configuration: Vec::<(PathBuf, &'static str)>::new(),
            sign_key,
            live: self
                .live_scope
                .as_ref()
                .map(|scope| crate::evidence::LiveEvidence {
                    scope: scope.clone(),
                    inventory: self.inventory.as_deref().unwrap_or_default(),
                }),
            shard: None,
            attested: Some(self.attested.clone()),
        }
    }
}

/// Fails unless `f` gives the same value for every shard.
fn same<T: PartialEq + std::fmt::Debug>(
    shards: &[ShardBundle],
    what: &str,
    f: impl Fn(&ShardBundle) -> T,
) -> Result<T, MergeError> {
    let first = f(&shards[0]);
    for s in &shards[1..] {
        let v = f(s);
        if v != first {
            return Err(MergeError::Mismatch {
                what: what.into(),
                a: shards[0].name.clone(),
                b: s.name.clone(),
            });
        }
    }
    Ok(first)
}

fn parse_time(s: &str, bundle: &str) -> Result<DateTime<Utc>, MergeError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| MergeError::Bundle {
            bundle: bundle.into(),
            message: format!("manifest time `{s}`: {e}"),
        })
}

/// Joins the shards of one run.
pub fn merge(mut shards: Vec<ShardBundle>) -> Result<Merged, MergeError> {
    if shards.is_empty() {
        return Err(MergeError::Shards("no shard bundles given".into()));
    }
    shards.sort_by_key(|s| s.state.shard.index);
    let count = same(&shards, "the shard count", |s| s.state.shard.count)?;
    let indices: Vec<u32> = shards.iter().map(|s| s.state.shard.index).collect();
    for w in shards.windows(2) {
        if w[0].state.shard.index == w[1].state.shard.index {
            return Err(MergeError::Shards(format!(
                "shard {} is given twice ({} and {})",
                w[0].state.shard, w[0].name, w[1].name
            )));
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|i| !indices.contains(i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Shards(format!(
            "shard(s) missing: {} (every shard of the run is needed)",
            missing.join(", ")
        )));
    }
    let version = same(&shards, "the tenet version", |s| {
        s.manifest.tool.version.clone()
    })?;
    if version != env!("CARGO_PKG_VERSION") {
        return Err(MergeError::Shards(format!(
            "the shards were written by tenet {version}; merge them with the same version (this is {})",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let command = same(&shards, "the command", |s| s.manifest.scope.command.clone())?;
    let paths = same(&shards, "the scanned paths", |s| {
        s.manifest.scope.paths.clone()
    })?;
    let git = same(&shards, "the git state", |s| s.manifest.scope.git.clone())?;
    let policies_hashes = same(&shards, "the policies", |s| s.manifest.policies.clone())?;
    let catalogs = same(&shards, "the catalogs", |s| s.manifest.catalogs.clone())?;
    let configuration = same(&shards, "the configuration", |s| {
        s.manifest.configuration.clone()
    })?;
    same(&shards, "the rules run", |s| s.state.rules.clone())?;
    same(&shards, "the rules' metadata", |s| {
        s.state.policy_rules.clone()
    })?;
    same(&shards, "the reported frameworks", |s| {
        (s.state.frameworks.clone(), s.state.frameworks_selected)
    })?;
    same(&shards, "--fail-on", |s| s.state.fail_on)?;
    same(&shards, "the base directory", |s| s.state.base_dir.clone())?;
    same(&shards, "the diff base", |s| s.state.diff.clone())?;
    same(&shards, "--source-url", |s| s.state.source_url.clone())?;
    same(&shards, "the collection gaps", |s| {
        (s.state.gaps.clone(), s.state.coverage.clone())
    })?;
    same(
        &shards,
        "the collected inventory (the estate changed between the shards' collections; run them again)",
        |s| s.inventory.clone(),
    )?;
    same(&shards, "the exceptions file", |s| {
        s.state
            .exceptions
            .iter()
            .map(|e| (e.rule.clone(), e.resource.clone(), e.source.clone()))
            .collect::<Vec<_>>()
    })?;

    let mut started = parse_time(&shards[0].manifest.started, &shards[0].name)?;
    let mut finished = parse_time(&shards[0].manifest.finished, &shards[0].name)?;
    for s in &shards[1..] {
        started = started.min(parse_time(&s.manifest.started, &s.name)?);
        finished = finished.max(parse_time(&s.manifest.finished, &s.name)?);
    }
    let live_scope = merge_live_scopes(&shards)?;

    // Inputs: each file's hash from the shard that owns it (the others read it as context).
    let mut inputs: Vec<FileHash> = Vec::new();
    for s in &shards {
        let shard = s.state.shard;
        inputs.extend(
            s.manifest
                .inputs
                .iter()
                .filter(|f| shard.owns(&f.path))
                .cloned(),
        );
    }
    inputs.sort();

    let (catalog_map, errors) = crate::policy::embedded_catalogs();
    if let Some(e) = errors.first() {
        return Err(MergeError::Shards(e.to_string()));
    }
    if crate::evidence::catalog_hashes() != catalogs {
        return Err(MergeError::Shards(
            "the shards' framework catalogs are not the ones of this tenet".into(),
        ));
    }

    let inventory = shards[0].inventory.clone();
    let first = shards[0].state.clone();
    let mut graph = ResourceGraph::new();
    let mut outcome = Outcome::default();
    let mut applied = Applied::default();
    let mut runs: BTreeMap<String, RuleRun> = BTreeMap::new();
    let mut exceptions = first.exceptions.clone();
    for e in &mut exceptions {
        e.findings = 0;
        e.status = ExceptionStatus::Unused;
    }
    for s in shards {
        let st = s.state;
        graph.resources.extend(st.resources);
        graph.files.extend(st.files);
        graph
            .errors
            .extend(st.load_errors.into_iter().map(|e| LoadError {
                file_skipped: e.file_skipped,
                ..e.error
            }));
        outcome.findings.extend(st.findings);
        outcome.undetermined.extend(st.undetermined);
        outcome.errors.extend(st.rule_errors);
        for run in st.runs {
            match runs.get_mut(&run.rule_id) {
                Some(r) => {
                    r.examined.extend(run.examined);
                    r.failed += run.failed;
                    r.errored |= run.errored;
                }
                None => {
                    runs.insert(run.rule_id.clone(), run);
                }
            }
        }
        applied.problems.extend(st.suppression_problems);
        for (total, e) in exceptions.iter_mut().zip(st.exceptions) {
            join_exception(total, &e);
        }
    }
    graph.gaps = first.gaps;
    graph.coverage = first.coverage;
    graph.normalize();
    outcome.runs = runs
        .into_values()
        .map(|mut r| {
            r.examined.sort();
            r
        })
        .collect();
    outcome.sort();
    // A rule that fails the same way on every shard's batches is one error.
    outcome.errors.dedup();
    applied.problems.sort();
    applied.problems.dedup();
    applied.exceptions = exceptions;

    Ok(Merged {
        graph,
        outcome,
        applied,
        policies: PolicySet {
            files: Vec::new(),
            rules: first.policy_rules,
            catalogs: catalog_map,
            config: serde_json::Map::new(),
            rule_engines: BTreeMap::new(),
        },
        rules: first.rules,
        frameworks: first.frameworks,
        frameworks_selected: first.frameworks_selected,
        fail_on: first.fail_on,
        base_dir: first.base_dir,
        diff: first.diff,
        source_url: first.source_url,
        command,
        paths,
        started,
        finished,
        live_scope,
        inventory,
        attested: Attested {
            inputs,
            policies: policies_hashes,
            catalogs,
            configuration,
            git,
        },
        count,
    })
}

/// Adds one shard's use of an exceptions-file entry to the total: `expired` entries count
/// the findings they would have matched, `applied` ones those they suppressed.
fn join_exception(total: &mut ExceptionUse, shard: &ExceptionUse) {
    use ExceptionStatus::{Applied, Expired, Unused};
    match (total.status, shard.status) {
        (_, Unused) | (Expired, Applied) => {}
        (Expired, Expired) | (Applied | Unused, Applied) => {
            total.status = shard.status;
            total.findings += shard.findings;
        }
        (Applied | Unused, Expired) => {
            // The first shard to say `expired` (the others ran on an earlier day).
            total.status = Expired;
            total.findings = shard.findings;
        }
    }
}

/// Fields of a live scope that each shard's own collection sets.
const COLLECTION_FIELDS: [&str; 4] = ["collected_from", "collected_to", "requests", "retries"];

/// The live scope of the merged run: the shards' scopes must agree on what was collected;
/// the collection window spans all of them and the calls are added up.
fn merge_live_scopes(shards: &[ShardBundle]) -> Result<Option<serde_json::Value>, MergeError> {
    let strip = |s: &ShardBundle| {
        s.manifest.scope.live.clone().map(|mut v| {
            if let Some(o) = v.as_object_mut() {
                for k in COLLECTION_FIELDS {
                    o.remove(k);
                }
            }
            v
        })
    };
    let Some(mut scope) = same(shards, "the live scope", strip)? else {
        return Ok(None);
    };
    let field = |s: &ShardBundle, k: &str| -> serde_json::Value {
        s.manifest
            .scope
            .live
            .as_ref()
            .and_then(|v| v.get(k))
            .cloned()
            .unwrap_or_default()
    };
    let text = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let from = shards
        .iter()
        .map(|s| text(field(s, "collected_from")))
        .min()
        .unwrap_or_default();
    let to = shards
        .iter()
        .map(|s| text(field(s, "collected_to")))
        .max()
        .unwrap_or_default();
    let sum = |k: &str| -> u64 {
        shards
            .iter()
            .map(|s| field(s, k).as_u64().unwrap_or(0))
            .sum()
    };
    if let Some(o) = scope.as_object_mut() {
        o.insert("collected_from".into(), from.into());
        o.insert("collected_to".into(), to.into());
        o.insert("requests".into(), sum("requests").into());
        o.insert("retries".into(), sum("retries").into());
    }
    Ok(Some(scope))
}
