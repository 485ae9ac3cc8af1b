//! The `tenet` command line: argument handling over the library. Each subcommand wires
//! discovery, loading, policies, the engine and reports together; none of them holds logic
//! of its own beyond choosing outputs and the exit code.
//!
//! Exit codes: 0 no finding at or above `--fail-on`; 1 findings at or above it (or, with
//! `--fail-on-parse-error`, an input that could not be loaded); 2 usage, configuration or
//! policy error (including a rule that failed to evaluate).

#[cfg(feature = "live")]
mod audit;
mod graph;
mod merge;
mod rules;
mod scan;
#[cfg(feature = "serve")]
mod serve;
mod test;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::load::bicep::Deployments;
use crate::policy::{PolicyError, PolicySet};

/// Exit code for findings at or above the threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage, configuration and policy errors.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "tenet",
    version,
    about = "Policy-as-code compliance scanner for Terraform, Bicep, Kubernetes and cloud inventory"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads (default: one per core).
    #[arg(long, global = true, value_name = "N")]
    jobs: Option<usize>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan files and directories and report findings.
    Scan(Box<scan::ScanArgs>),
    /// Print the resource graph of files and directories as JSON.
    Graph(graph::GraphArgs),
    /// Run the Rego unit tests (`test_*` rules) of the built-in and given policy packs.
    Test(test::TestArgs),
    /// List the rules, filtered by framework, platform or severity.
    Rules(rules::RulesArgs),
    /// Explain one rule: why it matters, its controls, remediation and examples.
    Explain(rules::ExplainArgs),
    /// Audit a live estate (AWS, Azure, GCP, a Kubernetes cluster) with the same rules.
    #[cfg(feature = "live")]
    Audit(Box<audit::AuditArgs>),
    /// Check an evidence bundle: every hash, and the signature with --public-key.
    Verify(verify::VerifyArgs),
    /// Join the evidence bundles of a sharded run (`--shard I/N`) into its reports and bundle.
    Merge(merge::MergeArgs),
    /// Run the Kubernetes validating admission webhook (HTTPS, AdmissionReview v1).
    #[cfg(feature = "serve")]
    Serve(Box<serve::ServeArgs>),
}

/// Options shared by commands that load policies.
#[derive(Debug, Args, Clone)]
pub struct PolicyArgs {
    /// Add the rules of a policy directory (repeatable); same contract as the built-in packs.
    #[arg(long = "policy", value_name = "DIR")]
    pub policy_dirs: Vec<PathBuf>,
    /// Leave out the built-in rules (their helper libraries and the framework catalogs stay).
    #[arg(long)]
    pub no_builtin: bool,
}

impl PolicyArgs {
    /// Loads and validates the policies, printing every problem on failure.
    pub fn load(&self) -> Result<PolicySet, ExitCode> {
        PolicySet::load(&self.policy_dirs, !self.no_builtin).map_err(|errors| {
            print_policy_errors(&errors);
            ExitCode::from(EXIT_ERROR)
        })
    }
}

/// The result of writing to standard output: a closed pipe (`tenet scan | head`) is not an
/// error worth reporting.
pub(crate) fn stdout_result(result: std::io::Result<()>) -> Result<(), String> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| format!("cannot write to standard output: {e}")),
    }
}

fn print_policy_errors(errors: &[PolicyError]) {
    for e in errors {
        eprintln!("error: {e}");
    }
    eprintln!(
        "error: {} policy problem(s); stopping before any evaluation",
        errors.len()
    );
}

/// Stack of each worker thread (reserved, not committed: untouched pages cost nothing).
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Stack of the thread `main` runs the command on (see `src/main.rs`).
pub const MAIN_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Starts rayon's global pool with `jobs` workers (default: one per core), each with a
/// [`WORKER_STACK_BYTES`] stack. Fails if the pool was already started.
pub fn init_worker_pool(jobs: Option<usize>) -> Result<(), rayon::ThreadPoolBuildError> {
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_BYTES);
    if let Some(n) = jobs {
        pool = pool.num_threads(n.max(1));
    }
    pool.build_global()
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    // regorus' parser backtracks through `anyhow` errors, which capture a backtrace each
    // when RUST_BACKTRACE is set (as it often is in CI and developers' shells): that made
    // loading the policies 25 % slower. Library backtraces stay off unless asked for by
    // name; panics still honour RUST_BACKTRACE.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: first thing on the command thread; the process's only other thread is
        // `main`, which is blocked joining this one and reads no environment.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
    let cli = Cli::parse();
    // Workers get the main thread's stack budget and more: loaders and the evaluator recurse
    // over nested values, which are bounded in depth (256 levels) but not in frame size.
    if let Err(e) = init_worker_pool(cli.jobs) {
        eprintln!("error: cannot start the worker threads: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    match cli.command {
        Command::Scan(args) => scan::run(*args),
        Command::Graph(args) => graph::run(args),
        Command::Test(args) => test::run(args),
        Command::Rules(args) => rules::run_rules(args),
        Command::Explain(args) => rules::run_explain(args),
        Command::Verify(args) => verify::run(args),
        Command::Merge(args) => merge::run(args),
        #[cfg(feature = "live")]
        Command::Audit(args) => audit::run(*args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(*args, cli.jobs),
    }
}

/// Options shared by commands that load inputs.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Files and directories to load.
    #[arg(default_value = ".", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Directory that reported paths are relative to, and outside which nothing is read
    /// (default: the enclosing git work tree, else the working directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Files larger than this many bytes are reported instead of read [default: 16777216, or
    /// `file-bytes` under `limits:` of the configuration]. Same as `--limit file-bytes=BYTES`.
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Sets a bound on what one input may cost, `NAME=VALUE` (repeatable; wins over `limits:`
    /// of the configuration): `file-bytes`, `hcl-parse-seconds`, `yaml-alias-values`,
    /// `terraform-instances`, `terraform-resources`, `rule-seconds` (see
    /// docs/robustness.md).
    #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = crate::limits::parse_setting)]
    pub limits: Vec<(String, u64)>,
    /// Terraform variables file for root modules (repeatable; applied after
    /// `terraform.tfvars` and `*.auto.tfvars`, in the order given).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Terraform variable for root modules, `NAME=VALUE` (repeatable; wins over var files).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
}

impl InputArgs {
    /// `limits` (the defaults, or the configuration's) with `--limit` and `--max-file-size`
    /// applied.
    pub fn limits(&self, limits: crate::limits::Limits) -> crate::limits::Limits {
        // The settings were checked as they were parsed.
        let settings = self
            .limits
            .iter()
            .map(|(name, value)| (name.as_str(), *value));
        let mut limits = limits.with(settings).unwrap_or(limits);
        if let Some(bytes) = self.max_file_size {
            limits.file_bytes = bytes;
        }
        limits
    }
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got {s:?}")),
    }
}

/// Discovers and loads the inputs into one graph; a path that does not exist is a usage error.
/// `TF_VAR_<name>` environment variables give values to Terraform root variables.
/// `prepare` is [`crate::load::LoadOptions::prepare`]; `limits` bound what each input costs.
fn load_inputs(
    args: &InputArgs,
    limits: crate::limits::Limits,
    prepare: Option<fn(&mut [crate::graph::Resource])>,
) -> Result<(crate::graph::ResourceGraph, PathBuf), ExitCode> {
    let (mut graph, deployments, base) = load_inputs_deferred(args, limits, prepare)?;
    if let Some(deployments) = deployments {
        crate::load::load_all(&mut graph, deployments, prepare);
    }
    Ok((graph, base))
}

/// What [`load_inputs`] loads, except the Bicep deployments, which come back to be loaded
/// later ([`crate::load::load_deferred`]).
fn load_inputs_deferred(
    args: &InputArgs,
    limits: crate::limits::Limits,
    prepare: Option<fn(&mut [crate::graph::Resource])>,
) -> Result<(crate::graph::ResourceGraph, Option<Deployments>, PathBuf), ExitCode> {
    let base = base_dir(args.root.as_ref())?;
    let discovery = crate::discover::discover(&args.paths, &base).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_ERROR)
    })?;
    for f in &args.var_files {
        if !f.is_file() {
            eprintln!("error: --var-file {}: no such file", f.display());
            return Err(ExitCode::from(EXIT_ERROR));
        }
    }
    let mut env: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let name = k.to_str()?.strip_prefix("TF_VAR_")?.to_string();
            Some((name, v.into_string().ok()?))
        })
        .collect();
    env.sort();
    let opts = crate::load::LoadOptions {
        limits,
        base: Some(base.clone()),
        terraform_vars: crate::load::terraform::VarInputs {
            env,
            files: args.var_files.clone(),
            vars: args.vars.clone(),
        },
        prepare,
    };
    let (graph, deployments) =
        crate::load::load_deferred(&discovery.files, discovery.errors, &opts);
    Ok((graph, deployments, base))
}

/// The directory paths are shown relative to: `--root`, or the enclosing git work tree, or
/// the working directory.
fn base_dir(root: Option<&PathBuf>) -> Result<PathBuf, ExitCode> {
    let cwd = std::env::current_dir().map_err(|e| {
        eprintln!("error: cannot determine the working directory: {e}");
        ExitCode::from(EXIT_ERROR)
    })?;
    Ok(match root {
        Some(r) => std::path::absolute(r).unwrap_or_else(|_| cwd.join(r)),
        None => crate::discover::default_base(&cwd),
    })
}
