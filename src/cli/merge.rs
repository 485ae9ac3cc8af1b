//! `tenet merge BUNDLE...`: joins the evidence bundles of a sharded run (`--shard I/N`) into
//! the reports and the evidence bundle of the whole run.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::scan::{OutputArgs, usage, write_baseline};
use super::{EXIT_ERROR, EXIT_FINDINGS};
use crate::evidence;
use crate::merge::{ShardBundle, merge};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The evidence bundles of every shard of one run (directories or `.tar.gz`, written by
    /// `tenet scan --shard I/N --evidence OUT` or `tenet audit --shard I/N --evidence OUT`).
    #[arg(required = true, value_name = "BUNDLE")]
    bundles: Vec<PathBuf>,
    #[command(flatten)]
    outputs: OutputArgs,
    /// Write the evidence bundle of the whole run: a directory, or an archive when the name
    /// ends in `.tar.gz`.
    #[arg(long, value_name = "OUT")]
    evidence: Option<PathBuf>,
    /// Write the fingerprints of the whole run's unsuppressed findings as a baseline.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Sign the merged bundle's manifest with this Ed25519 private key (PKCS#8 PEM).
    #[arg(long, value_name = "FILE", requires = "evidence")]
    sign_key: Option<PathBuf>,
}

pub fn run(args: MergeArgs) -> ExitCode {
    match execute(&args) {
        Ok(code) | Err(code) => code,
    }
}

fn execute(args: &MergeArgs) -> Result<ExitCode, ExitCode> {
    let outputs = args.outputs.specs().map_err(usage)?;
    let sign_key = match &args.sign_key {
        Some(p) => Some(evidence::sign::read_signing_key(p).map_err(usage)?),
        None => None,
    };
    // Every bundle is read (and its problems reported) before giving up.
    let mut shards = Vec::new();
    let mut failed = false;
    for path in &args.bundles {
        match ShardBundle::read(path) {
            Ok(s) => shards.push(s),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        return Err(usage(
            "some shard bundles could not be used; nothing was merged",
        ));
    }
    let merged = merge(shards).map_err(usage)?;
    let report = merged.report();
    if let Some(path) = &args.write_baseline {
        write_baseline(path, &merged.outcome.findings).map_err(usage)?;
    }
    args.outputs.write(&outputs, &report).map_err(usage)?;
    if let Some(out) = &args.evidence {
        let bundle = evidence::Bundle::write(&report, &merged.context(sign_key.as_ref()), out)
            .map_err(|e| usage(format!("evidence bundle: {e}")))?;
        eprintln!(
            "evidence: {} written from {} shards ({} files, manifest sha256 {})",
            out.display(),
            merged.count,
            bundle.files.len(),
            bundle.manifest_sha256
        );
    }
    if !merged.outcome.errors.is_empty() {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    if report.failing() > 0 {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::SUCCESS)
}
