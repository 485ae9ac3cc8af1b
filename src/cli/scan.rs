//! `tenet scan`: discover, load, evaluate, report.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{
    EXIT_ERROR, EXIT_FINDINGS, InputArgs, PolicyArgs, base_dir, load_inputs_deferred, stdout_result,
};
use crate::config::{self, ConfigError, Loaded};
use crate::discover::display_path;
use crate::engine::{EvalOptions, Evaluator, Outcome, RuleValues};
use crate::evidence;
use crate::graph::{Resource, ResourceGraph};
use crate::load::bicep::{Deployments, ReadTypes};
use crate::policy::{RuleMeta, Severity};
use crate::report::{Format, Report};
use crate::suppress::{self, Baseline, Exceptions};

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    inputs: InputArgs,
    #[command(flatten)]
    report: ReportArgs,
    /// Exit 1 when any input file could not be loaded.
    #[arg(long)]
    fail_on_parse_error: bool,
    /// Changed-only mode: only findings on resources added or changed since this git revision
    /// (compared with the merge base of REF and HEAD, working tree included) fail the run;
    /// the others are reported as pre-existing.
    #[arg(long, value_name = "REF")]
    diff_base: Option<String>,
    /// Link findings in the Markdown summary to `URL` + path + `#Lline` (for example
    /// `https://github.com/OWNER/REPO/blob/SHA/`).
    #[arg(long, value_name = "URL")]
    source_url: Option<String>,
}

/// Options of every command that evaluates rules and reports (`scan`, `audit`).
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub(super) policies: PolicyArgs,
    #[command(flatten)]
    pub(super) outputs: OutputArgs,
    /// Exit 1 when a finding has this severity or a higher one; `none` never fails on findings
    /// [default: `fail_on` of the configuration, else low].
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// Report findings but exit 0 whatever they are (policy and usage errors still exit 2).
    #[arg(long)]
    soft_fail: bool,
    /// Evaluate only these rules (repeatable).
    #[arg(long = "rule", value_name = "RULE-ID")]
    rules: Vec<String>,
    /// Do not evaluate these rules (repeatable).
    #[arg(long = "skip-rule", value_name = "RULE-ID")]
    skip_rules: Vec<String>,
    /// Configuration file (default: the nearest `.tenet.yaml` above the scanned paths).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any `.tenet.yaml`.
    #[arg(long)]
    no_config: bool,
    /// Report on these frameworks only (repeatable; overrides `frameworks:` of the
    /// configuration): rules mapped to none of them are not run.
    #[arg(long = "framework", value_name = "ID")]
    frameworks: Vec<String>,
    /// Exceptions file (rule, resource glob, justification, owner, expiry); overrides
    /// `exceptions:` of the configuration.
    #[arg(long, value_name = "FILE")]
    exceptions: Option<PathBuf>,
    /// Findings whose fingerprint is in this baseline do not fail the run.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the fingerprints of this run's unsuppressed findings as a baseline.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Ignore `tenet:ignore` comments and `tenet/ignore` annotations (only the exceptions
    /// file and the baseline suppress findings).
    #[arg(long)]
    no_inline_suppressions: bool,
    /// Print how long loading and evaluation took, and the slowest rules, to standard error.
    /// Each rule is then evaluated on its own, so that it can be timed (a normal scan
    /// evaluates the rules that examine the same resources together, which is faster).
    /// `TENET_TIMINGS_RULES=N` lists N rules instead of 10.
    #[arg(long)]
    timings: bool,
    /// Longest one rule may evaluate on one batch of resources, in seconds; a rule that takes
    /// longer is reported as a rule error naming it, and the other rules go on [default: 60,
    /// or `rule-seconds` of `--limit` or of `limits:` in the configuration].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    rule_timeout: Option<u64>,
    /// Write an audit evidence bundle: a directory, or a deterministic archive when the name
    /// ends in `.tar.gz` (times come from `SOURCE_DATE_EPOCH` when it is set).
    #[arg(long, value_name = "OUT")]
    evidence: Option<PathBuf>,
    /// Report only shard I of N (0-based): the files (live resources) whose path (id) hashes
    /// to I. Every shard still loads everything, so rules see the whole graph; `tenet merge`
    /// joins the shards' evidence bundles into the single-run result.
    #[arg(long, value_name = "I/N")]
    pub(super) shard: Option<crate::shard::Shard>,
    /// Sign the bundle's manifest with this Ed25519 private key (PKCS#8 PEM).
    #[arg(long, value_name = "FILE", requires = "evidence")]
    sign_key: Option<PathBuf>,
}

/// Where the reports of a run go (`scan`, `audit`, `merge`).
#[derive(Debug, Args)]
pub(super) struct OutputArgs {
    /// Output format, optionally with a file: `text`, `json`, `sarif`, `compliance`,
    /// `compliance-json`, `compliance-csv`, `html`, `github`, `junit`, `markdown`;
    /// `sarif:out.sarif` writes a file
    /// (repeatable; at most one format without a file goes to standard output).
    #[arg(
        long = "format",
        short = 'f',
        value_name = "FORMAT[:PATH]",
        default_value = "text"
    )]
    formats: Vec<String>,
    /// File for the one format given without a path (`--format sarif --output x.sarif`).
    #[arg(long, short = 'o', value_name = "PATH")]
    output: Option<PathBuf>,
    /// Colour in text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
}

impl OutputArgs {
    /// The formats and where each goes, checked.
    pub(super) fn specs(&self) -> Result<Vec<OutputSpec>, String> {
        output_specs(&self.formats, self.output.as_ref())
    }

    /// Writes every report.
    pub(super) fn write(&self, specs: &[OutputSpec], report: &Report) -> Result<(), String> {
        specs
            .iter()
            .try_for_each(|spec| write_output(spec, report, self.color))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    None,
}

impl FailOn {
    fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::None => None,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Where one format goes.
#[derive(Debug)]
pub(super) struct OutputSpec {
    format: Format,
    path: Option<PathBuf>,
}

pub fn run(args: ScanArgs) -> ExitCode {
    let job = Job::Files {
        inputs: &args.inputs,
        diff_base: args.diff_base.as_deref(),
        source_url: args.source_url.as_deref(),
        fail_on_parse_error: args.fail_on_parse_error,
    };
    match execute(&args.report, job) {
        Ok(code) => code,
        Err(code) => code,
    }
}

/// Where the resources of a run come from.
pub(super) enum Job<'a> {
    /// Files and directories (`tenet scan`).
    Files {
        inputs: &'a InputArgs,
        diff_base: Option<&'a str>,
        source_url: Option<&'a str>,
        fail_on_parse_error: bool,
    },
    /// A live collection (`tenet audit`); its gaps fail the run when `fail_on_gaps`.
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    Live {
        collect: LiveCollect<'a>,
        fail_on_gaps: bool,
    },
}

/// Runs a live collection (after configuration and policies loaded without error).
pub(super) type LiveCollect<'a> = Box<dyn FnOnce() -> Result<Live, ExitCode> + 'a>;

/// What a live collection gives a run.
pub(super) struct Live {
    pub graph: crate::graph::ResourceGraph,
    /// Recorded in the evidence manifest.
    pub scope: serde_json::Value,
    /// The collected graph, written into the evidence bundle.
    pub inventory: Vec<u8>,
}

/// Prints `error: MESSAGE`; the exit code of usage, configuration and input errors.
pub(super) fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_ERROR)
}

/// Converts the attribute values of one file's resources for rules as it loads, keeping
/// what the host reads after loading: suppression annotations, and what links Kubernetes
/// objects.
fn prepare_for_rules(resources: &mut [crate::graph::Resource]) {
    RuleValues::prepare(resources, |r| {
        let mut keep: Vec<Vec<&str>> = suppress::ATTRIBUTES_READ
            .iter()
            .map(|p| p.to_vec())
            .collect();
        keep.extend(crate::load::kubernetes::link_paths(r));
        keep
    });
}

/// The resource types whose attribute values the scan's rules read, where that is known:
/// the types the enabled rules list, when every one is built in and none is for every type.
/// A built-in rule lists each Azure type it reads, through `data.inventory` too (the test
/// `deployments_evaluated_as_they_load_give_the_whole_scan` holds them to it on their
/// fixtures); a rule of the user's may read any type.
fn read_types(rules: &[&RuleMeta]) -> ReadTypes {
    if rules
        .iter()
        .all(|r| r.builtin && !r.resource_types.iter().any(|t| t == "*"))
    {
        ReadTypes::only(rules.iter().flat_map(|r| r.resource_types.iter().cloned()))
    } else {
        ReadTypes::default()
    }
}

/// Root templates loaded at a time while evaluating: enough to keep both cores busy
/// between evaluations, few enough that their resources are a small group.
const DEPLOYMENTS_AT_ONCE: usize = 64;

/// Loads the Bicep `deployments` a few at a time (`at_once` root templates) and evaluates the
/// resources of each few before loading the next, so that a scan never holds every
/// deployment's resources as rules read them. Their outcome joins `outcome`, their resources
/// and errors `graph`.
fn evaluate_deployments(
    evaluator: &Evaluator<'_>,
    graph: &mut ResourceGraph,
    mut deployments: Deployments,
    at_once: usize,
    outcome: &mut Outcome,
) {
    // Each few is evaluated as a graph of its own, with the scan's files (which of them are
    // scanned decides what is reported on).
    let mut part = ResourceGraph::new();
    part.files = std::mem::take(&mut graph.files);
    part.shard = graph.shard;
    let mut kept = Kept {
        resources: Vec::new(),
        errors: &mut graph.errors,
        outcome,
        unknown: graph.shard.is_some(),
    };
    // Rules see the resources of the types they read (all, unless every rule is built in).
    let reads = deployments.read_types().clone();
    let few_at = |d: &Deployments, start: usize| start..(start + at_once.max(1)).min(d.len());
    // A few is sorted as it loads, beside the evaluation of the one before.
    let load = |d: &Deployments, range: std::ops::Range<usize>| {
        (!range.is_empty()).then(|| {
            let mut few = d.load(range, Some(prepare_for_rules));
            few.normalize();
            few
        })
    };
    let mut range = few_at(&deployments, 0);
    let mut next = load(&deployments, range.clone());
    let mut late_added = false;
    // The few evaluated last, kept beside the evaluation of the next.
    let mut done: Option<Evaluated> = None;
    loop {
        let few = match next.take() {
            Some(few) => few,
            // Every root is loaded: templates only a skipped statement called are roots too.
            None if !late_added => {
                late_added = true;
                let start = deployments.len();
                deployments.add_late_roots();
                range = few_at(&deployments, start);
                match load(&deployments, range.clone()) {
                    Some(few) => few,
                    None => break,
                }
            }
            None => break,
        };
        // No few is loading now: the loading threads' interners can go.
        RuleValues::end_preparing();
        part.resources = few.resources;
        part.errors = few.errors;
        part.normalize();
        let values = RuleValues::take(&mut part, suppress::ATTRIBUTES_READ);
        // The next few loads (and the last one's results are kept) while this one is
        // evaluated: each fills the other's idle stretches (a few's largest templates, a
        // rule's last batches).
        range = few_at(&deployments, range.end);
        let (evaluated, loading) = rayon::join(
            || evaluator.evaluate_reading(&part, values, &reads),
            || {
                if let Some(done) = done.take() {
                    kept.add(done);
                }
                load(&deployments, range.clone())
            },
        );
        next = loading;
        done = Some(Evaluated {
            outcome: evaluated,
            resources: std::mem::take(&mut part.resources),
            errors: std::mem::take(&mut part.errors),
        });
        crate::memory::release_freed();
    }
    if let Some(done) = done {
        kept.add(done);
    }
    let loaded = kept.resources;
    graph.files = part.files;
    graph.errors.extend(deployments.finish());
    if let Some(shard) = graph.shard {
        // The deployments' errors too are the shard's only if it owns their files.
        graph.restrict_to_shard(shard);
    }
    graph.insert_sorted(loaded);
    graph.normalize();
    outcome.sort();
}

/// One evaluated few of Bicep deployments: its outcome, resources and load errors.
struct Evaluated {
    outcome: Outcome,
    resources: Vec<Resource>,
    errors: Vec<crate::graph::LoadError>,
}

/// What a scan keeps of the evaluated fews of Bicep deployments.
struct Kept<'a> {
    resources: Vec<Resource>,
    errors: &'a mut Vec<crate::graph::LoadError>,
    outcome: &'a mut Outcome,
    /// Whether the paths of unknown values stay (a shard's state records them).
    unknown: bool,
}

impl Kept<'_> {
    fn add(&mut self, mut done: Evaluated) {
        self.outcome.absorb(done.outcome);
        self.errors.append(&mut done.errors);
        // What reports read of a resource stays: its references do not, nor, unless a
        // shard's state records them, the paths of its unknown values.
        for r in &mut done.resources {
            r.refs = Vec::new();
            if !self.unknown {
                r.unknown = Vec::new();
            }
        }
        self.resources.append(&mut done.resources);
    }
}

/// Loads policies and configuration, gets the resources, evaluates, reports.
pub(super) fn execute(args: &ReportArgs, job: Job) -> Result<ExitCode, ExitCode> {
    let started = chrono::Utc::now();
    let epoch = evidence::source_date_epoch().map_err(|e| usage(e.to_string()))?;
    let outputs = args.outputs.specs().map_err(usage)?;
    let sign_key = match &args.sign_key {
        Some(p) => Some(evidence::sign::read_signing_key(p).map_err(|e| usage(e.to_string()))?),
        None => None,
    };
    let (root, paths, var_files) = match &job {
        Job::Files { inputs, .. } => (
            inputs.root.clone(),
            inputs.paths.clone(),
            inputs.var_files.clone(),
        ),
        Job::Live { .. } => (None, vec![PathBuf::from(".")], Vec::new()),
    };
    let base = base_dir(root.as_ref())?;
    let config = find_config(args.config.as_ref(), args.no_config, &paths, &base)?;
    let mut policy_args = args.policies.clone();
    policy_args.policy_dirs = config.policy_dirs(&args.policies.policy_dirs);
    // Limits: the defaults, the configuration's, `--limit`, then the dedicated flags.
    let mut limits = match &job {
        Job::Files { inputs, .. } => inputs.limits(config.limits()),
        Job::Live { .. } => config.limits(),
    };
    if let Some(seconds) = args.rule_timeout {
        limits.rule_time = std::time::Duration::from_secs(seconds);
    }
    // Files load while the policies parse: the two are independent, and each has serial
    // stretches the other fills.
    let (mut policies, mut preloaded) = match &job {
        Job::Files { inputs, .. } => {
            let (policies, loaded) = rayon::join(
                || policy_args.load(),
                || {
                    let clock = std::time::Instant::now();
                    (
                        load_inputs_deferred(inputs, limits, Some(prepare_for_rules)),
                        clock.elapsed(),
                    )
                },
            );
            (policies?, Some(loaded))
        }
        Job::Live { .. } => (policy_args.load()?, None),
    };
    let frameworks = config.frameworks_or(&args.frameworks);
    let enabled = config
        .apply(&mut policies, &frameworks)
        .map_err(config_errors)?;
    let policies = policies;
    let rules = select_rules(&policies.rules, &args.rules, &args.skip_rules)
        .map_err(usage)?
        .into_iter()
        // Rules named with --rule run whatever the configuration says.
        .filter(|r| !args.rules.is_empty() || enabled.contains(&r.id))
        .collect::<Vec<_>>();
    let exceptions_path =
        config.path_or(args.exceptions.as_ref(), config.config.exceptions.as_ref());
    let exceptions = match &exceptions_path {
        Some(p) => Some(
            Exceptions::read(p, &display_path(p, Some(&base))).map_err(|e| usage(e.to_string()))?,
        ),
        None => None,
    };
    let baseline_path = config.path_or(args.baseline.as_ref(), config.config.baseline.as_ref());
    let baseline = match baseline_path.clone() {
        Some(p) => {
            let name = display_path(&p, Some(&base));
            Some((
                Baseline::read(&p, &name).map_err(|e| usage(e.to_string()))?,
                name,
            ))
        }
        None => None,
    };

    let clock = std::time::Instant::now();
    // Time spent loading before `clock` started (files load beside the policies).
    let mut load_time = std::time::Duration::ZERO;
    let mut live_scope = None;
    // Bicep deployments: loaded while evaluating, a few at a time.
    let mut deployments = None;
    let mut fail_on_load_errors = false;
    let (mut graph, base, changes, source_url, fail_on_incomplete) = match job {
        Job::Files {
            inputs,
            diff_base,
            source_url,
            fail_on_parse_error,
        } => {
            let (loaded, took) = preloaded.take().unwrap_or_else(|| {
                (
                    load_inputs_deferred(inputs, limits, Some(prepare_for_rules)),
                    std::time::Duration::ZERO,
                )
            });
            load_time = took;
            let (mut graph, loading, base) = loaded?;
            deployments = loading;
            if let Some(shard) = args.shard {
                graph.restrict_to_shard(shard);
            }
            let changes = match diff_base {
                Some(reference) => Some(
                    crate::diff::Changes::since(reference, &base)
                        .map_err(|e| usage(e.to_string()))?,
                ),
                None => None,
            };
            fail_on_load_errors = fail_on_parse_error;
            (graph, base, changes, source_url, false)
        }
        Job::Live {
            collect,
            fail_on_gaps,
        } => {
            let mut live = collect()?;
            if let Some(shard) = args.shard {
                live.graph.restrict_to_shard(shard);
            }
            let incomplete = fail_on_gaps && live.graph.gaps.iter().any(|g| g.is_failed_call());
            live_scope = Some((live.scope, live.inventory));
            (live.graph, base, None, None, incomplete)
        }
    };
    let loaded = clock.elapsed();
    let eval_opts = EvalOptions {
        timeout: limits.rule_time,
        // Timings are per rule: each rule is evaluated alone.
        together: !args.timings,
        ..EvalOptions::default()
    };
    // Rules read the resources as regorus values; the graph's own copy of the attribute
    // values is released as they are converted (the two were most of a scan's peak memory).
    RuleValues::end_preparing();
    let values = RuleValues::take(&mut graph, suppress::ATTRIBUTES_READ);
    crate::memory::release_freed();
    let evaluator = Evaluator::new(&policies, &rules, &eval_opts, deployments.is_some());
    if deployments.is_none() {
        crate::memory::purge_freed_at_once();
    }
    let mut outcome = evaluator.evaluate(&graph, values);
    if let Some(mut deployments) = deployments {
        deployments.read_only(read_types(&rules));
        evaluate_deployments(
            &evaluator,
            &mut graph,
            deployments,
            DEPLOYMENTS_AT_ONCE,
            &mut outcome,
        );
    }
    let fail_on_incomplete =
        fail_on_incomplete || (fail_on_load_errors && !graph.errors.is_empty());
    crate::compliance::demote_for_gaps(&graph.gaps, &policies.rules, &mut outcome);
    if !frameworks.is_empty() {
        // Findings name the controls of the frameworks reported on only. A rule's findings
        // share one narrowed map, as they shared the rule's.
        let mut narrowed = std::collections::HashMap::new();
        for f in outcome.findings.iter_mut().chain(&mut outcome.undetermined) {
            let controls = narrowed
                .entry(std::sync::Arc::as_ptr(&f.controls))
                .or_insert_with(|| {
                    let mut c = (*f.controls).clone();
                    c.retain(|fw, _| frameworks.contains(fw));
                    std::sync::Arc::new(c)
                });
            f.controls = controls.clone();
        }
    }
    if args.timings {
        print_timings(loaded + load_time, clock.elapsed() - loaded, &outcome);
    }
    let suppress_opts = suppress::Options {
        inline: !args.no_inline_suppressions && config.config.inline_suppressions != Some(false),
        exceptions: exceptions.as_ref(),
        baseline: baseline.as_ref().map(|(b, n)| (b, n.clone())),
        today: suppress::today(),
        known_rules: policies.rules.iter().map(|r| r.id.clone()).collect(),
        base: base.clone(),
    };
    // The engines are freed beside it (a few milliseconds of a scan's serial end).
    let ((), applied) = rayon::join(
        || drop(evaluator),
        || {
            suppress::apply(
                &graph,
                &mut outcome.findings,
                &mut outcome.undetermined,
                &suppress_opts,
            )
        },
    );
    if let Some(changes) = &changes {
        changes.classify(&graph, &mut outcome.findings);
        changes.classify(&graph, &mut outcome.undetermined);
    }
    if let Some(path) = &args.write_baseline {
        write_baseline(path, &outcome.findings).map_err(usage)?;
    }

    let fail_on = if args.soft_fail {
        None
    } else {
        match (args.fail_on, config.config.fail_on.as_deref()) {
            (Some(f), _) => f.severity(),
            (None, Some(s)) => Severity::parse(s),
            (None, None) => Some(Severity::Low),
        }
    };
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        graph: &graph,
        outcome: &outcome,
        rules: rules.clone(),
        policies: &policies,
        base_dir: Some(base.to_string_lossy().into_owned()),
        fail_on,
        suppressions: Some(&applied),
        frameworks: policies
            .catalogs
            .values()
            .filter(|c| frameworks.is_empty() || frameworks.contains(&c.id))
            .collect(),
        frameworks_selected: !frameworks.is_empty(),
        diff: changes.as_ref().map(|c| &c.summary),
        source_url,
        assessment: std::sync::OnceLock::new(),
    };
    args.outputs.write(&outputs, &report).map_err(usage)?;
    if let Some(out) = &args.evidence {
        let mut configuration: Vec<(PathBuf, &'static str)> = Vec::new();
        configuration.extend(config.path.clone().map(|p| (p, "config")));
        configuration.extend(exceptions_path.map(|p| (p, "exceptions")));
        configuration.extend(baseline_path.map(|p| (p, "baseline")));
        configuration.extend(var_files.into_iter().map(|p| (p, "var-file")));
        let ctx = evidence::Context {
            command: if live_scope.is_some() {
                "audit"
            } else {
                "scan"
            },
            started: epoch.unwrap_or(started),
            finished: epoch.unwrap_or_else(chrono::Utc::now),
            paths: if live_scope.is_some() {
                Vec::new()
            } else {
                paths.iter().map(|p| display_path(p, Some(&base))).collect()
            },
            base: &base,
            configuration,
            sign_key: sign_key.as_ref(),
            live: live_scope
                .as_ref()
                .map(|(scope, inventory)| evidence::LiveEvidence {
                    scope: scope.clone(),
                    inventory: inventory.as_slice(),
                }),
            shard: args.shard,
            attested: None,
        };
        let bundle = evidence::Bundle::write(&report, &ctx, out)
            .map_err(|e| usage(format!("evidence bundle: {e}")))?;
        eprintln!(
            "evidence: {} written ({} files, manifest sha256 {})",
            out.display(),
            bundle.files.len(),
            bundle.manifest_sha256
        );
    }

    if fail_on_incomplete && live_scope.is_some() && outcome.errors.is_empty() {
        eprintln!(
            "error: some calls failed; the evidence is incomplete (their rules are not-evaluated; \
             --allow-gaps accepts this)"
        );
    }
    let code = if !outcome.errors.is_empty() {
        EXIT_ERROR
    } else if report.failing() > 0 || fail_on_incomplete {
        EXIT_FINDINGS
    } else {
        0
    };
    // The process ends right after: freeing the graph, the engines and the findings one
    // allocation at a time took ~30 ms of a 0.6 s scan of the Kubernetes corpus.
    std::mem::forget(report);
    std::mem::forget(outcome);
    std::mem::forget(graph);
    std::mem::forget(policies);
    Ok(ExitCode::from(code))
}

/// Writes the fingerprints of the findings no suppression but a baseline covers.
pub(super) fn write_baseline(
    path: &std::path::Path,
    findings: &[crate::finding::Finding],
) -> Result<(), String> {
    let open: Vec<&crate::finding::Finding> = findings
        .iter()
        .filter(|f| {
            f.suppression
                .as_ref()
                .is_none_or(|s| s.kind == suppress::Kind::Baseline)
        })
        .collect();
    let text = serde_json::to_string_pretty(&Baseline::of(&open))
        .map_err(|e| format!("cannot encode the baseline: {e}"))?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The configuration: `--config FILE`, else the nearest `.tenet.yaml`, else none.
fn find_config(
    explicit: Option<&PathBuf>,
    disabled: bool,
    paths: &[PathBuf],
    base: &std::path::Path,
) -> Result<Loaded, ExitCode> {
    if disabled {
        return Ok(Loaded::default());
    }
    let path = match explicit {
        Some(p) => {
            if !p.is_file() {
                return Err(usage(format!("--config {}: no such file", p.display())));
            }
            Some(p.clone())
        }
        None => config::discover(paths, base).map_err(usage)?,
    };
    match path {
        Some(p) => {
            Loaded::read(&p, display_path(&p, Some(base))).map_err(|e| config_errors(vec![e]))
        }
        None => Ok(Loaded::default()),
    }
}

fn config_errors(errors: Vec<ConfigError>) -> ExitCode {
    for e in &errors {
        eprintln!("error: {e}");
    }
    eprintln!(
        "error: {} configuration problem(s); nothing was scanned",
        errors.len()
    );
    ExitCode::from(EXIT_ERROR)
}

fn write_output(spec: &OutputSpec, report: &Report, color: ColorChoice) -> Result<(), String> {
    match &spec.path {
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            let file =
                File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            let mut w = BufWriter::new(file);
            spec.format
                .emitter(matches!(color, ColorChoice::Always))
                .emit(&mut w, report)
                .and_then(|()| w.flush())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let stdout = std::io::stdout();
            let use_color = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            let mut lock = stdout.lock();
            let result = spec
                .format
                .emitter(use_color)
                .emit(&mut lock, report)
                .and_then(|()| lock.flush());
            stdout_result(result)
        }
    }
}

fn print_timings(
    load: std::time::Duration,
    eval: std::time::Duration,
    outcome: &crate::engine::Outcome,
) {
    eprintln!(
        "timings: load {:.1} ms, evaluate {:.1} ms",
        load.as_secs_f64() * 1e3,
        eval.as_secs_f64() * 1e3
    );
    let mut runs: Vec<_> = outcome.runs.iter().collect();
    let total: std::time::Duration = runs.iter().map(|r| r.elapsed).sum();
    eprintln!(
        "  {:>8.1} ms  in {} rules, summed over threads",
        total.as_secs_f64() * 1e3,
        runs.len()
    );
    let shown = std::env::var("TENET_TIMINGS_RULES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    runs.sort_by(|a, b| b.elapsed.cmp(&a.elapsed).then(a.rule_id.cmp(&b.rule_id)));
    for run in runs.iter().take(shown) {
        eprintln!(
            "  {:>8.1} ms  {} ({} resources)",
            run.elapsed.as_secs_f64() * 1e3,
            run.rule_id,
            run.examined.len()
        );
    }
}

/// Parses `--format` values (`FMT` or `FMT:PATH`) and applies `--output`.
fn output_specs(formats: &[String], output: Option<&PathBuf>) -> Result<Vec<OutputSpec>, String> {
    let mut specs = Vec::new();
    for raw in formats {
        let (name, path) = match raw.split_once(':') {
            Some((n, p)) if !p.is_empty() => (n, Some(PathBuf::from(p))),
            Some((n, _)) => (n, None),
            None => (raw.as_str(), None),
        };
        let format = Format::from_str(name, true).map_err(|_| {
            format!("unknown format `{name}` (use text, json, sarif, compliance, compliance-json, compliance-csv, html, github, junit or markdown, optionally with :PATH)")
        })?;
        specs.push(OutputSpec { format, path });
    }
    // The default `text` stays only when it is the sole format requested.
    let explicit_stdout: Vec<usize> = specs
        .iter()
        .enumerate()
        .filter(|(_, s)| s.path.is_none())
        .map(|(i, _)| i)
        .collect();
    if let Some(out) = output {
        match explicit_stdout.as_slice() {
            [i] => specs[*i].path = Some(out.clone()),
            [] => return Err("--output needs a format without a path to write (e.g. --format sarif --output x.sarif)".into()),
            _ => return Err("--output is ambiguous: several formats have no path".into()),
        }
    } else if explicit_stdout.len() > 1 {
        return Err("at most one format can go to standard output; give the others a path (--format sarif:out.sarif)".into());
    }
    Ok(specs)
}

/// The rules to evaluate: `--rule` narrows, `--skip-rule` removes; unknown ids are errors.
fn select_rules<'a>(
    all: &'a [RuleMeta],
    only: &[String],
    skip: &[String],
) -> Result<Vec<&'a RuleMeta>, String> {
    for id in only.iter().chain(skip) {
        if !all.iter().any(|r| &r.id == id) {
            return Err(format!(
                "unknown rule `{id}` (rule ids are listed in the README and in each rule's METADATA)"
            ));
        }
    }
    Ok(all
        .iter()
        .filter(|r| only.is_empty() || only.contains(&r.id))
        .filter(|r| !skip.contains(&r.id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bicep deployments loaded and evaluated a few at a time give the outcome and the graph
    /// of loading everything first, on the rule fixtures (every source format together).
    /// Groups of one deployment each: a deployment then sees only its own resources in
    /// `data.inventory` either way (the fixtures of different rules reuse names, so larger
    /// groups would let one deployment's rule find another's resource by name).
    #[test]
    fn deployments_evaluated_as_they_load_give_the_whole_scan() {
        let base = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let discovery =
            crate::discover::discover(&[base.join("fixtures/rules")], &base).expect("fixtures");
        let opts = crate::load::LoadOptions {
            base: Some(base.clone()),
            prepare: Some(prepare_for_rules),
            ..Default::default()
        };
        let policies = crate::policy::PolicySet::load(&[], true).expect("policies");
        let rules: Vec<&RuleMeta> = policies.rules.iter().collect();
        let eval_opts = EvalOptions {
            group_size: 1,
            ..EvalOptions::default()
        };

        let mut whole = crate::load::load(&discovery.files, discovery.errors.clone(), &opts);
        RuleValues::end_preparing();
        let values = RuleValues::take(&mut whole, suppress::ATTRIBUTES_READ);
        let expected =
            crate::engine::evaluate_values(&policies, &rules, &whole, values, &eval_opts);
        assert!(
            whole
                .resources
                .iter()
                .any(|r| r.origin == crate::graph::Origin::Bicep)
        );
        assert!(!expected.findings.is_empty());

        // Built-in rules give the same results when only the types they list are evaluated
        // in full, as a scan with built-in rules only does.
        for (at_once, only_read) in [(1, false), (1, true), (3, true), (1000, false)] {
            let (mut graph, deployments) =
                crate::load::load_deferred(&discovery.files, discovery.errors.clone(), &opts);
            let mut deployments = deployments.expect("the fixtures have Bicep templates");
            if only_read {
                deployments.read_only(read_types(&rules));
            }
            assert!(deployments.len() > 3, "{}", deployments.len());
            RuleValues::end_preparing();
            let values = RuleValues::take(&mut graph, suppress::ATTRIBUTES_READ);
            let evaluator = Evaluator::new(&policies, &rules, &eval_opts, true);
            let mut outcome = evaluator.evaluate(&graph, values);
            evaluate_deployments(&evaluator, &mut graph, deployments, at_once, &mut outcome);
            let keys = |f: &[crate::finding::Finding]| -> Vec<String> {
                f.iter()
                    .map(|f| format!("{} {} {:?}", f.rule_id, f.resource.id, f.attribute))
                    .collect()
            };
            for (got, want) in [
                (&outcome.findings, &expected.findings),
                (&outcome.undetermined, &expected.undetermined),
            ] {
                let (got, want) = (keys(got), keys(want));
                let missing: Vec<&String> = want.iter().filter(|k| !got.contains(k)).collect();
                let extra: Vec<&String> = got.iter().filter(|k| !want.contains(k)).collect();
                assert!(
                    missing.is_empty() && extra.is_empty() && got == want,
                    "{at_once} at once, only read types {only_read}: missing {missing:#?}, extra {extra:#?}"
                );
            }
            assert_eq!(outcome.findings, expected.findings);
            assert_eq!(outcome.undetermined, expected.undetermined);
            assert_eq!(outcome.errors, expected.errors);
            assert!(
                outcome.untimed_runs() == expected.untimed_runs(),
                "{at_once} at once: runs differ"
            );
            // The same resources from the same places. A Bicep resource of a type no rule
            // reads has no attribute regions when only the read types are evaluated.
            let reads = read_types(&rules);
            let ids =
                |g: &ResourceGraph, unread_regions: bool| -> Vec<(String, crate::graph::Source)> {
                    g.resources
                        .iter()
                        .map(|r| {
                            let mut source = r.source.clone();
                            if let crate::graph::Source::File(f) = &mut source
                                && r.origin == crate::graph::Origin::Bicep
                                && !reads.reads(&r.resource_type)
                                && !unread_regions
                            {
                                f.regions = crate::graph::Regions::default();
                            }
                            (r.id.clone(), source)
                        })
                        .collect()
                };
            assert_eq!(ids(&graph, true), ids(&whole, !only_read));
            if only_read {
                // What was left out was there in the whole load.
                assert_ne!(ids(&whole, true), ids(&whole, false));
            }
            assert_eq!(graph.files, whole.files);
            assert_eq!(graph.errors, whole.errors);
        }
    }

    #[test]
    fn format_specs() {
        let s = output_specs(&["text".into(), "sarif:out/x.sarif".into()], None).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[1].path.as_deref(),
            Some(std::path::Path::new("out/x.sarif"))
        );
        let s = output_specs(&["sarif".into()], Some(&PathBuf::from("r.sarif"))).unwrap();
        assert_eq!(s[0].path.as_deref(), Some(std::path::Path::new("r.sarif")));
        assert!(output_specs(&["text".into(), "json".into()], None).is_err());
        assert!(
            output_specs(&["yaml".into()], None)
                .unwrap_err()
                .contains("unknown format `yaml`")
        );
    }
}
