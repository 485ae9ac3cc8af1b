//! `tenet serve`: the validating admission webhook (see `crate::serve`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::{EXIT_ERROR, PolicyArgs};
use crate::admission::Sources;
use crate::config::{EnforcementMode, OnError};
use crate::serve::{DEFAULT_MAX_BODY_BYTES, Options};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (HTTPS only).
    #[arg(long, value_name = "ADDR:PORT", default_value = "0.0.0.0:8443")]
    listen: SocketAddr,
    /// Serving certificate chain (PEM); read again when the file changes.
    #[arg(long, value_name = "FILE")]
    tls_cert: PathBuf,
    /// Private key of the serving certificate (PEM).
    #[arg(long, value_name = "FILE")]
    tls_key: PathBuf,
    #[command(flatten)]
    policies: PolicyArgs,
    /// Configuration file: its `admission:` section, rules, params, frameworks, exceptions.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Exceptions file (overrides the configuration's `exceptions`).
    #[arg(long, value_name = "FILE")]
    exceptions: Option<PathBuf>,
    /// Judge only with rules mapped to this framework (repeatable).
    #[arg(long = "framework", value_name = "ID")]
    frameworks: Vec<String>,
    /// Mode of every rule without its own in the configuration [default: enforce].
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// Answer when a review cannot be completed (deadline, rule error); match the webhook's
    /// failurePolicy (Fail: deny, Ignore: allow) [default: deny].
    #[arg(long, value_enum)]
    on_error: Option<OnErrorArg>,
    /// Review deadline in milliseconds; keep it under the webhook's timeoutSeconds [default: 3000].
    #[arg(long, value_name = "MS")]
    deadline_ms: Option<u64>,
    /// Largest request body accepted (HTTP 413 beyond).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Seconds between checks of the certificate files for a change.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    cert_check_seconds: f64,
    /// Seconds to go on serving, not ready, after SIGTERM (while Kubernetes removes the pod
    /// from the Service) before closing the listener.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    shutdown_delay_seconds: f64,
    /// Longest wait, in seconds, for reviews under way once the listener is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0)]
    shutdown_grace_seconds: f64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModeArg {
    Enforce,
    Warn,
    Audit,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OnErrorArg {
    Deny,
    Allow,
}

fn seconds(name: &str, value: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| format!("--{name} must be a number of seconds ≥ 0"))
}

pub fn run(args: ServeArgs, threads: Option<usize>) -> ExitCode {
    let durations = (|| -> Result<_, String> {
        Ok((
            seconds("cert-check-seconds", args.cert_check_seconds.max(0.1))?,
            seconds("shutdown-delay-seconds", args.shutdown_delay_seconds)?,
            seconds("shutdown-grace-seconds", args.shutdown_grace_seconds)?,
        ))
    })();
    let (cert_check, shutdown_delay, shutdown_grace) = match durations {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let opts = Options {
        listen: args.listen,
        tls_cert: args.tls_cert,
        tls_key: args.tls_key,
        sources: Sources {
            config: args.config,
            exceptions: args.exceptions,
            policy_dirs: args.policies.policy_dirs,
            no_builtin: args.policies.no_builtin,
            frameworks: args.frameworks,
            mode: args.mode.map(|m| match m {
                ModeArg::Enforce => EnforcementMode::Enforce,
                ModeArg::Warn => EnforcementMode::Warn,
                ModeArg::Audit => EnforcementMode::Audit,
            }),
            on_error: args.on_error.map(|o| match o {
                OnErrorArg::Deny => OnError::Deny,
                OnErrorArg::Allow => OnError::Allow,
            }),
            deadline: args.deadline_ms.map(Duration::from_millis),
        },
        max_body_bytes: args.max_body_bytes,
        cert_check,
        shutdown_grace,
        shutdown_delay,
        threads,
    };
    match crate::serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
