//! `tenet audit`: collect a live estate (AWS, Azure, GCP, a Kubernetes cluster) into the
//! resource graph and run the same rules and reports as `tenet scan`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::EXIT_ERROR;
use super::scan::{Job, Live, ReportArgs, execute};
use crate::live::{self, Collected, Progress};

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The estate to read.
    #[arg(long, value_enum)]
    provider: Provider,
    /// AWS: region to audit (repeatable; default: AWS_REGION, AWS_DEFAULT_REGION or the
    /// profile's region, else us-east-1).
    #[arg(long = "region", value_name = "REGION")]
    regions: Vec<String>,
    /// AWS: shared config/credentials profile (default: AWS_PROFILE, else the environment's
    /// keys, else `default`, else web identity).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Endpoint for every API call (AWS: wins over AWS_ENDPOINT_URL[_<SERVICE>]; Azure: the
    /// Resource Manager base; GCP: the Cloud Asset API base; Kubernetes: the API server).
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
    /// Azure: subscription id (repeatable; required for Azure).
    #[arg(long = "subscription", value_name = "ID")]
    subscriptions: Vec<String>,
    /// GCP: `projects/ID`, `folders/N` or `organizations/N` (or a bare project id; repeatable).
    #[arg(long = "scope", value_name = "PARENT")]
    scopes: Vec<String>,
    /// Kubernetes: kubeconfig file (default: KUBECONFIG, else ~/.kube/config, else the
    /// in-cluster service account).
    #[arg(long, value_name = "FILE")]
    kubeconfig: Option<std::path::PathBuf>,
    /// Kubernetes: kubeconfig context (default: its current-context).
    #[arg(long, value_name = "NAME")]
    context: Option<String>,
    /// Kubernetes: objects per list page (`limit`).
    #[arg(long, value_name = "N", default_value_t = 500)]
    page_size: u32,
    /// Attempts per API call before giving up (throttling, 5xx, timeouts).
    #[arg(long, value_name = "N", default_value_t = 5)]
    max_attempts: u32,
    /// Timeout of one API call, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    request_timeout: u64,
    /// Exit 0 even when calls failed (by default an audit that could not read everything it
    /// should exits 1, whatever `--soft-fail` says about findings: its evidence is incomplete).
    #[arg(long)]
    allow_gaps: bool,
    /// No progress line, even on a terminal.
    #[arg(long, short = 'q')]
    quiet: bool,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Provider {
    Aws,
    Azure,
    Gcp,
    Kubernetes,
}

pub fn run(args: AuditArgs) -> ExitCode {
    let collect = || collect(&args);
    let job = Job::Live {
        collect: Box::new(collect),
        fail_on_gaps: !args.allow_gaps,
    };
    match execute(&args.report, job) {
        Ok(code) | Err(code) => code,
    }
}

fn collect(args: &AuditArgs) -> Result<Live, ExitCode> {
    let policy = live::http::RetryPolicy {
        attempts: args.max_attempts.max(1),
        timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
        ..Default::default()
    };
    let fail = |e: String| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_ERROR)
    };
    let http = live::http::Client::new(policy).map_err(|e| fail(e.to_string()))?;
    let env = |k: &str| std::env::var(k).ok();
    let progress = Bar::new(
        !args.quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
    );
    let clock = Instant::now();
    let collected: Collected = match args.provider {
        Provider::Aws => live::aws::collect::collect(
            &live::aws::Options {
                regions: args.regions.clone(),
                profile: args.profile.clone(),
                endpoint_url: args.endpoint_url.clone(),
            },
            http,
            &env,
            &progress,
        )
        .map_err(|e| fail(format!("aws: {e}")))?,
        Provider::Azure => {
            let tokens = live::azure::tokens(&env).map_err(|e| fail(format!("azure: {e}")))?;
            live::azure::collect(
                &live::azure::Options {
                    subscriptions: args.subscriptions.clone(),
                    base_url: args.endpoint_url.clone(),
                },
                http,
                tokens.as_ref(),
                &env,
                &progress,
            )
            .map_err(|e| fail(format!("azure: {e}")))?
        }
        Provider::Gcp => {
            let tokens = live::gcp::tokens(&env).map_err(|e| fail(format!("gcp: {e}")))?;
            live::gcp::collect(
                &live::gcp::Options {
                    scopes: args.scopes.clone(),
                    base_url: args.endpoint_url.clone(),
                },
                http,
                tokens.as_ref(),
                &env,
                &progress,
            )
            .map_err(|e| fail(format!("gcp: {e}")))?
        }
        Provider::Kubernetes => live::kubernetes::collect(
            &live::kubernetes::Options {
                kubeconfig: args.kubeconfig.clone(),
                context: args.context.clone(),
                server: args.endpoint_url.clone(),
                page_size: args.page_size,
            },
            http.policy.clone(),
            &env,
            &progress,
        )
        .map_err(|e| fail(format!("kubernetes: {e}")))?,
    };
    progress.clear();
    let Collected { mut graph, scope } = collected;
    let inventory = serde_json::to_vec_pretty(&graph).map_err(|e| fail(e.to_string()))?;
    // Failed calls are listed with the load errors; what a collector never reads is stated in
    // the compliance reasons and caveats instead.
    for gap in graph.gaps.iter().filter(|g| g.is_failed_call()) {
        graph.errors.push(live::gap_error(gap));
    }
    graph.normalize();
    eprintln!("{}", summary(&scope, &graph, clock.elapsed()));
    Ok(Live {
        scope: serde_json::to_value(&scope).map_err(|e| fail(e.to_string()))?,
        inventory,
        graph,
    })
}

/// One line: what was read, how much, how long, and what could not be read.
fn summary(
    scope: &live::LiveScope,
    graph: &crate::graph::ResourceGraph,
    took: std::time::Duration,
) -> String {
    let mut place: Vec<String> = Vec::new();
    for (label, list) in [
        ("account", &scope.accounts),
        ("region", &scope.regions),
        ("subscription", &scope.subscriptions),
        ("scope", &scope.projects),
    ] {
        if !list.is_empty() {
            place.push(format!("{label} {}", list.join(", ")));
        }
    }
    if let Some(c) = &scope.cluster {
        place.push(format!("cluster {c}"));
    }
    let gaps = graph.gaps.iter().filter(|g| g.is_failed_call()).count();
    format!(
        "audit: {} {}: {} resources in {:.1} s ({} requests, {} retried){}",
        scope.provider,
        place.join("; "),
        graph.resources.len(),
        took.as_secs_f64(),
        scope.requests,
        scope.retries,
        if gaps == 0 {
            String::new()
        } else {
            format!("; {gaps} call(s) failed, their rules are not-evaluated (listed below)")
        }
    )
}

/// A one-line progress display on standard error (collectors done, resources found, the
/// collectors still running); silent when not on a terminal or in CI.
struct Bar {
    on: bool,
    state: Mutex<BarState>,
}

#[derive(Default)]
struct BarState {
    started: usize,
    done: usize,
    resources: usize,
    running: Vec<String>,
}

impl Bar {
    fn new(on: bool) -> Bar {
        Bar {
            on,
            state: Mutex::new(BarState::default()),
        }
    }

    fn draw(&self, s: &BarState) {
        if !self.on {
            return;
        }
        let mut running = s.running.join(", ");
        if running.chars().count() > 40 {
            running = running.chars().take(37).collect::<String>() + "...";
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2Kcollecting: {}/{} collectors done, {} resources  {running}",
            s.done, s.started, s.resources
        );
        let _ = err.flush();
    }

    fn clear(&self) {
        if self.on {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

impl Progress for Bar {
    fn started(&self, what: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.started += 1;
            s.running.push(what.to_string());
            self.draw(&s);
        }
    }

    fn finished(&self, what: &str, resources: usize) {
        if let Ok(mut s) = self.state.lock() {
            s.done += 1;
            s.resources += resources;
            s.running.retain(|r| r != what);
            self.draw(&s);
        }
    }
}
